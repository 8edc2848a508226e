package io.nudge.bench.jmh;

import io.nudge.json.Json;
import io.nudge.trigger.TriggerIndex;
import java.io.IOException;
import java.util.Arrays;

/**
 * The evaluation ÷ parse ratio measured robustly on a shared machine: in one JVM, after warming both, alternate ~50 ms
 * of Jackson parsing with ~50 ms of evaluating the same events, many rounds, and take the median of the per-round
 * ratios. Load from other processes changes slowly compared with a round, so each ratio compares like with like
 * (JMH runs the two benchmarks minutes apart, when the machine may be busier or quieter).
 */
public final class PairedRatio {
    public record Result(double parseNanos, double evaluateNanos, double ratio, double ratioLow, double ratioHigh) {}

    private PairedRatio() {}

    public static Result measure(int triggers, Workload.Spread spread, int rounds) throws IOException {
        TriggerEvaluationBenchmark.Events events = new TriggerEvaluationBenchmark.Events();
        events.setUp();
        TriggerIndex index = Workload.index(triggers, spread, 3);
        long sink = 0;
        long warmUntil = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warmUntil) {
            sink += parseAll(events);
            sink += evaluateAll(events, index);
        }
        double[] ratios = new double[rounds];
        double[] parse = new double[rounds];
        double[] evaluate = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            long passes = 0;
            while (System.nanoTime() - start < 50_000_000L) {
                sink += parseAll(events);
                passes++;
            }
            parse[r] = (System.nanoTime() - start) / (double) (passes * TriggerEvaluationBenchmark.EVENTS);
            start = System.nanoTime();
            passes = 0;
            while (System.nanoTime() - start < 50_000_000L) {
                sink += evaluateAll(events, index);
                passes++;
            }
            evaluate[r] = (System.nanoTime() - start) / (double) (passes * TriggerEvaluationBenchmark.EVENTS);
            ratios[r] = evaluate[r] / parse[r];
        }
        if (sink == 42) {
            System.out.print("");
        }
        Arrays.sort(ratios);
        Arrays.sort(parse);
        Arrays.sort(evaluate);
        return new Result(parse[rounds / 2], evaluate[rounds / 2], ratios[rounds / 2], ratios[rounds / 10], ratios[rounds - 1 - rounds / 10]);
    }

    private static long parseAll(TriggerEvaluationBenchmark.Events events) throws IOException {
        long n = 0;
        for (byte[] raw : events.raw) {
            n += Json.MAPPER.readTree(raw).size();
        }
        return n;
    }

    private static long evaluateAll(TriggerEvaluationBenchmark.Events events, TriggerIndex index) {
        long n = 0;
        for (int i = 0; i < TriggerEvaluationBenchmark.EVENTS; i++) {
            n += TriggerEvaluationBenchmark.evaluate(index, events.parsed[i], events.users[i]);
        }
        return n;
    }
}
