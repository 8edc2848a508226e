package io.nudge.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Where the numbers came from: cores, CPU model, JDK, load at the start (other builds share this machine). */
public final class Machine {
    private Machine() {}

    public static String describe() {
        return String.format("%d cores (`nproc`), %s, %s %s (%s), %s; load average at start %s; %s UTC, commit %s",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), System.getProperty("java.vm.vendor"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), loadAverage(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace("T", " ").replace("Z", ""), gitCommit());
    }

    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    public static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    public static String gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes()).strip();
            return git.waitFor(5, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "n/a";
        } catch (IOException | InterruptedException e) {
            return "n/a";
        }
    }

    public static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }
}
