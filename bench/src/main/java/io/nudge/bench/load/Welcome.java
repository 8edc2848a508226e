package io.nudge.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.bench.report.JfrSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Issue #17's scenario, as a new user would try it: a fresh runner with only the welcome trigger, a warm-up of
 * {@code warmUp} events (their own users, the same trigger, waited for), then {@code users} fresh users and their
 * {@code signed_up} events, 100 per request from 4 connections posting their share back to back. The clock runs from
 * the first request to the last expected {@code .eml} in the outbox (a message id counts once: a resend overwrites).
 */
final class Welcome {
    static final int CONNECTIONS = 4;
    static final int BATCH = 100;

    /** How the users reach the runner. */
    enum Variant {
        EVENTS("users by PUT /v1/users before the clock, then POST /v1/events", "/v1/events"),
        TRACK("POST /v1/track: 100 users and their 100 events per request", "/v1/track"),
        /** As EVENTS, with one webhook subscription to message.sent on a receiver in the benchmark's process (issue #19). */
        SUBSCRIBED("as /v1/events, with one webhook subscription to message.sent (a receiver in this process)", "/v1/events");

        final String description;
        final String path;

        Variant(String description, String path) {
            this.description = description;
            this.path = path;
        }

        String label() {
            return this == SUBSCRIBED ? path + " + 1 subscription" : path;
        }
    }

    /**
     * From an email's file in the outbox (deliver's send, within milliseconds of the SENT write) to its message.sent at
     * the receiver, in ms: during the burst, and for single events sent one at a time afterwards.
     */
    record Lag(int count, double p50, double p99, double max) {
        static Lag of(List<Double> millis) {
            if (millis.isEmpty()) {
                return new Lag(0, Double.NaN, Double.NaN, Double.NaN);
            }
            List<Double> sorted = millis.stream().sorted().toList();
            return new Lag(sorted.size(), at(sorted, 0.50), at(sorted, 0.99), sorted.get(sorted.size() - 1));
        }

        private static double at(List<Double> sorted, double q) {
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
        }
    }

    /** The stream out of the SUBSCRIBED variant: message.sent events received (distinct ids), missing, the last one's time. */
    record StreamOut(int expected, int received, int missing, int duplicates, double seconds, Lag burst, Lag idle) {
        double perSecond() {
            return received / seconds;
        }
    }

    sealed interface Outcome permits Delivered, RouteMissing {}

    /** @param rejected events the API did not accept (or requests that failed, counted per event) */
    record Delivered(int expected, int emails, double seconds, int lost, int twice, int rejected, int warmUpMissing, List<String> lostWhere,
            Optional<StreamOut> streamOut) implements Outcome {
        double perSecond() {
            return emails / seconds;
        }
    }

    /** The runner has no such route (a build from before it). */
    record RouteMissing(int status) implements Outcome {}

    record Result(Variant variant, Outcome outcome, Optional<JfrSummary.Summary> profile) {}

    private Welcome() {}

    static Result run(Path root, Path jar, boolean inMemory, Variant variant, int users, int warmUp, boolean profile, Duration quiet)
            throws Exception {
        Path data = Files.createTempDirectory("nudge-e2e-data-");
        Path jfr = Files.createTempDirectory("nudge-e2e-jfr-").resolve("runner.jfr");
        List<String> jvmArgs = profile ? List.of("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true") : List.of();
        Outcome outcome;
        try (WelcomeRunner runner = WelcomeRunner.start(root, jar, inMemory, jvmArgs, data);
                EventReceiver receiver = variant == Variant.SUBSCRIBED ? EventReceiver.start() : null) {
            Optional<RouteMissing> missing = routeMissing(runner, variant);
            if (missing.isEmpty() && receiver != null) {
                runner.api().call("PUT", "/v1/webhooks/e2e", "{\"url\":\"" + receiver.url() + "\",\"events\":[\"message.sent\"]}");
            }
            outcome = missing.isPresent() ? missing.get()
                    : measure(runner, variant, users, warmUp, quiet, inMemory ? "in memory" : "persisted", Optional.ofNullable(receiver));
        }
        Optional<JfrSummary.Summary> summary = profile && Files.isRegularFile(jfr)
                ? Optional.of(JfrSummary.components(jfr, EndToEnd::component, EndToEnd::threadGroup))
                : Optional.empty();
        Files.deleteIfExists(jfr);
        Files.deleteIfExists(jfr.getParent());
        return new Result(variant, outcome, summary);
    }

    private static Optional<RouteMissing> routeMissing(WelcomeRunner runner, Variant variant) {
        if (variant == Variant.EVENTS) {
            return Optional.empty();
        }
        EndToEnd.Answer probe = variant == Variant.TRACK ? runner.api().send("POST", "/v1/track", "{\"users\":[],\"events\":[]}")
                : runner.api().send("GET", "/v1/webhooks", null);
        if (probe.status() != 404 && probe.status() != 405) {
            return Optional.empty();
        }
        System.out.printf("e2e: this runner has no %s (%d): route missing%n", variant == Variant.TRACK ? "POST /v1/track" : "/v1/webhooks",
                probe.status());
        return Optional.of(new RouteMissing(probe.status()));
    }

    private static Delivered measure(WelcomeRunner runner, Variant variant, int users, int warmUp, Duration quiet, String store,
            Optional<EventReceiver> receiver) throws Exception {
        int warmMissing = warmUp(runner, variant, warmUp, quiet);
        String run = Long.toString(System.nanoTime(), 36);
        List<String> ids = IntStream.range(0, users).mapToObj(i -> "w-" + run + "-u" + i).toList();
        if (variant != Variant.TRACK) {
            runner.createUsers(ids, CONNECTIONS);
        }
        List<String> expected = ids.stream().map(u -> WelcomeRunner.messageId(run + "-" + u)).toList();
        AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        int rejected = post(runner, variant, ids, run, first);
        int emails = runner.awaitEmails(expected, quiet);
        long last = expected.stream().map(runner.watcher().firstSeen()::get).filter(t -> t != null).mapToLong(Long::longValue).max()
                .orElse(first.get());
        double seconds = (last - first.get()) / 1e9;
        Map<String, List<Instant>> sent = runner.sentEntries(expected);
        WelcomeRunner.Check check = runner.check(expected, sent);
        System.out.printf("e2e: %s, %s: %d of %d emails in %.1f s (%.0f/s), lost %d, twice %d, not accepted %d%n",
                store, variant, emails, users, seconds, emails / seconds, check.lost(), check.twice(), rejected);
        Optional<StreamOut> streamOut = Optional.empty();
        if (receiver.isPresent()) {
            // each SENT message's message.sent, by its derived id; the clock from the first request to the last event received
            List<String> events = expected.stream().map(id -> io.nudge.ids.Ids.derive("outbound", "message.sent", id)).toList();
            int received = receiver.get().await(events, quiet);
            long lastEvent = events.stream().map(receiver.get()::firstSeen).filter(t -> t != null).mapToLong(Long::longValue).max()
                    .orElse(first.get());
            streamOut = Optional.of(new StreamOut(events.size(), received, events.size() - received, receiver.get().duplicates(events),
                    (lastEvent - first.get()) / 1e9, lag(runner, receiver.get(), expected), idleLag(runner, receiver.get(), 10, quiet)));
            System.out.printf("e2e: %s, stream out: %d of %d message.sent events in %.1f s (%.0f/s)%n", store, received, events.size(),
                    streamOut.get().seconds(), streamOut.get().perSecond());
        }
        return new Delivered(users, emails, seconds, check.lost(), check.twice(), rejected, warmMissing, check.lostWhere(), streamOut);
    }

    private static Lag lag(WelcomeRunner runner, EventReceiver receiver, List<String> messageIds) {
        List<Double> millis = new ArrayList<>();
        for (String id : messageIds) {
            Long email = runner.watcher().firstSeen().get(id);
            Long event = receiver.firstSeen(io.nudge.ids.Ids.derive("outbound", "message.sent", id));
            if (email != null && event != null) {
                millis.add((event - email) / 1e6);
            }
        }
        return Lag.of(millis);
    }

    /** Single events, one at a time (each after the previous one's event came, then 1 s): the idle lag. */
    private static Lag idleLag(WelcomeRunner runner, EventReceiver receiver, int singles, Duration quiet) throws Exception {
        String run = "idle" + Long.toString(System.nanoTime(), 36);
        List<String> ids = IntStream.range(0, singles).mapToObj(i -> run + "-u" + i).toList();
        runner.createUsers(ids, 1);
        List<String> messages = new ArrayList<>();
        for (String user : ids) {
            Thread.sleep(1_000);
            runner.api().call("POST", "/v1/events", WelcomeRunner.batch(List.of(user), run, false));
            String message = WelcomeRunner.messageId(run + "-" + user);
            messages.add(message);
            runner.awaitEmails(List.of(message), quiet);
            receiver.await(List.of(io.nudge.ids.Ids.derive("outbound", "message.sent", message)), quiet);
        }
        return lag(runner, receiver, messages);
    }

    /** The same shape of work first, on its own users; waits for their emails. @return warm-up emails that never came */
    static int warmUp(WelcomeRunner runner, Variant variant, int events, Duration quiet) throws Exception {
        String run = "warm" + Long.toString(System.nanoTime(), 36);
        List<String> ids = IntStream.range(0, events).mapToObj(i -> run + "-u" + i).toList();
        if (variant != Variant.TRACK) {
            runner.createUsers(ids, CONNECTIONS);
        }
        post(runner, variant, ids, run, new AtomicLong(Long.MAX_VALUE));
        List<String> expected = ids.stream().map(u -> WelcomeRunner.messageId(run + "-" + u)).toList();
        int out = runner.awaitEmails(expected, quiet);
        System.out.printf("e2e: warm-up: %d of %d emails%n", out, events);
        return events - out;
    }

    /** Batches of 100 from 4 connections, each posting its share back to back. @return events not accepted */
    private static int post(WelcomeRunner runner, Variant variant, List<String> users, String run, AtomicLong first) throws Exception {
        List<String> bodies = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int from = 0; from < users.size(); from += BATCH) {
            List<String> batch = users.subList(from, Math.min(users.size(), from + BATCH));
            bodies.add(WelcomeRunner.batch(batch, run, variant == Variant.TRACK));
            sizes.add(batch.size());
        }
        AtomicInteger rejected = new AtomicInteger();
        List<Runnable> connections = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            int connection = c;
            connections.add(() -> {
                for (int k = connection; k < bodies.size(); k += CONNECTIONS) {
                    first.accumulateAndGet(System.nanoTime(), Math::min);
                    EndToEnd.Answer answer = runner.api().send("POST", variant.path, bodies.get(k));
                    int accepted = answer.status() / 100 != 2 ? 0 : accepted(answer.json(), variant);
                    if (accepted != sizes.get(k)) {
                        rejected.addAndGet(sizes.get(k) - accepted);
                        System.out.printf("e2e: %s answered %d: %s%n", variant.path, answer.status(),
                                answer.body().substring(0, Math.min(300, answer.body().length())));
                    }
                }
            });
        }
        WelcomeRunner.inParallel(connections, CONNECTIONS);
        return rejected.get();
    }

    private static int accepted(JsonNode answer, Variant variant) {
        JsonNode events = variant == Variant.TRACK ? answer.path("events") : answer;
        // an event already accepted before (a retried request) is no loss
        return events.path("accepted").asInt() + events.path("duplicates").asInt();
    }
}
