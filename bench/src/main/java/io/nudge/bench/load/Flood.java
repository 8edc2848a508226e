package io.nudge.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.bench.Bench;
import io.nudge.bench.report.Machine;
import io.nudge.bench.report.Markdown;
import io.nudge.bench.report.Percentiles;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * `bench/run flood [--seconds 60] [--rate 600]`: ten times the sustained local rate (~60 events/s end to end on the
 * 2-core machine) at the local runner, in its own process, for a minute. One event per POST, open loop (request k
 * leaves at start + k / rate whatever happened to the others), every event triggering an immediate email. The API
 * must answer each request 202 or 429 with Retry-After (never 5xx); afterwards every accepted event must be stored
 * and evaluated and its message delivered exactly once (outbox create events and SENT entries in the history), however
 * long the drain takes.
 */
public final class Flood {
    static final int SUSTAINED_RATE = 60;
    private static final String KEY = "flood-bench-admin-key-0123456789abcdef";
    private static final String TRIGGER = "flood_ping";
    private static final int USERS = 400;
    /** The generator's own bound: past it a due request is counted as not sent, so the offered rate stays honest. */
    private static final int MAX_IN_FLIGHT = 1024;
    private static final long DRAIN_STALL_SECONDS = 180;
    private static final long DRAIN_MAX_SECONDS = 3600;

    record Answer(String eventId, long sentNanos, double millis, int status, boolean retryAfter, String error) {}

    private Flood() {}

    public static void run(Bench.Options options) throws Exception {
        int rate = options.rates().map(r -> r.get(0)).orElse(10 * SUSTAINED_RATE);
        int seconds = options.seconds().orElse(options.quick() ? 5 : 60);
        String load = Machine.loadAverage();
        Path data = Files.createTempDirectory("nudge-flood-");
        // provider limits out of the way: this floods the API, not SES's quota
        Map<String, String> env = Map.of("NUDGE_RATE_LIMITS", "email=1000000/1000000000,sms=1000000/1000000000");
        System.out.printf("flood: %d events/s for %d s (%d× the sustained ~%d/s): starting the local runner%n", rate, seconds,
                rate / SUSTAINED_RATE, SUSTAINED_RATE);
        LocalProcess runner = LocalProcess.start(options.root(), data, KEY, env, List.of());
        Result result;
        try (OutboxWatcher watcher = OutboxWatcher.start(runner.outbox())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            EndToEnd.Api api = new EndToEnd.Api(http, runner.base(), KEY, Duration.ofSeconds(60));
            api.call("PUT", "/v1/templates/flood_email", """
                    {"channel":"email","subject":"Ping {{ event.properties.n }}","text":"Ping {{ event.properties.n }} for {{ user.userId }}."}""");
            api.call("PUT", "/v1/triggers/" + TRIGGER, """
                    {"event":"flood_ping","channel":"email","template":"flood_email","priority":"transactional"}""");
            String run = Long.toString(System.currentTimeMillis(), 36);
            List<String> users = new ArrayList<>();
            try (ExecutorService setup = Executors.newFixedThreadPool(8)) {
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < USERS; i++) {
                    String user = "flood-" + run + "-u" + i;
                    users.add(user);
                    done.add(setup.submit(() -> api.call("PUT", "/v1/users/" + user, "{\"email\":\"" + user + "@example.com\"}")));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }

            // the flood
            int total = rate * seconds;
            long interval = 1_000_000_000L / rate;
            List<Answer> answers = Collections.synchronizedList(new ArrayList<>(total));
            AtomicInteger notSent = new AtomicInteger();
            AtomicInteger dropped = new AtomicInteger();
            AtomicInteger resentDuplicates = new AtomicInteger();
            Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
            long start = System.nanoTime() + 200_000_000L;
            System.out.printf("flood: posting %d events, one per request%n", total);
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int k = 0; k < total; k++) {
                    long due = start + k * interval;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    if (!inFlight.tryAcquire()) {
                        notSent.incrementAndGet();
                        continue;
                    }
                    String id = "flood-" + run + "-" + k;
                    String body = "{\"id\":\"" + id + "\",\"userId\":\"" + users.get(k % USERS) + "\",\"name\":\"flood_ping\",\"properties\":{\"n\":" + k + "}}";
                    senders.submit(() -> {
                        long sent = System.nanoTime();
                        try {
                            for (int attempt = 0; ; attempt++) {
                                try {
                                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(runner.base().resolve("/v1/events"))
                                            .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + KEY)
                                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                                    JsonNode json = r.statusCode() == 202 ? Json.parse(r.body()) : Json.object();
                                    if (attempt > 0) {
                                        resentDuplicates.addAndGet(json.path("duplicates").asInt());
                                    }
                                    boolean ok = r.statusCode() != 202 || json.path("accepted").asInt() + json.path("duplicates").asInt() == 1;
                                    answers.add(new Answer(id, sent, (System.nanoTime() - sent) / 1e6, ok ? r.statusCode() : -2,
                                            r.headers().firstValue("retry-after").isPresent(), ok ? null : "202 without the event: " + r.body()));
                                    break;
                                } catch (IOException e) {
                                    // The server closes kept-alive connections past its 200 idle ones; a request sent on
                                    // one was never read. The event id makes sending it again safe, as any client would.
                                    if (attempt < 2 && String.valueOf(e.getMessage()).contains("received no bytes")) {
                                        dropped.incrementAndGet();
                                        continue;
                                    }
                                    answers.add(new Answer(id, sent, (System.nanoTime() - sent) / 1e6, -1, false,
                                            e.getClass().getSimpleName() + ": " + e.getMessage()));
                                    break;
                                }
                            }
                        } catch (InterruptedException e) {
                            answers.add(new Answer(id, sent, (System.nanoTime() - sent) / 1e6, -1, false, "interrupted"));
                        } finally {
                            inFlight.release();
                        }
                    });
                }
            }
            double floodSeconds = (System.nanoTime() - start) / 1e9;
            long floodEnded = System.nanoTime();
            List<Answer> accepted = answers.stream().filter(a -> a.status() == 202).toList();
            System.out.printf("flood: %d answered in %.1f s: %d accepted, %d answered 429, %d other%n", answers.size(), floodSeconds,
                    accepted.size(), answers.stream().filter(a -> a.status() == 429).count(),
                    answers.stream().filter(a -> a.status() != 202 && a.status() != 429).count());

            // drain: until every accepted event's message is in the outbox (listing the folder, which no watch-queue
            // overflow can fool), or no progress for a while
            Set<String> expected = accepted.stream().map(a -> Ids.derive("message", TRIGGER, a.eventId())).collect(Collectors.toSet());
            int last = -1;
            long lastProgress = System.nanoTime();
            double drainSeconds;
            List<double[]> drainCurve = new ArrayList<>();
            while (true) {
                int out = countPresent(runner.outbox(), expected);
                double since = (System.nanoTime() - floodEnded) / 1e9;
                if (drainCurve.isEmpty() || since - drainCurve.get(drainCurve.size() - 1)[0] >= 30) {
                    drainCurve.add(new double[] {since, out});
                    System.out.printf("flood: drain %.0f s: %d of %d messages in the outbox%n", since, out, expected.size());
                }
                if (out >= expected.size()) {
                    drainSeconds = since;
                    break;
                }
                if (out != last) {
                    last = out;
                    lastProgress = System.nanoTime();
                }
                if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(DRAIN_STALL_SECONDS) || since > DRAIN_MAX_SECONDS) {
                    drainSeconds = Double.NaN;
                    break;
                }
                Thread.sleep(1_000);
            }
            Thread.sleep(1_000);

            // the books
            Map<String, JsonNode> messages = new ConcurrentHashMap<>();
            try (ExecutorService readers = Executors.newFixedThreadPool(8)) {
                List<Future<?>> done = new ArrayList<>();
                for (String user : users) {
                    done.add(readers.submit(() -> {
                        for (JsonNode m : api.call("GET", "/v1/users/" + user + "/messages?limit=500", null).path("messages")) {
                            messages.put(m.path("id").asText(), m);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }
            AtomicInteger stored = new AtomicInteger();
            AtomicInteger evaluated = new AtomicInteger();
            List<String> missingEvents = Collections.synchronizedList(new ArrayList<>());
            try (ExecutorService readers = Executors.newFixedThreadPool(8)) {
                List<Future<?>> done = new ArrayList<>();
                for (Answer a : accepted) {
                    done.add(readers.submit(() -> {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(runner.base().resolve("/v1/events/" + a.eventId()))
                                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            stored.incrementAndGet();
                            JsonNode evaluation = Json.parse(r.body()).path("evaluation");
                            if (evaluation.size() > 0 && evaluation.get(0).path("matched").asBoolean()) {
                                evaluated.incrementAndGet();
                            }
                        } else if (missingEvents.size() < 5) {
                            missingEvents.add(a.eventId() + " → " + r.statusCode());
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }
            int delivered = 0;
            int twice = 0;
            List<String> lostWhere = new ArrayList<>();
            for (String id : expected) {
                JsonNode m = messages.get(id);
                long sentEntries = m == null ? 0 : Stream.of(m.path("history")).flatMap(h -> java.util.stream.StreamSupport.stream(h.spliterator(), false))
                        .filter(h -> "SENT".equals(h.path("status").asText())).count();
                int creates = watcher.creates().getOrDefault(id, new AtomicInteger()).get();
                boolean file = Files.exists(runner.outbox().resolve(id + ".eml"));
                if (sentEntries > 1 || creates > 1) {
                    twice++;
                }
                if (m != null && "SENT".equals(m.path("status").asText()) && file) {
                    delivered++;
                } else if (lostWhere.size() < 5) {
                    lostWhere.add(id + ": " + (m == null ? "no message" : m.path("status").asText() + " " + m.path("history")));
                }
            }
            // requests that got no answer: a connect that timed out never sent anything; check that none was stored
            AtomicInteger unansweredStored = new AtomicInteger();
            for (Answer a : answers.stream().filter(a -> a.status() == -1).toList()) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(runner.base().resolve("/v1/events/" + a.eventId()))
                        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    unansweredStored.incrementAndGet();
                }
            }
            result = new Result(rate, seconds, floodSeconds, total, notSent.get(), answers, accepted.size(), stored.get(), evaluated.get(),
                    missingEvents, delivered, expected.size() - delivered, twice, watcher.overflows(), drainSeconds, drainCurve, lostWhere,
                    unansweredStored.get(), load, dropped.get(), resentDuplicates.get());
        } finally {
            runner.close();
        }
        report(options, result);
    }

    record Result(int rate, int seconds, double floodSeconds, int offered, int notSent, List<Answer> answers, int accepted, int stored,
            int evaluated, List<String> missingEvents, int delivered, int lost, int twice, int overflows, double drainSeconds,
            List<double[]> drainCurve, List<String> lostWhere, int unansweredStored, String load, int dropped, int resentDuplicates) {}


    private static int countPresent(Path outbox, Set<String> expected) throws IOException {
        try (Stream<Path> files = Files.list(outbox)) {
            return (int) files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".eml"))
                    .map(n -> n.substring(0, n.length() - 4)).filter(expected::contains).count();
        }
    }

    private static void report(Bench.Options options, Result r) throws IOException {
        List<Answer> answers = r.answers();
        long ok = r.accepted();
        long shed = answers.stream().filter(a -> a.status() == 429).count();
        long shedWithoutRetryAfter = answers.stream().filter(a -> a.status() == 429 && !a.retryAfter()).count();
        long serverErrors = answers.stream().filter(a -> a.status() >= 500).count();
        long otherStatus = answers.stream().filter(a -> a.status() > 0 && a.status() != 202 && a.status() != 429 && a.status() < 500).count();
        long transport = answers.stream().filter(a -> a.status() == -1).count();
        long odd = answers.stream().filter(a -> a.status() == -2).count();
        Map<String, Long> transportKinds = answers.stream().filter(a -> a.status() == -1)
                .collect(Collectors.groupingBy(Answer::error, TreeMap::new, Collectors.counting()));
        Percentiles okLatency = new Percentiles(answers.stream().filter(a -> a.status() == 202).mapToDouble(Answer::millis).toArray());
        Percentiles shedLatency = new Percentiles(answers.stream().filter(a -> a.status() == 429).mapToDouble(Answer::millis).toArray());
        boolean noneLost = r.lost() == 0 && r.stored() == ok && r.evaluated() == ok;
        String command = "bench/run flood --seconds " + r.seconds() + " --rate " + r.rate();

        Markdown md = new Markdown().h1("Flood: " + r.rate() / SUSTAINED_RATE + "× the sustained rate at the local runner");
        md.p("Command: `" + command + "`. Machine: " + Machine.describe() + " (the report's end); load average when the flood "
                + "began: " + r.load() + ".");
        md.p("A fresh `java -jar local/target/nudge-local.jar --in-memory` in its own process (default load shedding: at most 32 "
                + "requests handled and 128 waiting up to 1 s, the rest answered 429 with `Retry-After`), one immediate transactional "
                + "email trigger, " + USERS + " users. This process posts one event per request to `/v1/events`, open loop at " + r.rate()
                + " requests/s for " + r.seconds() + " s — " + r.rate() / SUSTAINED_RATE + "× the ~" + SUSTAINED_RATE + " events/s the "
                + "pipeline sustains end to end here (`bench/run e2e`). 429s are not retried (they are counted). Afterwards: every "
                + "accepted event is read back (`GET /v1/events/{id}`: stored, evaluated, matched), every expected message must be SENT "
                + "with one SENT entry in its history and appear in the outbox once (file-system create events; a resend would replace "
                + "the file).");
        md.h2("During the flood");
        md.table(List.of("offered", "not sent (generator at " + MAX_IN_FLIGHT + " in flight)", "accepted (202)", "429", "429 without Retry-After",
                "5xx", "other 4xx", "no answer (transport)", "accepted/s", "202 answer p50 / p99 ms", "429 answer p50 / p99 ms"),
                List.of(List.of(Integer.toString(r.offered()), Integer.toString(r.notSent()), "**" + ok + "**", Long.toString(shed),
                        "**" + shedWithoutRetryAfter + "**", "**" + serverErrors + "**", Long.toString(otherStatus + odd), Long.toString(transport),
                        Markdown.num(ok / r.floodSeconds()), Markdown.num(okLatency.at(50)) + " / " + Markdown.num(okLatency.at(99)),
                        Markdown.num(shedLatency.at(50)) + " / " + Markdown.num(shedLatency.at(99)))));
        md.p("Requests sent again because the server had closed the kept-alive connection before reading them (the event id makes "
                + "the resend safe): " + r.dropped()
                + "; of those resends, answered as duplicates (i.e. the first copy had been stored after all): " + r.resentDuplicates() + ".");
        if (!transportKinds.isEmpty()) {
            md.p("Requests without an answer, by kind (not counted as accepted): "
                    + transportKinds.entrySet().stream().map(e -> e.getKey() + " × " + e.getValue()).collect(Collectors.joining(", "))
                    + "; of these events, found stored afterwards: " + r.unansweredStored() + ".");
        }
        List<List<String>> timeline = new ArrayList<>();
        long first = answers.stream().mapToLong(Answer::sentNanos).min().orElse(0);
        int step = r.seconds() >= 30 ? 10 : 1;
        for (int s = 0; s < r.seconds(); s += step) {
            long from = first + s * 1_000_000_000L;
            long to = from + step * 1_000_000_000L;
            List<Answer> in = answers.stream().filter(a -> a.sentNanos() >= from && a.sentNanos() < to).toList();
            timeline.add(List.of(s + "–" + (s + step) + " s", Integer.toString(in.size()),
                    Long.toString(in.stream().filter(a -> a.status() == 202).count()), Long.toString(in.stream().filter(a -> a.status() == 429).count()),
                    Long.toString(in.stream().filter(a -> a.status() != 202 && a.status() != 429).count())));
        }
        md.table(List.of("sent in", "requests", "202", "429", "other"), timeline);
        md.h2("Afterwards");
        md.table(List.of("accepted events", "stored", "evaluated (matched)", "messages expected", "delivered (SENT, in the outbox)", "lost",
                "sent twice", "drain after the flood"), List.of(List.of(Long.toString(ok), Integer.toString(r.stored()), Integer.toString(r.evaluated()),
                Long.toString(ok), "**" + r.delivered() + "**", "**" + r.lost() + "**", "**" + r.twice() + "**",
                Double.isNaN(r.drainSeconds()) ? "did not finish" : Markdown.num(r.drainSeconds()) + " s")));
        md.p("Drain progress (seconds after the flood → messages in the outbox): "
                + r.drainCurve().stream().map(p -> Markdown.num(p[0]) + " s → " + Markdown.num(p[1])).collect(Collectors.joining(", "))
                + ". Watch-queue overflows: " + r.overflows() + ".");
        if (!r.lostWhere().isEmpty() || !r.missingEvents().isEmpty()) {
            md.p("Not delivered (first few): " + String.join(" | ", r.lostWhere()) + (r.missingEvents().isEmpty() ? ""
                    : "; accepted events not found: " + String.join(", ", r.missingEvents())));
        }
        md.h2("Verdict");
        md.table(List.of("requirement", "measured", "verdict"), List.of(
                List.of("no 5xx", serverErrors + " 5xx", Markdown.verdict(serverErrors == 0)),
                List.of("every 429 carries Retry-After", shedWithoutRetryAfter + " of " + shed + " without", Markdown.verdict(shedWithoutRetryAfter == 0)),
                List.of("nothing accepted lost", r.lost() + " of " + ok + " not delivered; " + (ok - r.stored()) + " not stored; "
                        + (ok - r.evaluated()) + " not evaluated", Markdown.verdict(noneLost)),
                List.of("nothing sent twice", r.twice() + " twice", Markdown.verdict(r.twice() == 0))));
        md.write(options.out().resolve("flood.md"));
        System.out.println(md);
    }
}
