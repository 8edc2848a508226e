package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The crash harness ({@link CrashHarness}): SIGKILL the local runner at random moments under a mixed workload, then
 * check every event and message. Short here (3 kills); {@code reliability/crash [--kills N]} runs the full form
 * (system properties crash.kills, crash.users, crash.seed, crash.report).
 */
class CrashIT {
    @Test
    void killed_and_restarted_runner_loses_nothing_and_sends_nothing_twice() throws Exception {
        Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        Path root = module.getParent();
        int kills = Integer.getInteger("crash.kills", 3);
        int users = Integer.getInteger("crash.users", kills > 5 ? 20 : 8);
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Path work = Files.createDirectories(module.resolve("target/crash-" + System.currentTimeMillis()));
        CrashHarness.Settings settings = new CrashHarness.Settings(root, work, kills, users, seed,
                Duration.ofSeconds(2), Duration.ofSeconds(kills > 5 ? 9 : 5));

        CrashHarness.Report report = new CrashHarness(settings).run();

        String markdown = report.markdown(settings);
        Files.writeString(work.resolve("crash.md"), markdown);
        String target = System.getProperty("crash.report", "");
        if (!target.isBlank()) {
            Path out = root.resolve(target);
            Files.createDirectories(out.getParent());
            Files.writeString(out, markdown);
        }
        System.out.println(markdown);
        assertThat(report.kills()).isEqualTo(kills);
        assertThat(report.eventsAccepted()).isPositive();
        assertThat(report.failures()).as("see " + work.resolve("crash.md") + " and runner.log").isEmpty();
    }
}
