package io.nudge.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.bench.Bench;
import io.nudge.bench.report.Machine;
import io.nudge.bench.report.Markdown;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * `bench/run signups`: the load under which concurrent rendering once failed valid messages (issue #13, defect 1),
 * tried as a new user would. A fresh runner with the repository's examples/ (the welcome trigger sends an email on
 * {@code signed_up}), 2,000 fresh users, then 2,000 {@code signed_up} events in batches of 100 from 4 connections
 * right after start, while the JVM-wide state (liqp's, the SDK's) is still cold. Three runs, each a new process.
 * Every welcome email must end SENT, and nothing may be logged at WARN or ERROR.
 */
public final class Signups {
    private static final String KEY = "signups-bench-admin-key-0123456789abcdef";
    private static final int CONNECTIONS = 4;
    private static final int BATCH = 100;
    private static final long SETTLE_SECONDS = 600;

    record Run(int users, double postSeconds, double settleSeconds, Map<String, Integer> statuses, Map<String, Integer> reasons,
            long warnOrError) {
        boolean allSent() {
            return statuses.getOrDefault("SENT", 0) == users && statuses.size() == 1 && warnOrError == 0;
        }
    }

    private Signups() {}

    public static void run(Bench.Options options) throws Exception {
        int runs = options.quick() ? 1 : 3;
        int users = options.quick() ? 500 : 2_000;
        String load = Machine.loadAverage();
        List<Run> results = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            System.out.printf("signups: run %d of %d, %d users%n", i, runs, users);
            Run run = once(options.root(), users);
            System.out.printf("signups: run %d: %s, reasons %s, %d WARN/ERROR lines, settled in %.0f s%n", i, run.statuses(),
                    run.reasons(), run.warnOrError(), run.settleSeconds());
            results.add(run);
        }
        report(options, results, load);
        if (!results.stream().allMatch(Run::allSent)) {
            throw new IllegalStateException("signups: not every welcome email ended SENT (or something was logged at WARN/ERROR); see "
                    + options.out().resolve("signups.md"));
        }
    }

    private static Run once(Path root, int users) throws Exception {
        Path data = Files.createTempDirectory("nudge-signups-");
        try (LocalProcess runner = LocalProcess.start(root, data, KEY, Map.of(), List.of(), root.resolve("examples"))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            EndToEnd.Api api = new EndToEnd.Api(http, runner.base(), KEY, Duration.ofSeconds(120));
            String run = Long.toString(System.nanoTime(), 36);
            List<String> ids = IntStream.range(0, users).mapToObj(i -> "signup-" + run + "-u" + i).toList();
            inParallel(ids.stream().map(id -> (Runnable) () -> api.call("PUT", "/v1/users/" + id,
                    "{\"email\":\"" + id + "@example.com\",\"attributes\":{\"first_name\":\"U" + id.hashCode() + "\"}}")).toList());

            long posting = System.nanoTime();
            List<Runnable> batches = new ArrayList<>();
            for (int from = 0; from < users; from += BATCH) {
                List<String> batch = ids.subList(from, Math.min(users, from + BATCH));
                String events = batch.stream()
                        .map(id -> "{\"id\":\"" + id + "-signed-up\",\"userId\":\"" + id + "\",\"name\":\"signed_up\",\"properties\":{\"plan\":\"pro\"}}")
                        .collect(Collectors.joining(",", "{\"events\":[", "]}"));
                batches.add(() -> {
                    JsonNode answer = api.call("POST", "/v1/events", events);
                    if (answer.path("accepted").asInt() != batch.size()) {
                        throw new IllegalStateException("a batch was not accepted whole: " + answer);
                    }
                });
            }
            inParallel(batches);
            double postSeconds = (System.nanoTime() - posting) / 1e9;

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
            Map<String, Integer> statuses;
            Map<String, Integer> reasons;
            while (true) {
                statuses = new TreeMap<>();
                reasons = new TreeMap<>();
                for (String id : ids) {
                    for (JsonNode message : api.call("GET", "/v1/users/" + id + "/messages", null).path("messages")) {
                        statuses.merge(message.path("status").asText(), 1, Integer::sum);
                        if (!message.path("status").asText().equals("SENT")) {
                            reasons.merge(message.path("status").asText() + " " + message.path("reason").asText(""), 1, Integer::sum);
                        }
                    }
                }
                int settled = statuses.entrySet().stream().filter(e -> !List.of("SCHEDULED", "READY", "SENDING").contains(e.getKey()))
                        .mapToInt(Map.Entry::getValue).sum();
                if (settled >= users || System.nanoTime() > deadline) {
                    break;
                }
                TimeUnit.SECONDS.sleep(2); // a poll interval of the harness, not a wait standing in for a condition
            }
            double settleSeconds = (System.nanoTime() - posting) / 1e9;
            long warnOrError;
            try (var lines = Files.lines(data.resolve("runner.log"))) {
                warnOrError = lines.filter(l -> l.contains("\"level\":\"WARN\"") || l.contains("\"level\":\"ERROR\"")).count();
            }
            return new Run(users, postSeconds, settleSeconds, statuses, reasons, warnOrError);
        }
    }

    private static void inParallel(List<Runnable> work) throws Exception {
        try (ExecutorService connections = Executors.newFixedThreadPool(CONNECTIONS)) {
            List<Future<?>> done = new ArrayList<>();
            for (Runnable w : work) {
                done.add(connections.submit(w));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    private static void report(Bench.Options options, List<Run> runs, String loadBefore) throws IOException {
        Markdown md = new Markdown().h1("Signups right after start: every welcome email SENT");
        md.p("Command: `bench/run signups" + (options.quick() ? " --quick" : "") + "`. Machine: " + Machine.describe()
                + ". Load average before: " + loadBefore + ".");
        md.p("Each run: a fresh `java -jar local/target/nudge-local.jar --in-memory --config examples`, its users created, then "
                + "their `signed_up` events posted in batches of " + BATCH + " from " + CONNECTIONS + " connections at once. "
                + "The welcome trigger renders and sends one email per event (outbox channel).");
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            rows.add(List.of(Integer.toString(i + 1), Integer.toString(r.users()), Markdown.num(r.postSeconds()) + " s",
                    Markdown.num(r.settleSeconds()) + " s", r.statuses().toString(), r.reasons().isEmpty() ? "—" : r.reasons().toString(),
                    Long.toString(r.warnOrError()), Markdown.verdict(r.allSent())));
        }
        md.table(List.of("run", "users", "posting took", "all settled after", "statuses", "not SENT (status reason)", "WARN/ERROR lines", "every email SENT"), rows);
        Files.writeString(options.out().resolve("signups.md"), md.toString());
    }
}
