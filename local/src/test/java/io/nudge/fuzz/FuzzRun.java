package io.nudge.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One fuzz run's settings and tally. {@code -Dnudge.fuzz.seed=N} replays a run, {@code -Dnudge.fuzz.cases=N} sets how
 * many generated cases each fuzz test tries (regression cases come on top). Every violation is kept with the case
 * that caused it, so a failure names its seed and case number.
 */
final class FuzzRun {
    static final long DEFAULT_SEED = 20261124L;
    /** Leaks of internals into a response or result: Java class names, stack frames, exception text. */
    static final Pattern LEAK = Pattern.compile(
            "Exception|\\bat [a-z]+\\.[a-z]|\\bjava\\.|\\bjavax\\.|io\\.nudge\\.|com\\.fasterxml|software\\.amazon|com\\.amazonaws|liqp\\.|\\.java:\\d+|Caused by");

    final String name;
    final long seed;
    final int cases;
    private final Map<String, Integer> tried = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private final long started = System.nanoTime();

    FuzzRun(String name, int defaultCases) {
        this.name = name;
        this.seed = Long.getLong("nudge.fuzz.seed", DEFAULT_SEED);
        this.cases = Integer.getInteger("nudge.fuzz.cases", defaultCases);
    }

    void count(String target) {
        tried.merge(target, 1, Integer::sum);
    }

    void violation(String target, int caseNumber, String what, String detail) {
        if (violations.size() < 200) {
            violations.add(target + " case " + caseNumber + " (" + what + "): " + shorten(detail));
        }
    }

    int total() {
        return tried.values().stream().mapToInt(Integer::intValue).sum();
    }

    List<String> violations() {
        return violations;
    }

    /** The line a run leaves in the test output: seed, cases per target, time, violations. */
    String summary() {
        return "FUZZ " + name + " seed=" + seed + " cases=" + total() + " perTarget=" + tried + " seconds="
                + (System.nanoTime() - started) / 1_000_000_000.0 + " violations=" + violations.size();
    }

    /** Prints the summary and writes it, with every violation, to target/fuzz/NAME.txt (kept by CI with the reports). */
    String report() {
        String summary = summary();
        System.out.println(summary);
        try {
            java.nio.file.Path dir = java.nio.file.Path.of("target", "fuzz");
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.write(dir.resolve(name + ".txt"),
                    (summary + "\n" + String.join("\n", violations) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            System.out.println("could not write the fuzz report: " + e);
        }
        return summary;
    }

    static String shorten(String text) {
        if (text == null) {
            return "null";
        }
        String oneLine = text.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() > 400 ? oneLine.substring(0, 400) + "…(" + text.length() + " chars)" : oneLine;
    }
}
