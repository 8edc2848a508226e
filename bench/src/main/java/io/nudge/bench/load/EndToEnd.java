package io.nudge.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.bench.Bench;
import io.nudge.bench.report.Chart;
import io.nudge.bench.report.JfrSummary;
import io.nudge.bench.report.Machine;
import io.nudge.bench.report.Markdown;
import io.nudge.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * `bench/run e2e`: issue #17's scenarios on the local runner in its own process, persisted and in memory, on this
 * build (and on a baseline jar when given, before/after in one run). The welcome scenario (2,000 fresh users, their
 * signed_up events 100 per request from 4 connections, clock from the first request to the last email in the outbox)
 * through PUT /v1/users + POST /v1/events and through POST /v1/track; an open loop of single events for POST → SENT
 * latency, and idle single events; the store's raw PutItem rate on a bare embedded DynamoDB Local in this process.
 * Exactly once: every expected message must be in the outbox, its file created once, with exactly one SENT in its
 * history (read through the runner's HTTP API).
 */
public final class EndToEnd {
    static final double TARGET_PERSISTED = 150;
    static final double TARGET_IN_MEMORY = 250;
    static final double TARGET_P99_MS = 250;
    static final double TARGET_IDLE_P50_MS = 50;
    static final double TARGET_RATIO = 0.7;
    private static final int RAW_PUT_THREADS = 8;

    /** Where the runner keeps its database. */
    enum Store {
        PERSISTED("persisted", false),
        IN_MEMORY("in memory", true);

        final String label;
        final boolean inMemory;

        Store(String label, boolean inMemory) {
            this.label = label;
            this.inMemory = inMemory;
        }

        double target() {
            return inMemory ? TARGET_IN_MEMORY : TARGET_PERSISTED;
        }
    }

    /** A runner jar measured: this build's ("after") or a baseline's ("before"). */
    record Build(String name, Path jar) {}

    record StoreRun(Build build, Store store, List<Welcome.Result> welcome, OpenLoop.Result open) {}

    /** An HTTP answer, whatever its status. */
    record Answer(int status, String body) {
        JsonNode json() {
            try {
                return body.isEmpty() ? Json.object() : Json.parse(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (" + status + "): " + body, e);
            }
        }
    }

    /** DynamoDB calls per delivered email from bench/results/cost.json (bench/run cost), if there. */
    record Calls(double perEmail, double perUserUpsert) {}

    private EndToEnd() {}

    public static void run(Bench.Options options) throws Exception {
        String loadStart = Machine.loadAverage();
        boolean quick = options.quick();
        int users = quick ? 200 : 2_000;
        int warmUp = quick ? 100 : 300;
        int rate = options.rates().map(r -> r.get(0)).orElse(100);
        double openSeconds = options.seconds().map(Integer::doubleValue).orElse(quick ? 5.0 : 30.0);
        int singles = quick ? 5 : 20;
        Duration quiet = Duration.ofSeconds(quick ? 20 : 60);

        // the store alone, in this process: what the pipeline's DynamoDB calls are measured against
        // as the runner opens it (the ratio's denominator), and as DynamoDBEmbedded opens it (rollback journal), for reference
        Map<Store, Double> raw = new EnumMap<>(Store.class);
        Map<Store, Double> rawStock = new EnumMap<>(Store.class);
        for (Store store : Store.values()) {
            Optional<Path> folder = store.inMemory ? Optional.empty() : Optional.of(Files.createTempDirectory("nudge-e2e-raw-"));
            double stock = RawPuts.embedded(folder.map(f -> f.resolve("raw.db")), RAW_PUT_THREADS, quick ? 1 : 2, quick ? 2 : 5);
            double puts = RawPuts.asTheRunnerOpensIt(folder, RAW_PUT_THREADS, quick ? 1 : 2, quick ? 2 : 5);
            if (folder.isPresent()) {
                try (var files = Files.walk(folder.get())) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
            raw.put(store, puts);
            rawStock.put(store, stock);
            System.out.printf("e2e: the store alone, %s: %.0f PutItem/s as the runner opens it, %.0f/s as DynamoDBEmbedded does (%d threads, stream on)%n",
                    store.label, puts, stock, RAW_PUT_THREADS);
        }

        List<Build> builds = new ArrayList<>();
        options.baselineJar().ifPresent(jar -> builds.add(new Build("before", jar)));
        builds.add(new Build(options.baselineJar().isPresent() ? "after" : "this build", options.root().resolve("local/target/nudge-local.jar")));
        List<StoreRun> runs = new ArrayList<>();
        for (Store store : Store.values()) {
            for (Build build : builds) {
                boolean profile = options.profile() && store == Store.PERSISTED && build == builds.get(builds.size() - 1);
                System.out.printf("e2e: %s, %s (%s)%n", build.name(), store.label, build.jar());
                List<Welcome.Result> welcome = new ArrayList<>();
                for (Welcome.Variant variant : Welcome.Variant.values()) {
                    welcome.add(Welcome.run(options.root(), build.jar(), store.inMemory, variant, users, warmUp,
                            profile && variant == Welcome.Variant.EVENTS, quiet));
                }
                OpenLoop.Result open = OpenLoop.run(options.root(), build.jar(), store.inMemory, rate, openSeconds, singles, warmUp, quiet);
                runs.add(new StoreRun(build, store, welcome, open));
            }
        }
        report(options, new Report(users, warmUp, loadStart, Machine.loadAverage(), raw, rawStock, builds, runs, calls(options)));
    }

    private static Optional<Calls> calls(Bench.Options options) {
        Path file = options.out().resolve("cost.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode cost = Json.MAPPER.readTree(file.toFile());
            return Optional.of(new Calls(cost.at("/ingest.batch/calls").asDouble() + cost.at("/immediate.transactional/calls").asDouble(),
                    cost.at("/user.upsert/calls").asDouble()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The runner's HTTP API with an admin key, failing loudly (also the flood harness's). */
    record Api(HttpClient http, URI base, String key, Duration timeout) {
        Api(HttpClient http, URI base) {
            this(http, base, WelcomeRunner.KEY, Duration.ofSeconds(30));
        }

        JsonNode call(String method, String path, String body) {
            Answer answer = send(method, path, body);
            if (answer.status() / 100 != 2) {
                throw new IllegalStateException(method + " " + path + " → " + answer.status() + " " + answer.body());
            }
            return answer.json();
        }

        /** Any status; I/O failures throw. */
        Answer send(String method, String path, String body) {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                        .header("Authorization", "Bearer " + key);
                request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                return new Answer(response.statusCode(), response.body());
            } catch (IOException e) {
                throw new IllegalStateException(method + " " + path + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    record Report(int users, int warmUp, String loadStart, String loadEnd, Map<Store, Double> raw, Map<Store, Double> rawStock,
            List<Build> builds, List<StoreRun> runs,
            Optional<Calls> calls) {}

    private static Optional<Welcome.Delivered> delivered(StoreRun run, Welcome.Variant variant) {
        return run.welcome().stream().filter(w -> w.variant() == variant).findFirst()
                .flatMap(w -> w.outcome() instanceof Welcome.Delivered d ? Optional.of(d) : Optional.empty());
    }

    private static String rateCell(StoreRun run, Welcome.Variant variant) {
        return run.welcome().stream().filter(w -> w.variant() == variant).findFirst().map(w -> switch (w.outcome()) {
            case Welcome.Delivered d -> Markdown.num(d.perSecond());
            case Welcome.RouteMissing m -> "route missing (" + m.status() + ")";
        }).orElse("—");
    }

    /** Pipeline DynamoDB calls/s ÷ the bare store's PutItem/s; NaN without cost.json. */
    private static double ratio(Report report, StoreRun run, Welcome.Variant variant) {
        return report.calls().flatMap(c -> delivered(run, variant).map(d -> d.perSecond()
                * (c.perEmail() + (variant == Welcome.Variant.TRACK ? c.perUserUpsert() : 0)) / report.raw().get(run.store())))
                .orElse(Double.NaN);
    }

    private static void report(Bench.Options options, Report report) throws IOException {
        boolean compare = options.baselineJar().isPresent();
        String command = "bench/run e2e" + (options.quick() ? " --quick" : "") + (options.profile() ? " --profile" : "")
                + options.baselineJar().map(j -> " --baseline-jar " + j).orElse("");
        Markdown md = new Markdown().h1("End to end in local mode: the welcome scenario, POST → SENT, the store's raw rate");
        md.p("Command: `" + command + "`. Machine: " + Machine.describe() + ". Load average (1, 5, 15 min) when the benchmark "
                + "started: " + report.loadStart() + "; when it ended: " + report.loadEnd() + ". Builds: "
                + report.builds().stream().map(b -> b.name() + " = `" + b.jar() + "`").collect(Collectors.joining(", ")) + ".");
        md.p("Each scenario starts a fresh `java -jar nudge-local.jar --data-dir <fresh temp dir> --config <dir>` (persisted, and "
                + "once more with `--in-memory`), the config folder holding only copies of `examples/triggers/welcome.json` and "
                + "`examples/templates/welcome_email.json`; no `NUDGE_RATE_LIMITS` override. A warm-up of " + report.warmUp()
                + " events first (their own users, the same trigger, the same requests; waited for). Then " + report.users()
                + " fresh users and their `signed_up` events, " + Welcome.BATCH + " per request from " + Welcome.CONNECTIONS
                + " connections, each posting its share back to back: either the users created by `PUT /v1/users/{userId}` "
                + "before the clock and the events by `POST /v1/events`, or both in `POST /v1/track` (users and their events in one "
                + "request). The clock runs from the first request to the last expected `<id>.eml` in `<data-dir>/outbox/` "
                + "(file-system events, one message id counts once). Lost: an expected message not in the outbox or without a "
                + "SENT entry; twice: more than one SENT in its history (`GET /v1/messages?triggerId=welcome`, then "
                + "`GET /v1/messages/{id}`) or its file created more than once.");
        md.h2("Welcome scenario");
        List<List<String>> rows = new ArrayList<>();
        for (StoreRun run : report.runs()) {
            for (Welcome.Result w : run.welcome()) {
                List<String> row = new ArrayList<>(List.of(run.build().name(), run.store().label, "`" + w.variant().label() + "`"));
                switch (w.outcome()) {
                    case Welcome.Delivered d -> row.addAll(List.of("**" + Markdown.num(d.perSecond()) + "**", d.emails() + " of " + d.expected(),
                            Integer.toString(d.lost()), Integer.toString(d.twice()), Integer.toString(d.rejected()), Markdown.fixed(d.seconds(), 1),
                            Integer.toString(d.warmUpMissing())));
                    case Welcome.RouteMissing m -> row.addAll(List.of("route missing (" + m.status() + ")", "—", "—", "—", "—", "—", "—"));
                }
                rows.add(row);
            }
        }
        md.table(List.of("build", "store", "variant", "delivered emails/s", "emails", "lost", "twice", "not accepted", "seconds",
                "warm-up emails missing"), rows);
        if (compare) {
            List<List<String>> side = new ArrayList<>();
            for (Store store : Store.values()) {
                for (Welcome.Variant variant : Welcome.Variant.values()) {
                    List<String> row = new ArrayList<>(List.of(store.label, "`" + variant.label() + "`"));
                    for (Build build : report.builds()) {
                        row.add(report.runs().stream().filter(r -> r.build() == build && r.store() == store).findFirst()
                                .map(r -> rateCell(r, variant)).orElse("—"));
                    }
                    side.add(row);
                }
            }
            List<String> header = new ArrayList<>(List.of("store", "variant"));
            report.builds().forEach(b -> header.add(b.name() + ": emails/s"));
            md.h2("Before / after (same run)");
            md.table(header, side);
        }
        md.h2("With one subscription to the stream out (issue #19)");
        md.p("The `/v1/events` variant again on a fresh runner, with one webhook subscription to `message.sent` on a loopback "
                + "receiver in the benchmark's process that answers 200 at once (`NUDGE_WEBHOOK_ALLOW_HOSTS=127.0.0.1`): every "
                + "delivered email also writes its outbound record (deliver) and goes through emit-events to the receiver. "
                + "Emails/s is measured as above; events/s from the first request to the last `message.sent` received (by its "
                + "derived id); missing: a SENT message whose event never came; again: deliveries of an id beyond the first.");
        List<List<String>> streamOut = new ArrayList<>();
        for (StoreRun run : report.runs()) {
            Optional<Welcome.Delivered> none = delivered(run, Welcome.Variant.EVENTS);
            Optional<Welcome.Delivered> one = delivered(run, Welcome.Variant.SUBSCRIBED);
            if (one.isEmpty() || one.get().streamOut().isEmpty()) {
                streamOut.add(List.of(run.build().name(), run.store().label, none.map(d -> Markdown.num(d.perSecond())).orElse("—"),
                        rateCell(run, Welcome.Variant.SUBSCRIBED), "—", "—", "—", "—", "—", "—"));
                continue;
            }
            Welcome.StreamOut out = one.get().streamOut().get();
            streamOut.add(List.of(run.build().name(), run.store().label, none.map(d -> Markdown.num(d.perSecond())).orElse("—"),
                    "**" + Markdown.num(one.get().perSecond()) + "**",
                    none.map(d -> Markdown.fixed(one.get().perSecond() / d.perSecond(), 2)).orElse("—"),
                    out.received() + " of " + out.expected() + " (" + Markdown.num(out.perSecond()) + "/s)",
                    Integer.toString(out.missing()), Integer.toString(out.duplicates()),
                    Markdown.num(out.burst().p50()) + " / " + Markdown.num(out.burst().p99()),
                    "**" + Markdown.num(out.idle().p50()) + "** / " + Markdown.num(out.idle().max()) + " (" + out.idle().count() + ")"));
        }
        md.table(List.of("build", "store", "emails/s, no subscription", "emails/s, 1 subscription", "ratio", "message.sent received",
                "missing", "again", "email → event ms, burst p50 / p99", "idle p50 / max ms (singles)"), streamOut);
        md.p("Email → event: from the email's file in the outbox (the send, milliseconds before its SENT write and outbound "
                + "put) to its `message.sent` at the receiver. Idle: single events one at a time after the burst, 1 s apart; the "
                + "issue asks for an event to reach its subscribers within 2 s of the change locally.");
        md.h2("POST → SENT latency");
        md.p("Open loop: single-event `POST /v1/events` at a fixed rate (event k leaves at start + k/rate, whatever happened to "
                + "the others) on a fresh welcome runner after its warm-up, events spread over " + OpenLoop.USERS + " users. Idle: single events, "
                + "each at least 1 s after the previous one and after its email. Latency = the message's SENT entry (runner clock) "
                + "minus the moment the POST left (this process's clock; the same machine).");
        List<List<String>> latency = new ArrayList<>();
        for (StoreRun run : report.runs()) {
            OpenLoop.Result o = run.open();
            latency.add(List.of(run.build().name(), run.store().label, o.rate() + "/s × " + Markdown.num(o.seconds()) + " s",
                    o.posted() + " / " + (o.notAccepted().isEmpty() ? "0" : o.notAccepted().entrySet().stream()
                            .map(e -> e.getValue() + " × " + e.getKey()).collect(Collectors.joining(", "))), Markdown.num(o.latency().at(50)), Markdown.num(o.latency().at(95)),
                    "**" + Markdown.num(o.latency().at(99)) + "**", Markdown.num(o.latency().max()), o.lost() + " / " + o.twice(),
                    o.singles() + "", "**" + Markdown.num(o.idle().at(50)) + "**", Markdown.num(o.idle().at(99)), o.idleLost() + " / " + o.idleTwice()));
        }
        md.table(List.of("build", "store", "open loop", "posted / not accepted (× status)", "p50 ms", "p95 ms", "p99 ms", "max ms", "lost / twice",
                "idle singles", "idle p50 ms", "idle p99 ms", "idle lost / twice"), latency);

        md.h2("Against the store's raw rate (same run)");
        md.p("The store alone, in the benchmark's process: DynamoDB Local embedded and opened as the runner opens its main "
                + "database (`io.nudge.local.EmbeddedStore`: write-ahead log, `synchronous=NORMAL`) on a fresh database in a temp "
                + "folder on the disk the runners' data folders are on, or in memory; " + RAW_PUT_THREADS
                + " threads, ~300-byte items, a table with a stream on, PutItem/s after a warm-up: "
                + report.raw().entrySet().stream().map(e -> e.getKey().label + " **" + Markdown.num(e.getValue()) + "/s**")
                        .collect(Collectors.joining(", ")) + ". For reference, as `DynamoDBEmbedded.create(File)` opens it (SQLite's "
                + "rollback journal, a sync per write; the runner before #17 used that, behind DynamoDB Local's HTTP server): "
                + report.rawStock().entrySet().stream().map(e -> e.getKey().label + " " + Markdown.num(e.getValue()) + "/s")
                        .collect(Collectors.joining(", ")) + ". The ratio below is against the first. "
                + report.calls().map(c -> "DynamoDB calls per delivered email, from `cost.json` (`bench/run cost`: ingest in batches "
                        + "+ immediate transactional email): " + Markdown.fixed(c.perEmail(), 2) + "; the track variant adds a user "
                        + "upsert's " + Markdown.fixed(c.perUserUpsert(), 2) + ".").orElse("Run `bench/run cost` first for the ratios."));
        List<List<String>> ratios = new ArrayList<>();
        for (StoreRun run : report.runs()) {
            for (Welcome.Variant variant : List.of(Welcome.Variant.EVENTS, Welcome.Variant.TRACK)) {
                double r = ratio(report, run, variant);
                ratios.add(List.of(run.build().name(), run.store().label, "`" + variant.path + "`", rateCell(run, variant),
                        Markdown.num(report.raw().get(run.store())), Double.isNaN(r) ? "—" : "**" + Markdown.fixed(r, 2) + "**"));
            }
        }
        md.table(List.of("build", "store", "variant", "emails/s", "raw PutItem/s", "pipeline calls/s ÷ raw calls/s"), ratios);
        md.p("The pipeline's calls are not all PutItems (reads are cheaper), and the runner keeps the Messages table in a second "
                + "database served by a second SQLite thread, so a ratio above 1 is possible. A ratio well below 1 means the runner "
                + "spends its time getting to the store, not in its work.");

        md.h2("Targets (issue #17)");
        List<List<String>> targets = new ArrayList<>();
        for (StoreRun run : report.runs()) {
            String who = (compare ? run.build().name() + ", " : "") + run.store().label;
            Optional<Welcome.Delivered> events = delivered(run, Welcome.Variant.EVENTS);
            targets.add(List.of(who, "≥ " + Markdown.num(run.store().target()) + " delivered emails/s (welcome, `/v1/events`)",
                    events.map(d -> Markdown.num(d.perSecond()) + "/s").orElse("—"),
                    Markdown.verdict(events.map(d -> d.perSecond() >= run.store().target()).orElse(false))));
            boolean clean = run.welcome().stream().allMatch(w -> !(w.outcome() instanceof Welcome.Delivered d) || d.lost() == 0 && d.twice() == 0
                    && d.warmUpMissing() == 0) && run.open().lost() == 0 && run.open().twice() == 0 && run.open().idleLost() == 0
                    && run.open().idleTwice() == 0;
            targets.add(List.of(who, "nothing lost, nothing twice (every scenario)", clean ? "0 / 0" : "see the tables", Markdown.verdict(clean)));
            targets.add(List.of(who, "p99 POST → SENT ≤ 250 ms at " + run.open().rate() + "/s", Markdown.num(run.open().latency().at(99)) + " ms",
                    Markdown.verdict(run.open().latency().at(99) <= TARGET_P99_MS)));
            targets.add(List.of(who, "idle single event p50 ≤ 50 ms", Markdown.num(run.open().idle().at(50)) + " ms",
                    Markdown.verdict(run.open().idle().at(50) <= TARGET_IDLE_P50_MS)));
            double r = ratio(report, run, Welcome.Variant.EVENTS);
            targets.add(List.of(who, "pipeline calls/s ÷ raw calls/s ≥ 0.7", Double.isNaN(r) ? "no cost.json" : Markdown.fixed(r, 2),
                    Markdown.verdict(r >= TARGET_RATIO)));
        }
        md.table(List.of("build, store", "target", "measured", "verdict"), targets);
        List<String> lost = new ArrayList<>();
        for (StoreRun run : report.runs()) {
            String who = run.build().name() + ", " + run.store().label + ", ";
            for (Welcome.Result w : run.welcome()) {
                if (w.outcome() instanceof Welcome.Delivered d) {
                    d.lostWhere().forEach(l -> lost.add(who + "welcome `" + w.variant().label() + "`: " + l));
                }
            }
            run.open().lostWhere().forEach(l -> lost.add(who + "open loop or idle: " + l));
        }
        if (!lost.isEmpty()) {
            md.h2("Lost messages: what the API says of them (up to three per scenario)");
            md.bullets(lost);
        }

        for (StoreRun run : report.runs()) {
            for (Welcome.Result w : run.welcome()) {
                w.profile().ifPresent(p -> profile(md, run, p));
            }
        }
        md.image("chart", "e2e.png");
        md.write(options.out().resolve("e2e.md"));
        chart(options, report);
        System.out.println(md);
    }

    private static void profile(Markdown md, StoreRun run, JfrSummary.Summary p) {
        md.h2("Profile of the runner: welcome scenario, " + run.store().label + " (JFR)");
        md.p("The runner ran its warm-up and the welcome scenario (`/v1/events`) under `-XX:StartFlightRecording=settings=profile`; "
                + p.samples() + " CPU samples (`jdk.ExecutionSample`), each given to the first frame from the top of its stack outside "
                + "the JDK, so JDK collections, I/O and locks count for whoever called them. The benchmark's own process is not in it.");
        md.table(List.of("where the runner's CPU goes", "share of samples"), p.self().stream()
                .map(l -> List.of(l.method(), Markdown.fixed(l.share(), 1) + "%")).toList());
        md.table(List.of("thread", "share of samples"), p.total().stream()
                .map(l -> List.of(l.method(), Markdown.fixed(l.share(), 1) + "%")).toList());
        md.p("In short: " + Markdown.fixed(share(p, "DynamoDB Local"), 0) + "% DynamoDB Local, "
                + Markdown.fixed(share(p, "AWS SDK") + share(p, "Jackson"), 0) + "% the AWS SDK and Jackson, "
                + Markdown.fixed(share(p, "Nudge") + share(p, "Liqp"), 0) + "% Nudge's own code and templates.");
    }

    private static void chart(Bench.Options options, Report report) throws IOException {
        Chart chart = new Chart("End to end, local mode: " + Machine.cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        List<Chart.Bar> rates = new ArrayList<>();
        List<Chart.Bar> latency = new ArrayList<>();
        int colour = 0;
        for (StoreRun run : report.runs()) {
            String who = (options.baselineJar().isPresent() ? run.build().name() + ", " : "") + run.store().label;
            for (Welcome.Variant variant : Welcome.Variant.values()) {
                Optional<Welcome.Delivered> d = delivered(run, variant);
                if (d.isPresent()) {
                    rates.add(new Chart.Bar(who + " " + variant.path, d.get().perSecond(), Markdown.num(d.get().perSecond()) + " emails/s", colour));
                }
            }
            latency.add(new Chart.Bar(who + " open p99", run.open().latency().at(99), Markdown.num(run.open().latency().at(99)) + " ms", colour));
            latency.add(new Chart.Bar(who + " idle p50", run.open().idle().at(50), Markdown.num(run.open().idle().at(50)) + " ms", colour));
            colour++;
        }
        chart.panel(Chart.Panel.of("welcome scenario: delivered emails/s", rates).withTarget(TARGET_PERSISTED, "persisted target 150/s"));
        chart.panel(Chart.Panel.of("POST → SENT (log scale)", latency).withTarget(TARGET_P99_MS, "p99 target 250 ms").log());
        chart.write(options.out().resolve("e2e.png"));
    }

    /** Where a CPU sample of the runner goes: the first frame (from the top) outside the JDK decides. */
    static String component(String type) {
        if (type.startsWith("com.almworks.sqlite4java")) {
            return "DynamoDB Local: SQLite storage (sqlite4java)";
        }
        if (type.startsWith("com.amazonaws.services.dynamodbv2") || type.startsWith("software.amazon.dynamodb") || type.startsWith("org.partiql")
                || type.startsWith("com.amazon.ion") || type.startsWith("kotlin")) {
            return "DynamoDB Local: request processing";
        }
        if (type.startsWith("org.eclipse.jetty")) {
            return "DynamoDB Local: HTTP server (Jetty)";
        }
        if (type.startsWith("software.amazon.awssdk")) {
            return "AWS SDK in the runner (marshalling, signing, HTTP client)";
        }
        if (type.startsWith("sun.net.httpserver") || type.startsWith("com.sun.net.httpserver")) {
            return "runner HTTP API server (JDK)";
        }
        if (type.startsWith("io.nudge.channel.outbox")) {
            return "Nudge: outbox files";
        }
        if (type.startsWith("io.nudge.local")) {
            return "Nudge: local runner (stream pollers, scheduler)";
        }
        if (type.startsWith("io.nudge")) {
            return "Nudge: handlers and services";
        }
        if (type.startsWith("com.fasterxml")) {
            return "Jackson";
        }
        if (type.startsWith("liqp") || type.startsWith("liquid")) {
            return "Liqp (templates)";
        }
        if (type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.") || type.startsWith("sun.") || type.startsWith("com.sun.")
                || type.isEmpty()) {
            return null;
        }
        int dot = type.indexOf('.', type.indexOf('.') + 1);
        return dot > 0 ? type.substring(0, dot) : type;
    }

    static String threadGroup(String thread) {
        if (thread.startsWith("poller")) {
            return "stream pollers (run the handlers)";
        }
        if (thread.startsWith("qtp") || thread.contains("jetty")) {
            return "DynamoDB Local's Jetty threads";
        }
        if (thread.isEmpty() || thread.startsWith("ForkJoinPool") || thread.startsWith("virtual")) {
            return "virtual threads (HTTP API requests, batch workers)";
        }
        return thread.replaceAll("[-#]?\\d+$", "");
    }

    private static double share(io.nudge.bench.report.JfrSummary.Summary profile, String prefix) {
        return profile.self().stream().filter(l -> l.method().startsWith(prefix)).mapToDouble(io.nudge.bench.report.JfrSummary.Line::share).sum();
    }

}
