package io.nudge.bench;

import io.nudge.bench.cold.ColdStart;
import io.nudge.bench.cost.CostRun;
import io.nudge.bench.jmh.JmhRun;
import io.nudge.bench.load.EndToEnd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code java -jar bench/target/nudge-bench.jar jmh|e2e|cost|cold|all [--quick] [--profile] [--root DIR] [--out DIR]
 * [--rates 100,300,1000] [--seconds N] [--baseline-jar PATH]}. bench/run finds a JDK, builds the jars and calls this.
 */
public final class Bench {
    static final String USAGE = """
            usage: bench/run jmh|e2e|cost|cold|all|flood|signups|console [--quick] [--profile] [--rates 100,300,1000] [--seconds 20] [--rate 600]
                   [--baseline-jar PATH]
              jmh    trigger evaluation and template rendering (JMH)           → bench/results/jmh.md, jmh.png
              e2e    issue #17's welcome scenario (2,000 users, 2,000 signed_up events, 100 per request, 4 connections; via
                     /v1/events and /v1/track), persisted and --in-memory: emails/s, nothing lost or twice; open loop at
                     --rate (100) events/s for --seconds (30): p50/p95/p99 POST → SENT; idle single events; the store's raw
                     PutItem/s (embedded DynamoDB Local) and pipeline calls ÷ raw → bench/results/e2e.md, e2e.png
                     --baseline-jar PATH  the same scenarios on another build's nudge-local.jar too (before/after)
              cost   DynamoDB units per unit of work, Lambda time, cost table   → bench/results/cost.md, cost.png
              cold   each function jar: fresh JVM to first invocation, priming  → bench/results/cold.md, cold.png
              all    all four (cost before e2e, which uses its units)
              signups  three fresh runners with examples/, each sent 2,000 signed_up events (batches of 100, 4
                     connections) right after start: every welcome email must end SENT → bench/results/signups.md
              flood  10× the sustained rate at the API for --seconds (60) at --rate (600) events/s: 429 + Retry-After
                     or accepted, then every accepted event evaluated and delivered once; drain time → bench/results/flood.md
              console  issue #14's console budgets: seeds --users (10,000) and --messages (100,000) with direct store
                     writes, starts the runner on them, times every screen's API calls (and each deep link in headless
                     Chromium when installed) and the first load's bytes → bench/results/console.md (--quick: 1,000/10,000)
              campaign  (bench/run only, not this jar) a campaign to --users N in the local runner → bench/results/campaign.md
              --quick    short runs for CI smoke tests (under 2 minutes for all)
              --profile  JFR profile of the hardest evaluation case even when its target is met; e2e: of the
                         persisted welcome scenario's runner""";

    /** @param root the repository (jars, examples), @param out where reports and charts go */
    public record Options(boolean quick, boolean profile, Path root, Path out, Optional<List<Integer>> rates, Optional<Integer> seconds,
            Optional<Path> baselineJar) {
        public Options(boolean quick, boolean profile, Path root, Path out, Optional<List<Integer>> rates, Optional<Integer> seconds) {
            this(quick, profile, root, out, rates, seconds, Optional.empty());
        }
    }

    private Bench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(USAGE);
            return;
        }
        String command = args[0];
        boolean quick = false;
        boolean profile = false;
        Path root = Path.of(".").toAbsolutePath().normalize();
        Path out = null;
        Optional<List<Integer>> rates = Optional.empty();
        Optional<Integer> seconds = Optional.empty();
        Optional<Integer> users = Optional.empty();
        Optional<Integer> messages = Optional.empty();
        Optional<Path> baselineJar = Optional.empty();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--profile" -> profile = true;
                case "--root" -> root = Path.of(value(args, ++i)).toAbsolutePath().normalize();
                case "--out" -> out = Path.of(value(args, ++i)).toAbsolutePath().normalize();
                case "--rates" -> {
                    List<Integer> list = new ArrayList<>();
                    for (String r : value(args, ++i).split(",")) {
                        list.add(Integer.parseInt(r.strip()));
                    }
                    rates = Optional.of(list);
                }
                case "--seconds" -> seconds = Optional.of(Integer.parseInt(value(args, ++i)));
                case "--users" -> users = Optional.of(Integer.parseInt(value(args, ++i)));
                case "--messages" -> messages = Optional.of(Integer.parseInt(value(args, ++i)));
                case "--baseline-jar" -> baselineJar = Optional.of(Path.of(value(args, ++i)).toAbsolutePath().normalize());
                case "--rate" -> rates = Optional.of(List.of(Integer.parseInt(value(args, ++i))));
                default -> {
                    System.err.println("unknown option " + args[i] + "\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        Options options = new Options(quick, profile, root, out == null ? root.resolve("bench/results") : out, rates, seconds, baselineJar);
        Files.createDirectories(options.out());
        long started = System.nanoTime();
        switch (command) {
            case "jmh" -> JmhRun.run(options);
            case "e2e" -> EndToEnd.run(options);
            case "cost" -> CostRun.run(options);
            case "cold" -> ColdStart.run(options);
            case "flood" -> io.nudge.bench.load.Flood.run(options);
            case "signups" -> io.nudge.bench.load.Signups.run(options);
            case "console" -> io.nudge.bench.console.ConsoleBench.run(options, users.orElse(quick ? 1_000 : 10_000),
                    messages.orElse(quick ? 10_000 : 100_000));
            case "all" -> {
                JmhRun.run(options);
                CostRun.run(options);
                EndToEnd.run(options);
                ColdStart.run(options);
            }
            default -> {
                System.err.println("unknown benchmark " + command + "\n" + USAGE);
                System.exit(2);
            }
        }
        System.out.printf("bench %s%s: done in %.0f s; reports in %s%n", command, quick ? " --quick" : "",
                (System.nanoTime() - started) / 1e9, options.out());
        System.exit(0);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            System.err.println(args[i - 1] + " needs a value");
            System.exit(2);
        }
        return args[i];
    }
}
