package io.nudge.bench.jmh;

import io.nudge.bench.Bench;
import io.nudge.bench.report.Chart;
import io.nudge.bench.report.JfrSummary;
import io.nudge.bench.report.Machine;
import io.nudge.bench.report.Markdown;
import io.nudge.model.Event;
import io.nudge.model.UserProfile;
import io.nudge.trigger.TriggerIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** `bench/run jmh`: trigger evaluation and template rendering, one JMH run, one report. */
public final class JmhRun {
    /** Targets from issue 7. */
    static final double TARGET_EVENTS_PER_SECOND = 100_000;
    static final double TARGET_PARSE_RATIO = 2.0;

    /** The median of the measured iterations (robust to the other builds on this machine), and their range. */
    private record Score(double nanos, double min, double max) {
        double perSecond() {
            return 1e9 / nanos;
        }

        String text() {
            return Markdown.num(nanos) + " (" + Markdown.num(min) + "–" + Markdown.num(max) + ")";
        }

        static Score of(RunResult result) {
            double[] scores = result.getBenchmarkResults().stream().flatMap(b -> b.getIterationResults().stream())
                    .mapToDouble(i -> i.getPrimaryResult().getScore()).sorted().toArray();
            double median = scores.length % 2 == 1 ? scores[scores.length / 2] : (scores[scores.length / 2 - 1] + scores[scores.length / 2]) / 2;
            return new Score(median, scores[0], scores[scores.length - 1]);
        }
    }

    private record EvalRow(int triggers, Workload.Spread spread, double candidates, double matched, Score parsed, Optional<Score> raw,
            Optional<Score> sharedPaths) {}

    private JmhRun() {}

    public static void run(Bench.Options options) throws Exception {
        Workload.Spread[] spreads = options.quick() ? new Workload.Spread[] {Workload.Spread.ZIPF} : Workload.Spread.values();
        ChainedOptionsBuilder builder = new OptionsBuilder()
                .include(TriggerEvaluationBenchmark.class.getName() + "\\.(jacksonParse|evaluateParsed)$")
                .include(TemplateRenderingBenchmark.class.getName() + "\\.")
                .param("spread", java.util.Arrays.stream(spreads).map(Enum::name).toArray(String[]::new))
                .forks(1)
                .threads(1)
                .warmupIterations(options.quick() ? 1 : 3)
                .warmupTime(TimeValue.milliseconds(options.quick() ? 500 : 1000))
                .measurementIterations(options.quick() ? 2 : 4)
                .measurementTime(TimeValue.milliseconds(options.quick() ? 500 : 1000))
                .jvmArgsAppend("-Xms512m", "-Xmx512m")
                .shouldFailOnError(true);
        Collection<RunResult> results = new ArrayList<>(new Runner(builder.build()).run());
        // from raw JSON, and the plain loop before TriggerMatcher, on the skewed spread only, in the same invocation
        results.addAll(new Runner(new OptionsBuilder()
                .include(TriggerEvaluationBenchmark.class.getName() + "\\.(evaluateRaw|evaluateParsedBefore)$")
                .param("spread", "ZIPF")
                .forks(1).threads(1)
                .warmupIterations(options.quick() ? 1 : 3).warmupTime(TimeValue.milliseconds(options.quick() ? 500 : 1000))
                .measurementIterations(options.quick() ? 2 : 4).measurementTime(TimeValue.milliseconds(options.quick() ? 500 : 1000))
                .jvmArgsAppend("-Xms512m", "-Xmx512m").shouldFailOnError(true).build()).run());

        Score parse = null;
        Score email = null;
        Score sms = null;
        List<EvalRow> rows = new ArrayList<>();
        java.util.Map<String, Score> parsedScores = new java.util.HashMap<>();
        java.util.Map<String, Score> rawScores = new java.util.HashMap<>();
        java.util.Map<String, Score> sharedScores = new java.util.HashMap<>();
        for (RunResult result : results) {
            String method = result.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            Score score = Score.of(result);
            switch (method) {
                case "jacksonParse" -> parse = score;
                case "renderEmail" -> email = score;
                case "renderSms" -> sms = score;
                case "evaluateParsed" -> parsedScores.put(key(result), score);
                case "evaluateRaw" -> rawScores.put(key(result), score);
                case "evaluateParsedBefore" -> sharedScores.put(key(result), score);
                default -> { }
            }
        }
        for (Workload.Spread spread : spreads) {
            for (int triggers : new int[] {10, 100, 1000}) {
                String key = triggers + "/" + spread;
                double[] shape = shape(triggers, spread);
                rows.add(new EvalRow(triggers, spread, shape[0], shape[1], parsedScores.get(key), Optional.ofNullable(rawScores.get(key)),
                        Optional.ofNullable(sharedScores.get(key))));
            }
        }
        // the ratio again, paired: parse and evaluate alternating in one JVM, round by round
        java.util.Map<String, PairedRatio.Result> paired = new java.util.LinkedHashMap<>();
        for (Workload.Spread spread : spreads) {
            for (int triggers : new int[] {10, 100, 1000}) {
                if (spread == Workload.Spread.UNIFORM && triggers != 1000) {
                    continue;
                }
                paired.put(triggers + "/" + spread, PairedRatio.measure(triggers, spread, options.quick() ? 10 : 30));
            }
        }
        Optional<JfrSummary.Summary> profile = Optional.empty();
        EvalRow hardest = rows.stream().filter(r -> r.triggers() == 1000 && r.spread() == Workload.Spread.ZIPF).findFirst().orElseThrow();
        boolean met = hardest.parsed().perSecond() >= TARGET_EVENTS_PER_SECOND
                && paired.get("1000/ZIPF").ratio() <= TARGET_PARSE_RATIO;
        if (!options.quick() && (!met || options.profile())) {
            profile = Optional.of(profile(options));
        }
        report(options, rows, parse, email, sms, paired, profile);
    }

    private static String key(RunResult result) {
        return result.getParams().getParam("triggers") + "/" + result.getParams().getParam("spread");
    }

    /** Mean candidate triggers and matches per event, for the same workload the benchmark runs. */
    static double[] shape(int triggers, Workload.Spread spread) {
        TriggerEvaluationBenchmark.Events events = new TriggerEvaluationBenchmark.Events();
        events.setUp();
        TriggerIndex index = Workload.index(triggers, spread, 3);
        long candidates = 0;
        long matched = 0;
        for (int i = 0; i < TriggerEvaluationBenchmark.EVENTS; i++) {
            Event event = events.parsed[i];
            UserProfile user = events.users[i];
            candidates += index.forEvent(event.name()).size();
            matched += TriggerEvaluationBenchmark.evaluate(index, event, user);
        }
        return new double[] {(double) candidates / TriggerEvaluationBenchmark.EVENTS, (double) matched / TriggerEvaluationBenchmark.EVENTS};
    }

    /** One more fork of the hardest case under JFR, summarised. */
    private static JfrSummary.Summary profile(Bench.Options options) throws Exception {
        Path jfr = Files.createTempDirectory("nudge-jfr").resolve("evaluate-1000-zipf.jfr");
        new Runner(new OptionsBuilder()
                .include(TriggerEvaluationBenchmark.class.getName() + "\\.evaluateParsed$")
                .param("triggers", "1000").param("spread", "ZIPF")
                .forks(1).threads(1).warmupIterations(2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(4).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Xms512m", "-Xmx512m", "-XX:+FlightRecorder",
                        "-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true")
                .build()).run();
        return JfrSummary.of(jfr, "evaluateParsed", 15);
    }

    private static void report(Bench.Options options, List<EvalRow> rows, Score parse, Score email, Score sms,
            java.util.Map<String, PairedRatio.Result> paired, Optional<JfrSummary.Summary> profile) {
        Markdown md = new Markdown().h1("Trigger evaluation and template rendering (JMH)");
        md.p("Command: `bench/run jmh" + (options.quick() ? " --quick" : "") + "`. Machine: " + Machine.describe() + ".");
        md.p("One thread, so events/s is per core. JMH " + (options.quick() ? "quick mode: 1 fork, 1×0.5 s warm-up, 2×0.5 s measured"
                : "1 fork, 3×1 s warm-up, 4×1 s measured") + " per benchmark. The machine is "
                + "shared with other builds, so compare the ratios (measured in the same run), not the absolute numbers across runs.");
        md.p("Workload: 50 event names with Zipf traffic (the top name is 22% of events), events of ~300 bytes JSON (plan, total, "
                + "currency, country, source, cartId, 1–4 items, sometimes a coupon, url), 200 users with attributes and consent, "
                + "triggers of 1–5 conditions (eq, in, not_in, gte, lt, gt, ne, contains, exists, not_exists, starts_with over "
                + "event properties, user attributes, locale, consent) parsed by the real TriggerParser and indexed by event name "
                + "with TriggerIndex, the index TriggerCatalog uses. `ZIPF`: triggers sit on event names as often as traffic does "
                + "(a popular event carries many triggers — the hard case); `UNIFORM`: spread evenly, most on rare events. "
                + "Evaluation = EvaluateService.evaluate without its I/O: two index lookups, the evaluation context "
                + "(EvaluationContext.of), the event name's compiled TriggerMatcher (each distinct path resolved once per event, "
                + "conditions compiled to typed comparisons; the first failing condition of each candidate decides). "
                + "Parsed events are what evaluate-triggers gets: the stream image read back (numbers as longs and BigDecimals). "
                + "From raw JSON adds Jackson parsing of the posted JSON and building the Event.");
        List<List<String>> table = new ArrayList<>();
        for (EvalRow row : rows) {
            table.add(List.of(Integer.toString(row.triggers()), row.spread().name(), Markdown.num(row.candidates()), Markdown.num(row.matched()),
                    row.parsed().text(), Markdown.num(row.parsed().perSecond()),
                    Markdown.fixed(row.parsed().nanos() / parse.nanos(), 2) + "×",
                    row.raw().map(Score::text).orElse("—"), row.raw().map(r -> Markdown.num(r.perSecond())).orElse("—"),
                    row.raw().map(r -> Markdown.fixed(r.nanos() / parse.nanos(), 2) + "×").orElse("—")));
        }
        md.h2("Trigger evaluation per event");
        md.p("Jackson parse of the same events (the floor): **" + parse.text() + " ns/event** (" + Markdown.num(parse.perSecond())
                + " events/s). Figures are the median of the measured iterations, with their range in brackets.");
        md.table(List.of("triggers", "spread", "candidates/event", "matches/event", "evaluate, parsed (ns/event)", "events/s per core",
                "÷ parse", "from raw JSON (ns/event; ZIPF only)", "events/s per core", "÷ parse"), table);
        List<List<String>> prototype = new ArrayList<>();
        for (EvalRow row : rows) {
            row.sharedPaths().ifPresent(sp -> prototype.add(List.of(Integer.toString(row.triggers()), row.spread().name(),
                    Markdown.num(row.parsed().nanos()), sp.text(), Markdown.num(sp.perSecond()),
                    Markdown.fixed(sp.nanos() / parse.nanos(), 2) + "×", Markdown.fixed(row.parsed().nanos() / sp.nanos(), 2) + "×")));
        }
        if (!prototype.isEmpty()) {
            md.h2("Before and after TriggerMatcher (same run)");
            md.p("Before: each candidate's conditions tested in order with `Condition.test`, each walking its path through "
                    + "the context (the production path until this change; kept as the benchmark `evaluateParsedBefore`). Now: "
                    + "`shared/…/trigger/TriggerMatcher`, built per event name with the index: each distinct path resolved once "
                    + "per event into its node, text and double; each condition a switch over a precompiled kind (text equality, "
                    + "text sets for in/not_in, double comparisons with the exact BigDecimal rule on ties, anything else "
                    + "`Condition.holds`). Same decisions and the same first failing condition: `TriggerMatcherTest` compares "
                    + "the two over generated triggers and contexts.");
            md.table(List.of("triggers", "spread", "now (ns/event)", "before (ns/event)", "events/s per core before", "÷ parse before", "speed-up"), prototype);
        }
        md.h2("Evaluation ÷ parse, paired (same JVM, alternating)");
        md.p("JMH runs the parse benchmark and each evaluation benchmark at different times, and this machine's load changes "
                + "between them (other builds), so their ratio above is only indicative. Here the two alternate in one JVM, ~50 ms "
                + "each, round after round (" + (options.quick() ? 10 : 30) + " rounds after 3 s of warm-up); the ratio is the median "
                + "of the per-round ratios, with the 10th–90th percentile range.");
        List<List<String>> pairedRows = new ArrayList<>();
        paired.forEach((key, p) -> pairedRows.add(List.of(key.replace("/", " triggers, "), Markdown.num(p.parseNanos()),
                Markdown.num(p.evaluateNanos()), "**" + Markdown.fixed(p.ratio(), 2) + "×** (" + Markdown.fixed(p.ratioLow(), 2) + "–"
                        + Markdown.fixed(p.ratioHigh(), 2) + ")")));
        md.table(List.of("case", "parse ns/event", "evaluate ns/event", "evaluate ÷ parse"), pairedRows);
        EvalRow hardest = rows.stream().filter(r -> r.triggers() == 1000 && r.spread() == Workload.Spread.ZIPF).findFirst().orElseThrow();
        PairedRatio.Result hardestPaired = paired.get("1000/ZIPF");
        md.h2("Targets");
        md.table(List.of("target", "measured", "verdict"), List.of(
                List.of("1,000 triggers, parsed events: ≥ 100,000 events/s per core", Markdown.num(hardest.parsed().perSecond()) + " events/s (ZIPF)",
                        Markdown.verdict(hardest.parsed().perSecond() >= TARGET_EVENTS_PER_SECOND)),
                List.of("1,000 triggers: evaluation ≤ 2× Jackson parse time", Markdown.fixed(hardestPaired.ratio(), 2) + "× (ZIPF, paired; JMH: "
                        + Markdown.fixed(hardest.parsed().nanos() / parse.nanos(), 2) + "×)", Markdown.verdict(hardestPaired.ratio() <= TARGET_PARSE_RATIO))));
        rows.stream().filter(r -> r.triggers() == 1000 && r.spread() == Workload.Spread.UNIFORM).findFirst().ifPresent(u ->
                md.p("With the same 1,000 triggers spread evenly (UNIFORM): " + Markdown.num(u.parsed().perSecond()) + " events/s, "
                        + Optional.ofNullable(paired.get("1000/UNIFORM")).map(p -> Markdown.fixed(p.ratio(), 2)).orElse("?") + "× parse (paired)."));
        profile.ifPresent(p -> {
            md.h2("Profile: 1,000 triggers, ZIPF, parsed events (JFR)");
            md.p("One more JMH fork of `evaluateParsed` with `-XX:StartFlightRecording=settings=profile`; " + p.samples()
                    + " `jdk.ExecutionSample` events whose stack passes through the benchmark, summarised "
                    + "(as `jfr print --events jdk.ExecutionSample` would list them).");
            md.table(List.of("self (top of stack)", "share"), p.self().stream()
                    .map(l -> List.of("`" + l.method() + "`", Markdown.fixed(l.share(), 1) + "%")).toList());
            md.table(List.of("total (anywhere on the stack)", "share"), p.total().stream()
                    .map(l -> List.of("`" + l.method() + "`", Markdown.fixed(l.share(), 1) + "%")).toList());
        });
        md.h2("Template rendering (parsed template cached)");
        md.table(List.of("template", "µs/render", "renders/s per core"), List.of(
                List.of("order-shipped email (subject, ~2 KB HTML with a loop over 3 lines and filters, text part)",
                        Markdown.fixed(email.nanos() / 1000, 1) + " (" + Markdown.fixed(email.min() / 1000, 1) + "–" + Markdown.fixed(email.max() / 1000, 1) + ")",
                        Markdown.num(email.perSecond())),
                List.of("order-shipped SMS (3 variables, 1 filter)", Markdown.fixed(sms.nanos() / 1000, 2) + " (" + Markdown.fixed(sms.min() / 1000, 2)
                        + "–" + Markdown.fixed(sms.max() / 1000, 2) + ")", Markdown.num(sms.perSecond()))));
        md.image("chart", "jmh.png");
        md.write(options.out().resolve("jmh.md"));

        Chart chart = new Chart("Trigger evaluation per core (events/s, log scale) — " + Machine.cpuModel() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores");
        List<Chart.Bar> bars = new ArrayList<>();
        bars.add(new Chart.Bar("Jackson parse only (floor)", parse.perSecond(), Markdown.num(parse.perSecond()), 5));
        for (EvalRow row : rows) {
            bars.add(new Chart.Bar(row.triggers() + " triggers " + row.spread().name().toLowerCase() + ", parsed", row.parsed().perSecond(),
                    Markdown.num(row.parsed().perSecond()), row.spread() == Workload.Spread.ZIPF ? 0 : 3));
            row.raw().ifPresent(raw -> bars.add(new Chart.Bar(row.triggers() + " triggers " + row.spread().name().toLowerCase() + ", raw JSON",
                    raw.perSecond(), Markdown.num(raw.perSecond()), 1)));
            row.sharedPaths().ifPresent(sp -> bars.add(new Chart.Bar(row.triggers() + " triggers " + row.spread().name().toLowerCase()
                    + ", before TriggerMatcher", sp.perSecond(), Markdown.num(sp.perSecond()), 2)));
        }
        chart.panel(Chart.Panel.of("events/s per core", bars).withTarget(TARGET_EVENTS_PER_SECOND, "target 100,000/s").log());
        chart.panel(Chart.Panel.of("template renders/s per core", List.of(
                Chart.Bar.of("email (order shipped)", email.perSecond(), Markdown.num(email.perSecond())),
                Chart.Bar.of("SMS (order shipped)", sms.perSecond(), Markdown.num(sms.perSecond())))));
        chart.write(options.out().resolve("jmh.png"));
        System.out.println(md);
    }
}
