package io.nudge.bench.load;

import io.nudge.bench.report.Percentiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * POST → SENT on the welcome runner: {@code rate} single-event POSTs a second for {@code seconds}, open loop (event k
 * leaves at start + k/rate whatever happened to the others), then idle single events, each at least a second after
 * the previous one and after its email. Latency = the message's SENT entry (runner clock) minus the moment the POST
 * left (this process's clock; the same machine).
 */
final class OpenLoop {
    static final int USERS = 200;

    /** @param notAccepted answers other than "accepted", by HTTP status (e.g. 429 when the runner sheds load) */
    record Result(int rate, double seconds, int posted, Map<Integer, Integer> notAccepted, Percentiles latency, int lost, int twice, int singles,
            Percentiles idle, int idleLost, int idleTwice, List<String> lostWhere) {}

    private OpenLoop() {}

    static Result run(Path root, Path jar, boolean inMemory, int rate, double seconds, int singles, int warmUp, Duration quiet) throws Exception {
        try (WelcomeRunner runner = WelcomeRunner.start(root, jar, inMemory, List.of(), Files.createTempDirectory("nudge-e2e-open-"))) {
            Welcome.warmUp(runner, Welcome.Variant.EVENTS, warmUp, quiet);
            String run = "open" + Long.toString(System.nanoTime(), 36);
            List<String> users = IntStream.range(0, USERS).mapToObj(i -> run + "-u" + i).toList();
            runner.createUsers(users, Welcome.CONNECTIONS);
            long baseNanos = System.nanoTime();
            double baseMillis = System.currentTimeMillis();

            int events = (int) Math.round(rate * seconds);
            long interval = 1_000_000_000L / rate;
            Map<String, Double> postedAt = new ConcurrentHashMap<>();
            Map<Integer, Integer> notAccepted = new ConcurrentHashMap<>();
            Semaphore inFlight = new Semaphore(512);
            long start = System.nanoTime() + 100_000_000L;
            System.out.printf("e2e: open loop, %d events/s for %.0f s, %s%n", rate, seconds, inMemory ? "in memory" : "persisted");
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int k = 0; k < events; k++) {
                    long due = start + k * interval;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    String eventId = run + "-e" + k;
                    String body = "{\"events\":[" + WelcomeRunner.eventJson(eventId, users.get(k % USERS)) + "]}";
                    inFlight.acquireUninterruptibly();
                    senders.submit(() -> {
                        try {
                            double sentAt = baseMillis + (System.nanoTime() - baseNanos) / 1e6;
                            EndToEnd.Answer answer = runner.api().send("POST", "/v1/events", body);
                            if (answer.status() / 100 == 2 && answer.json().path("accepted").asInt() == 1) {
                                postedAt.put(WelcomeRunner.messageId(eventId), sentAt);
                            } else {
                                notAccepted.merge(answer.status(), 1, Integer::sum);
                            }
                        } finally {
                            inFlight.release();
                        }
                    });
                }
            }
            runner.awaitEmails(postedAt.keySet(), quiet);
            Map<String, List<Instant>> sent = runner.sentEntries(postedAt.keySet());
            WelcomeRunner.Check check = runner.check(postedAt.keySet(), sent);
            Percentiles latency = latencies(postedAt, sent);

            // idle: one event at a time, the pipeline quiet before each
            Map<String, Double> singleAt = new ConcurrentHashMap<>();
            long previous = System.nanoTime();
            for (int i = 0; i < singles; i++) {
                long due = previous + 1_000_000_000L;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                previous = System.nanoTime();
                String eventId = run + "-idle" + i;
                double sentAt = baseMillis + (previous - baseNanos) / 1e6;
                runner.api().call("POST", "/v1/events", "{\"events\":[" + WelcomeRunner.eventJson(eventId, users.get(i % USERS)) + "]}");
                singleAt.put(WelcomeRunner.messageId(eventId), sentAt);
                runner.awaitEmails(List.of(WelcomeRunner.messageId(eventId)), Duration.ofSeconds(10));
            }
            Map<String, List<Instant>> singleSent = runner.sentEntries(singleAt.keySet());
            WelcomeRunner.Check idleCheck = runner.check(singleAt.keySet(), singleSent);
            Percentiles idle = latencies(singleAt, singleSent);
            System.out.printf("e2e: open loop %d/s: p50 %.0f p99 %.0f ms, lost %d, twice %d; idle p50 %.0f ms p99 %.0f ms%n", rate,
                    latency.at(50), latency.at(99), check.lost(), check.twice(), idle.at(50), idle.at(99));
            return new Result(rate, seconds, events, new TreeMap<>(notAccepted), latency, check.lost(), check.twice(), singles, idle, idleCheck.lost(),
                    idleCheck.twice(), java.util.stream.Stream.concat(check.lostWhere().stream(), idleCheck.lostWhere().stream()).toList());
        }
    }

    private static Percentiles latencies(Map<String, Double> postedAt, Map<String, List<Instant>> sent) {
        List<Double> values = new ArrayList<>();
        postedAt.forEach((id, at) -> {
            List<Instant> times = sent.getOrDefault(id, List.of());
            if (!times.isEmpty()) {
                values.add(times.get(0).toEpochMilli() - at);
            }
        });
        return new Percentiles(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
