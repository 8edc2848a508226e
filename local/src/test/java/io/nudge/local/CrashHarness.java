package io.nudge.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.config.Tables;
import io.nudge.ids.Ids;
import io.nudge.journey.JourneyInstance;
import io.nudge.journey.JourneyInstanceStore;
import io.nudge.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The crash harness: the local runner as a separate process over a persisted data folder, a mixed workload posted to
 * it (immediate sends, 3-second delays, 30-second delays that a later event cancels, a campaign run), and SIGKILL at
 * random moments, restarting each time. After a final drain every accepted event and every message is checked:
 * sent exactly once (one outbox write, one SENT in the history) or UNKNOWN (at the provider call when killed, never
 * resent); nothing cancelled sent; no accepted event lost or left unevaluated.
 */
final class CrashHarness {
    static final String KEY = "crash-admin-key";

    record Settings(Path root, Path work, int kills, int users, long seed, Duration minUp, Duration maxUp) {}

    /** The webhook messages: how many, how many the sweep called UNKNOWN, and the requests the endpoint received. */
    record WebhookFigures(int messages, int unknown, int posts) {}

    /** What the journey's instances did: how they ended and which edge left the wait_for, and how the races went. */
    record JourneyFigures(String timeout, int entries, int instances, int completed, int exited, int received, int timedOut,
            int awaitedPosted, int postedBeforeWait, int timeoutWonRace, int postedAfterTimeout, int messages, int restartsToSettle,
            List<String> races) {}

    record Report(int kills, int eventsAccepted, int messagesChecked, Map<String, Integer> statuses, int outboxFiles,
            int redrivenSeen, int lateCancels, JourneyFigures journeys, WebhookFigures webhooks, StreamOutFigures streamOut,
            List<String> failures, Duration took) {
        String markdown(Settings settings) {
            StringBuilder md = new StringBuilder();
            md.append("# Crash harness\n\n");
            md.append("`java -jar local/target/nudge-local.jar --data-dir <tmp> --sweep-grace PT10S` as a child process, killed with SIGKILL ")
                    .append("(`Process.destroyForcibly()`) after a random ").append(settings.minUp().toSeconds()).append("–")
                    .append(settings.maxUp().toSeconds()).append(" s of health and restarted on the same data folder, while a driver ")
                    .append("posts a mixed workload: per user and round an immediate email, a webhook (signed, to an endpoint in the harness), ")
                    .append("an email delayed 3 s, an email delayed 30 s ")
                    .append("and an event that cancels it (cancelOn), plus one campaign run to all users; every round half the ")
                    .append("users enter a journey (send, a 1 s delay, a wait_for with a ").append(journeys.timeout())
                    .append(" timeout whose received and timeout edges both send, exit) and half of those post the awaited event ")
                    .append("every 2.5 s from 1 to 20 s after the entry (the instance takes the first that comes while it waits). Seed ").append(settings.seed()).append(".\n\n");
            md.append("| what | figure |\n|---|---|\n");
            md.append("| kills (SIGKILL) | ").append(kills).append(" |\n");
            md.append("| users | ").append(settings.users()).append(" |\n");
            md.append("| events accepted (2xx) | ").append(eventsAccepted).append(" |\n");
            md.append("| messages checked | ").append(messagesChecked).append(" |\n");
            statuses.forEach((status, n) -> md.append("| … ").append(status).append(" | ").append(n).append(" |\n"));
            md.append("| outbox files | ").append(outboxFiles).append(" |\n");
            md.append("| READY messages re-driven by the sweep | ").append(redrivenSeen).append(" |\n");
            md.append("| cancels evaluated after their message was due (sent once, allowed) | ").append(lateCancels).append(" |\n");
            md.append("| webhook messages (posts the endpoint received) | ").append(webhooks.messages()).append(" (").append(webhooks.posts())
                    .append("; UNKNOWN ").append(webhooks.unknown()).append(") |\n");
            md.append("| stream out: SENT messages, their message.sent events received (posts) | ").append(streamOut.sentMessages())
                    .append(", ").append(streamOut.distinctEvents()).append(" (").append(streamOut.posts()).append(") |\n");
            md.append("| journey entries accepted | ").append(journeys.entries()).append(" |\n");
            md.append("| … instances | ").append(journeys.instances()).append(" (completed ").append(journeys.completed())
                    .append(", exited ").append(journeys.exited()).append(") |\n");
            md.append("| … left the wait_for received / timeout | ").append(journeys.received()).append(" / ").append(journeys.timedOut()).append(" |\n");
            md.append("| … awaited events posted | ").append(journeys.awaitedPosted()).append(" (of those for timed-out instances: ")
                    .append(journeys.postedBeforeWait()).append(" before the wait, ").append(journeys.postedAfterTimeout())
                    .append(" answered after the deadline, ").append(journeys.timeoutWonRace()).append(" during the wait but the timeout won) |\n");
            md.append("| … journey messages | ").append(journeys.messages()).append(" |\n");
            md.append("| … restarts until every instance ended | ").append(journeys.restartsToSettle()).append(" |\n");
            md.append("| failures | ").append(failures.size()).append(" |\n");
            md.append("| took | ").append(took.toSeconds()).append(" s |\n\n");
            md.append("Checked: every accepted event exists and was evaluated (its evaluation names the expected trigger); every ")
                    .append("expected message exists once, is SENT with exactly one SENT in its history and exactly one outbox write ")
                    .append("(file-system create events, since a resend would replace `<id>.eml`) whose Message-ID is the recorded ")
                    .append("provider id — or UNKNOWN (the sweep's verdict on a claim that reached the provider call before a kill) ")
                    .append("with at most one write and no SENT; a webhook message SENT with exactly one request to the endpoint (its ")
                    .append("id as the Idempotency-Key, a valid signature, its event in the body), or UNKNOWN with at most one, never two; ")
                    .append("cancelled messages CANCELLED with no outbox write (a cancel the runner evaluated only ")
                    .append("after its message was due may find it sent: then it must have been sent once, and the cancel must not claim ")
                    .append("to have cancelled it); no other messages. Journeys (instances read from the JourneyInstances table once the ")
                    .append("runner is stopped): every accepted entry has exactly one instance and it ended (completed or exited; an ")
                    .append("instance still active is stranded); its path is hello, pause, done, then thanks (received) or nudge ")
                    .append("(timeout), then end, no step entered twice; each send step made at most one message, with the id derived ")
                    .append("from instance and step, sent once like any other, and the messages agree with the path; only an instance ")
                    .append("whose awaited event was posted is received, and an awaited event whose evaluation says it woke an ")
                    .append("instance finds that instance received. An awaited event received (its stored `receivedAt`) after its ")
                    .append("instance began to wait and answered 2xx before the wait's deadline must win, however far the evaluation ")
                    .append("lags behind (the timeout looks for it in the Events table): one the timeout won fails the run, kill or no kill. ")
                    .append("One received before the wait began, or answered only after the deadline, may go either way.\n\n");
            if (!journeys.races().isEmpty()) {
                md.append("## Awaited events that came during the wait but lost to the timeout\n\n");
                journeys.races().forEach(r -> md.append("- ").append(r).append('\n'));
                md.append('\n');
            }
            if (failures.isEmpty()) {
                md.append("No failures.\n");
            } else {
                md.append("## Failures\n\n");
                failures.stream().limit(50).forEach(f -> md.append("- ").append(f).append('\n'));
                if (failures.size() > 50) {
                    md.append("- … and ").append(failures.size() - 50).append(" more\n");
                }
            }
            return md.toString();
        }
    }

    /** What an accepted event should lead to. */
    private record Expectation(String eventId, String userId, String trigger, Kind kind) {}

    private enum Kind { SEND, CANCELLED, CANCELS, CAMPAIGN, JOURNEY, AWAITED, WEBHOOK }

    private static final String HOOK_SECRET = "crash-hook-secret";

    static final String JOURNEY = "crash_journey";
    private static final int AWAITED_PER_INSTANCE = 8;
    private static final List<String> JOURNEY_PATH_RECEIVED = List.of("hello", "pause", "done", "thanks", "end");
    private static final List<String> JOURNEY_PATH_TIMEOUT = List.of("hello", "pause", "done", "nudge", "end");

    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Random random;
    private final Map<String, Expectation> accepted = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> outboxWrites = new ConcurrentHashMap<>();
    /** The webhook endpoint the runner posts to: this process, on loopback (allow-listed for the runner). */
    private io.nudge.testing.WebhookReceiver hooks;
    private volatile String streamOutSecret;
    /** The stream out: messages SENT (each must have its message.sent), posts received, distinct event ids among them. */
    record StreamOutFigures(int sentMessages, int posts, int distinctEvents) {}
    private volatile StreamOutFigures streamOut = new StreamOutFigures(0, 0, 0);
    private final AtomicInteger hookMessages = new AtomicInteger();
    private final AtomicInteger hookUnknown = new AtomicInteger();
    private final AtomicInteger hookPosts = new AtomicInteger();
    private final AtomicBoolean watcherOverflow = new AtomicBoolean();
    private final AtomicInteger lateCancels = new AtomicInteger();
    private final String journeyTimeout;
    /** When each awaited event was answered 2xx (it was stored before then). */
    private final Map<String, Instant> awaitedAcceptedAt = new ConcurrentHashMap<>();
    /** The {@code receivedAt} the runner stored for each accepted awaited event (read back with GET /v1/events/{id}). */
    private final Map<String, Instant> awaitedReceivedAt = new LinkedHashMap<>();
    /** Journey messages by instance, and what the evaluations of entries and awaited events said. */
    private final Map<String, List<JsonNode>> journeyMessages = new LinkedHashMap<>();
    private final Map<String, String> awaitedWoke = new LinkedHashMap<>();
    private final Map<String, String> awaitedDecision = new LinkedHashMap<>();
    private volatile Process process;
    private volatile int port;
    private int starts;

    CrashHarness(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
        this.journeyTimeout = "PT" + (2 + new java.util.SplittableRandom(settings.seed()).nextInt(2)) + "S"; // Random's first bit barely varies with small seeds
    }

    Report run() throws Exception {
        Instant began = Instant.now();
        Path data = Files.createDirectories(settings.work().resolve("data"));
        hooks = new io.nudge.testing.WebhookReceiver(io.nudge.testing.WebhookReceiver.Answer.of(200, "ok"));
        Path config = writeConfig(Files.createDirectories(settings.work().resolve("config")), journeyTimeout, hooks.url("/crash-hook"));
        Files.createDirectories(data.resolve("outbox"));
        Thread watcher = watchOutbox(data.resolve("outbox"));
        List<String> failures = new ArrayList<>();
        int kills = 0;
        try {
            start(data, config);
            setUp();
            AtomicBoolean stopDriving = new AtomicBoolean();
            Thread driver = Thread.ofPlatform().name("crash-driver").start(() -> drive(stopDriving));
            while (kills < settings.kills()) {
                long upMillis = settings.minUp().toMillis()
                        + (long) (random.nextDouble() * (settings.maxUp().toMillis() - settings.minUp().toMillis()));
                Thread.sleep(upMillis);
                kill();
                kills++;
                start(data, config);
            }
            stopDriving.set(true);
            driver.join(TimeUnit.MINUTES.toMillis(5));
            drain(failures);
            check(failures);
            if (watcherOverflow.get()) {
                failures.add("inconclusive: the outbox watcher overflowed (file-system events were lost)");
            }
            Map<String, Integer> statuses = new java.util.TreeMap<>();
            int checked = 0;
            int redriven = 0;
            for (JsonNode message : allMessages()) {
                statuses.merge(message.path("status").asText(), 1, Integer::sum);
                checked++;
                for (JsonNode h : message.path("history")) {
                    redriven += h.path("reason").asText().startsWith("sweep: re-driven") ? 1 : 0;
                }
            }
            // last: it stops the runner to read the journey instances from its data folder
            JourneyFigures journeys = checkJourneys(data, config, failures);
            try (var files = Files.list(data.resolve("outbox"))) {
                int outboxFiles = (int) files.filter(p -> !p.getFileName().toString().startsWith(".")).count();
                return new Report(kills, accepted.size(), checked, statuses, outboxFiles, redriven, lateCancels.get(), journeys,
                        new WebhookFigures(hookMessages.get(), hookUnknown.get(), hookPosts.get()), streamOut, failures,
                        Duration.between(began, Instant.now()));
            }
        } finally {
            if (process != null) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            watcher.interrupt();
            hooks.close();
        }
    }

    // --- the runner process

    private void start(Path data, Path config) throws Exception {
        port = LocalDynamo.freePort();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar", settings.root().resolve("local/target/nudge-local.jar").toString(),
                "--data-dir", data.toString(), "--port", Integer.toString(port), "--config", config.toString(),
                "--sweep-grace", "PT10S");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(settings.work().resolve("runner.log").toFile()));
        builder.environment().put("NUDGE_API_KEY", KEY);
        builder.environment().remove("NUDGE_REPLAY");
        builder.environment().put("NUDGE_WEBHOOK_ALLOW_HOSTS", "127.0.0.1");
        Files.writeString(settings.work().resolve("runner.log"), "=== start " + (++starts) + " at " + Instant.now() + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Process started = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            if (!started.isAlive()) {
                throw new IllegalStateException("the runner exited with " + started.exitValue() + "; see " + settings.work().resolve("runner.log"));
            }
            try {
                if (send("GET", "/health", null).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                started.destroyForcibly();
                throw new IllegalStateException("the runner did not become healthy in 180 s");
            }
            Thread.sleep(50);
        }
        process = started;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    private void kill() throws InterruptedException {
        Process current = process;
        process = null;
        current.destroyForcibly();
        current.waitFor(30, TimeUnit.SECONDS);
    }

    // --- the workload

    private static Path writeConfig(Path config, String journeyTimeout, String hookUrl) throws IOException {
        Files.createDirectories(config.resolve("templates"));
        Files.createDirectories(config.resolve("triggers"));
        Files.createDirectories(config.resolve("journeys"));
        for (String template : List.of("hello", "thanks", "nudge")) {
            Files.writeString(config.resolve("templates/crash_j_" + template + ".json"),
                    "{\"channel\":\"email\",\"subject\":\"" + template + "\",\"text\":\"Journey step " + template + "\"}");
        }
        // The awaited event matches the entry's key, so each instance waits for its own; both edges of the wait send.
        Files.writeString(config.resolve("journeys/" + JOURNEY + ".json"), ("{'name':'Crash','entry':{'event':'crash_journey'},"
                + "'start':'hello','steps':{"
                + "'hello':{'type':'send','channel':'email','template':'crash_j_hello','priority':'transactional','next':'pause'},"
                + "'pause':{'type':'delay','duration':'PT1S','next':'done'},"
                + "'done':{'type':'wait_for','event':'crash_done','match':['properties.key'],'timeout':'" + journeyTimeout + "',"
                + "'next':'thanks','timeoutNext':'nudge'},"
                + "'thanks':{'type':'send','channel':'email','template':'crash_j_thanks','priority':'transactional','next':'end'},"
                + "'nudge':{'type':'send','channel':'email','template':'crash_j_nudge','priority':'transactional','next':'end'},"
                + "'end':{'type':'exit'}}}").replace('\'', '"'));
        Files.writeString(config.resolve("templates/crash_mail.json"),
                "{\"channel\":\"email\",\"subject\":\"Hello {{ event.name }}\",\"text\":\"Event {{ event.id }}\"}");
        Files.writeString(config.resolve("templates/crash_campaign.json"),
                "{\"channel\":\"email\",\"subject\":\"News\",\"text\":\"The campaign\"}");
        ObjectNode hook = Json.object();
        hook.put("channel", "webhook").put("url", hookUrl).put("body", "{\"event\":{{ event.id | json }},\"user\":{{ user.userId | json }}}")
                .put("secret", HOOK_SECRET).putObject("headers").put("Content-Type", "application/json");
        Files.writeString(config.resolve("templates/crash_hook.json"), hook.toString());
        Files.writeString(config.resolve("triggers/crash_hook.json"),
                "{\"event\":\"crash_hook\",\"channel\":\"webhook\",\"template\":\"crash_hook\",\"priority\":\"transactional\"}");
        Files.writeString(config.resolve("triggers/crash_now.json"),
                "{\"event\":\"crash_now\",\"channel\":\"email\",\"template\":\"crash_mail\",\"priority\":\"transactional\"}");
        Files.writeString(config.resolve("triggers/crash_later.json"),
                "{\"event\":\"crash_later\",\"channel\":\"email\",\"template\":\"crash_mail\",\"priority\":\"transactional\",\"delay\":\"PT3S\"}");
        Files.writeString(config.resolve("triggers/crash_hold.json"),
                "{\"event\":\"crash_hold\",\"channel\":\"email\",\"template\":\"crash_mail\",\"priority\":\"transactional\",\"delay\":\"PT30S\","
                        + "\"cancelOn\":[{\"event\":\"crash_release\",\"match\":[\"properties.key\"]}]}");
        return config;
    }

    private void setUp() throws Exception {
        // the stream out: a subscription to message.sent on this process's endpoint
        HttpResponse<String> subscribed = send("PUT", "/v1/webhooks/crash-out",
                "{\"url\":\"" + hooks.url("/crash-events") + "\",\"events\":[\"message.sent\"]}");
        if (subscribed.statusCode() == 201) {
            streamOutSecret = Json.parse(subscribed.body()).path("secret").asText();
        } else if (subscribed.statusCode() != 200) {
            throw new IllegalStateException("could not subscribe: " + subscribed.statusCode() + " " + subscribed.body());
        }
        for (int i = 0; i < settings.users(); i++) {
            retrying("PUT", "/v1/users/u" + i, "{\"email\":\"u" + i + "@crash.test\",\"attributes\":{\"crash\":true}}");
        }
        retrying("PUT", "/v1/segments/crash_all", "{\"all\":[{\"path\":\"user.attributes.crash\",\"op\":\"eq\",\"value\":true}]}");
        retrying("PUT", "/v1/campaigns/crash_campaign", "{\"segment\":\"crash_all\",\"channel\":\"email\",\"priority\":\"transactional\","
                + "\"variants\":[{\"id\":\"A\",\"template\":\"crash_campaign\",\"weight\":100}],\"holdout\":0,\"enabled\":true}");
    }

    /** Rounds of events until told to stop; each batch is retried (same ids) until the runner answers it. */
    private void drive(AtomicBoolean stop) {
        try {
            boolean campaignStarted = false;
            // awaited events, each posted once its time comes: one every 2.5 s from 1 s to 20 s after the entry, since the
            // runner's restarts delay an instance's wait by seconds to tens of seconds; some come before the wait, one or
            // two during it (the first wins), the rest after
            Map<Expectation, Long> awaited = new LinkedHashMap<>();
            for (int round = 0; !stop.get() && round < 1_000; round++) {
                for (int i = 0; i < settings.users(); i += 5) {
                    List<Expectation> batch = new ArrayList<>();
                    List<Expectation> cancels = new ArrayList<>();
                    for (int u = i; u < Math.min(settings.users(), i + 5); u++) {
                        String user = "u" + u;
                        String key = round + "-" + u;
                        batch.add(new Expectation("now-" + key, user, "crash_now", Kind.SEND));
                        batch.add(new Expectation("later-" + key, user, "crash_later", Kind.SEND));
                        batch.add(new Expectation("hold-" + key, user, "crash_hold", Kind.CANCELLED));
                        batch.add(new Expectation("hook-" + key, user, "crash_hook", Kind.WEBHOOK));
                        cancels.add(new Expectation("release-" + key, user, "crash_hold", Kind.CANCELS));
                        if (u % 2 == 0) {
                            batch.add(new Expectation("journey-" + key, user, JOURNEY, Kind.JOURNEY));
                            if (u % 4 == 0) {
                                long now = System.nanoTime();
                                for (int n = 0; n < AWAITED_PER_INSTANCE; n++) {
                                    awaited.put(new Expectation("awaited" + n + "-" + key, user, JOURNEY, Kind.AWAITED),
                                            now + TimeUnit.MILLISECONDS.toNanos(1_000 + n * 2_500L + random.nextInt(500)));
                                }
                            }
                        }
                    }
                    post(batch);
                    post(cancels);
                    postAwaited(awaited, false);
                }
                if (!campaignStarted) {
                    // one run, mid-workload; its id makes a repeated request the same run
                    retrying("POST", "/v1/campaigns/crash_campaign/run", "{\"runId\":\"crash-1\"}");
                    campaignStarted = true;
                }
            }
            postAwaited(awaited, true);
        } catch (Exception e) {
            throw new IllegalStateException("driver failed", e);
        }
    }

    /** Posts the awaited events whose time has come; at the end, waits for each to come due. */
    private void postAwaited(Map<Expectation, Long> awaited, boolean all) throws Exception {
        while (all && !awaited.isEmpty()) {
            long next = awaited.values().stream().mapToLong(Long::longValue).min().orElseThrow();
            Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime())));
            postAwaited(awaited, false);
        }
        List<Expectation> due = new ArrayList<>();
        long now = System.nanoTime();
        awaited.forEach((e, at) -> {
            if (at - now <= 0) {
                due.add(e);
            }
        });
        if (!due.isEmpty()) {
            post(due);
            Instant answered = Instant.now();
            due.forEach(e -> {
                awaited.remove(e);
                awaitedAcceptedAt.put(e.eventId(), answered);
            });
        }
    }

    private void post(List<Expectation> batch) throws Exception {
        ArrayNode events = Json.MAPPER.createArrayNode();
        for (Expectation e : batch) {
            ObjectNode event = events.addObject();
            event.put("id", e.eventId()).put("userId", e.userId()).put("name", switch (e.kind()) {
                case SEND -> e.trigger();
                case CANCELLED -> "crash_hold";
                case CANCELS -> "crash_release";
                case JOURNEY -> "crash_journey";
                case AWAITED -> "crash_done";
                case WEBHOOK -> "crash_hook";
                case CAMPAIGN -> throw new IllegalArgumentException();
            });
            event.putObject("properties").put("key", e.eventId().substring(e.eventId().indexOf('-') + 1));
        }
        JsonNode answer = retrying("POST", "/v1/events", Json.MAPPER.createObjectNode().set("events", events).toString());
        if (answer.path("rejected").size() > 0) {
            throw new IllegalStateException("events rejected: " + answer.path("rejected"));
        }
        batch.forEach(e -> accepted.put(e.eventId(), e));
    }

    /** Sends until a 2xx answer arrives: a killed runner refuses connections until it is back. */
    private JsonNode retrying(String method, String path, String body) throws Exception {
        for (int attempt = 0; attempt < 2_000; attempt++) {
            try {
                HttpResponse<String> response = send(method, path, body);
                if (response.statusCode() / 100 == 2) {
                    return response.body().isBlank() ? Json.MAPPER.createObjectNode() : Json.parse(response.body());
                }
                if (response.statusCode() / 100 == 4) {
                    throw new IllegalStateException(method + " " + path + " → " + response.statusCode() + " " + response.body());
                }
            } catch (IOException down) {
                // killed or restarting: try again
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(method + " " + path + " never answered");
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + KEY);
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    // --- the outbox

    private Thread watchOutbox(Path outbox) throws IOException {
        WatchService watch = FileSystems.getDefault().newWatchService();
        outbox.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
        return Thread.ofPlatform().daemon().name("outbox-watch").start(() -> {
            try (watch) {
                while (true) {
                    WatchKey key = watch.take();
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            watcherOverflow.set(true);
                            continue;
                        }
                        String name = event.context().toString();
                        if (!name.startsWith(".")) {
                            outboxWrites.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                    key.reset();
                }
            } catch (InterruptedException | IOException | java.nio.file.ClosedWatchServiceException stopped) {
                // done
            }
        });
    }

    // --- drain and check

    private static final java.util.Set<String> SETTLED = java.util.Set.of("SENT", "DELIVERED", "CANCELLED", "UNKNOWN", "FAILED", "SUPPRESSED");

    /** Waits until no message is pending and every accepted event has been evaluated (the sweep needs ~10–20 s). */
    private void drain(List<String> failures) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            List<JsonNode> messages = allMessages();
            long pending = messages.stream().filter(m -> !SETTLED.contains(m.path("status").asText())).count();
            // a journey instance makes two messages (hello, then thanks or nudge)
            long expected = accepted.values().stream().mapToLong(e -> switch (e.kind()) {
                case CANCELS, AWAITED -> 0;
                case JOURNEY -> 2;
                default -> 1;
            }).sum() + settings.users();
            if (pending == 0 && messages.size() >= expected) {
                Thread.sleep(2_000); // a last look: nothing may move after this
                return;
            }
            Thread.sleep(1_000);
        }
        failures.add("drain: messages still pending or missing after 180 s");
    }

    private List<JsonNode> allMessages() throws Exception {
        List<JsonNode> all = new ArrayList<>();
        for (int i = 0; i < settings.users(); i++) {
            String user = "u" + i;
            retrying("GET", "/v1/users/" + user + "/messages?limit=500", null).path("messages")
                    .forEach(m -> all.add(((ObjectNode) m).put("_user", user)));
        }
        return all;
    }

    private void check(List<String> failures) throws Exception {
        Map<String, JsonNode> byEvent = new LinkedHashMap<>();
        Map<String, JsonNode> campaign = new LinkedHashMap<>();
        for (JsonNode message : allMessages()) {
            String trigger = message.path("triggerId").asText();
            String eventId = message.path("eventId").asText();
            if (!message.path("journeyId").asText().isEmpty()) {
                journeyMessages.computeIfAbsent(message.path("instanceId").asText(), i -> new ArrayList<>()).add(message);
                continue;
            }
            if (trigger.equals("crash_campaign") || eventId.startsWith("crash-1")) {
                if (campaign.put(message.path("_user").asText(), message) != null) {
                    failures.add("campaign: two messages for " + message.path("_user").asText());
                }
                continue;
            }
            if (byEvent.put(eventId, message) != null) {
                failures.add(eventId + ": more than one message for one event and trigger");
            }
        }
        java.util.Set<String> expectedFiles = new java.util.HashSet<>();
        java.util.Set<String> used = new java.util.HashSet<>();
        for (Expectation e : accepted.values()) {
            HttpResponse<String> event = send("GET", "/v1/events/" + e.eventId(), null);
            if (event.statusCode() != 200) {
                failures.add(e.eventId() + ": accepted but GET /v1/events answers " + event.statusCode());
                continue;
            }
            JsonNode decision = null;
            for (JsonNode d : Json.parse(event.body()).path("evaluation")) {
                decision = d.path("triggerId").asText().equals(e.trigger()) || d.path("journeyId").asText().equals(e.trigger()) ? d : decision;
            }
            if (e.kind() == Kind.JOURNEY) {
                if (decision == null || !decision.path("entered").asBoolean()) {
                    failures.add(e.eventId() + ": accepted but its evaluation does not say it entered " + JOURNEY + " (" + decision + ")");
                }
                continue;
            }
            if (e.kind() == Kind.AWAITED) {
                // No evaluation entry when no instance was waiting for it (posted before the wait or after the timeout).
                awaitedDecision.put(e.eventId(), decision == null ? "no decision" : decision.path("reason").asText());
                awaitedReceivedAt.put(e.eventId(), Instant.parse(Json.parse(event.body()).path("receivedAt").asText()));
                if (decision != null && decision.path("reason").asText().startsWith("received")) {
                    awaitedWoke.put(decision.path("instanceId").asText(), e.eventId());
                }
                continue;
            }
            if (e.kind() == Kind.CANCELS) {
                // A cancel evaluated after its message went out finds nothing pending: an empty evaluation.
                JsonNode held = byEvent.get("hold-" + e.eventId().substring("release-".length()));
                String heldStatus = held == null ? "" : held.path("status").asText();
                // Killed between cancelling and recording the evaluation, the re-evaluation finds nothing pending: the
                // message's history then names this event as the canceller.
                boolean explainedByMessage = heldStatus.equals("CANCELLED") && held.path("reason").asText().contains("(event " + e.eventId() + ")");
                if (decision == null && !heldStatus.equals("SENT") && !heldStatus.equals("UNKNOWN") && !explainedByMessage) {
                    failures.add(e.eventId() + ": accepted but never evaluated (its message is " + heldStatus + ")");
                }
                if (decision != null && decision.path("reason").asText().equals("cancelled a pending message") && !heldStatus.equals("CANCELLED")) {
                    failures.add(e.eventId() + ": says it cancelled " + decision.path("cancelled").asText() + ", which is " + heldStatus);
                }
                continue;
            }
            if (decision == null) {
                failures.add(e.eventId() + ": accepted but never evaluated (no decision for " + e.trigger() + ")");
            }
            JsonNode message = byEvent.get(e.eventId());
            used.add(e.eventId());
            if (message == null) {
                failures.add(e.eventId() + ": no message");
                continue;
            }
            if (e.kind() == Kind.WEBHOOK) {
                checkPostedOnce(e.eventId(), message, failures);
                continue;
            }
            expectedFiles.add(message.path("id").asText() + ".eml");
            if (e.kind() == Kind.CANCELLED) {
                checkCancelled(e.eventId(), message, failures);
            } else {
                checkSentOnce(e.eventId(), message, failures);
            }
        }
        byEvent.forEach((eventId, message) -> {
            if (!used.contains(eventId)) {
                failures.add(eventId + ": a message for an event never accepted (" + message.path("id").asText() + ")");
            }
        });
        if (campaign.size() != settings.users()) {
            failures.add("campaign: " + campaign.size() + " messages for " + settings.users() + " users");
        }
        for (JsonNode message : campaign.values()) {
            expectedFiles.add(message.path("id").asText() + ".eml");
            checkSentOnce("campaign " + message.path("id").asText(), message, failures);
        }
        for (Map.Entry<String, List<JsonNode>> instance : journeyMessages.entrySet()) {
            Map<String, Integer> perStep = new LinkedHashMap<>();
            for (JsonNode message : instance.getValue()) {
                String step = message.path("stepId").asText();
                String what = "journey instance " + instance.getKey() + " step " + step;
                if (perStep.merge(step, 1, Integer::sum) > 1) {
                    failures.add(what + ": a second message (the step ran twice) " + message.path("id").asText());
                }
                if (!message.path("id").asText().equals(Ids.derive("message", "journey", instance.getKey(), step))) {
                    failures.add(what + ": message id " + message.path("id").asText() + " is not derived from instance and step");
                }
                expectedFiles.add(message.path("id").asText() + ".eml");
                checkSentOnce(what, message, failures);
            }
        }
        outboxWrites.keySet().stream().filter(name -> !expectedFiles.contains(name))
                .forEach(name -> failures.add("outbox: unexpected file " + name));
        checkStreamOut(failures);
    }

    /**
     * The stream out across the kills: every message that was SENT has its {@code message.sent} event at the
     * subscription's endpoint (duplicates allowed, with the same id), signed with the subscription's secret.
     */
    private void checkStreamOut(List<String> failures) throws Exception {
        Map<String, String> sentIds = new LinkedHashMap<>();
        for (JsonNode message : allMessages()) {
            if (count(message, "SENT") > 0) {
                sentIds.put(message.path("id").asText(), io.nudge.ids.Ids.derive("outbound", "message.sent", message.path("id").asText()));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Set<String> missing;
        List<io.nudge.testing.WebhookReceiver.Received> posts;
        do {
            posts = hooks.all().stream().filter(r -> r.path().equals("/crash-events")).toList();
            Set<String> got = posts.stream().map(r -> r.header("Idempotency-Key")).collect(java.util.stream.Collectors.toSet());
            missing = new java.util.TreeSet<>(sentIds.keySet());
            missing.removeIf(id -> got.contains(sentIds.get(id)));
            if (!missing.isEmpty()) {
                Thread.sleep(500);
            }
        } while (!missing.isEmpty() && System.nanoTime() < deadline);
        Set<String> distinct = new java.util.HashSet<>();
        for (io.nudge.testing.WebhookReceiver.Received post : posts) {
            JsonNode event = Json.parse(post.body());
            distinct.add(event.path("id").asText());
            if (!event.path("id").asText().equals(post.header("Idempotency-Key"))
                    || (streamOutSecret != null && !io.nudge.channel.webhook.WebhookSignature.verify(streamOutSecret,
                    post.header("Nudge-Signature"), post.body(), Long.parseLong(post.header("Nudge-Signature").split(",")[0].substring(2)), 300))) {
                failures.add("stream out: an event whose id or signature is not its own: " + post.body());
            }
        }
        streamOut = new StreamOutFigures(sentIds.size(), posts.size(), distinct.size());
        missing.forEach(id -> failures.add("stream out: message " + id + " was SENT but its message.sent event never came"));
    }

    /**
     * The journey's instances, read from the JourneyInstances table once the runner is stopped (the harness has no other
     * window on them): each accepted entry has one instance and it ended. One still active is given a restart and 10 s
     * more, up to a minute, before it counts as stranded.
     */
    private JourneyFigures checkJourneys(Path data, Path config, List<String> failures) throws Exception {
        List<Expectation> entries = accepted.values().stream().filter(e -> e.kind() == Kind.JOURNEY).toList();
        java.util.Set<String> users = new java.util.TreeSet<>();
        entries.forEach(e -> users.add(e.userId()));
        Map<String, JourneyInstance> byEntry = new LinkedHashMap<>();
        List<JourneyInstance> all = new ArrayList<>();
        int restarts = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            stopGracefully();
            byEntry.clear();
            all.clear();
            Natives.install(data.resolve("native"));
            try (LocalDynamo dynamo = LocalDynamo.embedded(Optional.of(data.resolve("dynamodb")))) {
                JourneyInstanceStore store = new JourneyInstanceStore(dynamo.dynamo(), Tables.withPrefix(LocalRunner.TABLE_PREFIX).journeys(),
                        LocalRunner.SLOT_WIDTH);
                for (String user : users) {
                    all.addAll(store.forUser(user, 10_000));
                }
            }
            all.forEach(i -> byEntry.put(i.entry().path("id").asText(), i));
            if (all.stream().noneMatch(JourneyInstance::active) || System.nanoTime() > deadline) {
                break;
            }
            restarts++;
            start(data, config);
            Thread.sleep(10_000);
        }
        int completed = 0;
        int exited = 0;
        int received = 0;
        int timedOut = 0;
        int before = 0;
        int raced = 0;
        int after = 0;
        int messages = 0;
        List<String> races = new ArrayList<>();
        if (byEntry.size() != all.size()) {
            failures.add("journey: " + all.size() + " instances for " + byEntry.size() + " entry events (two instances for one entry)");
        }
        for (Expectation entry : entries) {
            JourneyInstance instance = byEntry.remove(entry.eventId());
            if (instance == null) {
                failures.add(entry.eventId() + ": entered " + JOURNEY + " but no instance");
                continue;
            }
            String what = entry.eventId() + " (instance " + instance.id() + ")";
            List<String> steps = instance.path().stream().map(JourneyInstance.PathEntry::step).toList();
            List<JsonNode> sent = journeyMessages.getOrDefault(instance.id(), List.of());
            messages += sent.size();
            switch (instance.status()) {
                case COMPLETED -> completed++;
                case EXITED -> exited++;
                case ACTIVE -> {
                    failures.add(what + ": stranded, still active at " + instance.step() + " (" + instance.phase() + ", due "
                            + instance.dueAt().map(Instant::toString).orElse("never") + ") path " + steps);
                    continue;
                }
            }
            if (new java.util.HashSet<>(steps).size() != steps.size()) {
                failures.add(what + ": a step entered twice: " + steps);
            }
            Optional<JourneyInstance.PathEntry> done = instance.path().stream().filter(p -> p.step().equals("done")).findFirst();
            String left = done.flatMap(JourneyInstance.PathEntry::left).orElse("");
            boolean isReceived = left.equals("received");
            if (!steps.equals(isReceived ? JOURNEY_PATH_RECEIVED : JOURNEY_PATH_TIMEOUT) || !(isReceived || left.equals("timeout"))) {
                failures.add(what + ": path " + steps + " leaving done by '" + left + "'");
                continue;
            }
            java.util.Set<String> sentSteps = new java.util.TreeSet<>();
            sent.forEach(m -> sentSteps.add(m.path("stepId").asText()));
            java.util.Set<String> wanted = new java.util.TreeSet<>(List.of("hello", isReceived ? "thanks" : "nudge"));
            if (!sentSteps.equals(wanted)) {
                failures.add(what + ": path " + steps + " but messages for " + sentSteps);
            }
            List<Instant> posted = new ArrayList<>();
            List<String> postedIds = new ArrayList<>();
            for (int n = 0; n < AWAITED_PER_INSTANCE; n++) {
                String awaitedId = "awaited" + n + entry.eventId().substring("journey".length());
                Optional.ofNullable(awaitedAcceptedAt.get(awaitedId)).ifPresent(at -> {
                    posted.add(at);
                    postedIds.add(awaitedId);
                });
            }
            String woke = awaitedWoke.get(instance.id());
            if (isReceived) {
                received++;
                if (posted.isEmpty()) {
                    failures.add(what + ": received, but its awaited event was never posted");
                }
                String answer = done.flatMap(JourneyInstance.PathEntry::detail).orElse("");
                if (postedIds.stream().noneMatch(id -> answer.equals("crash_done (event " + id + ")"))) {
                    failures.add(what + ": received '" + answer + "', not one of its awaited events " + postedIds);
                }
            } else {
                timedOut++;
                if (woke != null) {
                    failures.add(what + ": timed out, but " + woke + "'s evaluation says it woke this instance");
                }
                JourneyInstance.PathEntry wait = done.get();
                // the deadline is at least this (the instance parks a moment after entering the step): what was answered
                // before it came in time; what came between it and the timeout's decision may go either way
                Instant waitDeadline = wait.enteredAt().plus(Duration.parse(journeyTimeout));
                for (int n = 0; n < posted.size(); n++) {
                    Instant answered = posted.get(n);
                    Instant receivedAt = awaitedReceivedAt.get(postedIds.get(n));
                    if (receivedAt == null) {
                        continue; // not readable back: already a failure of its own
                    }
                    if (receivedAt.isBefore(wait.enteredAt())) {
                        before++;
                    } else if (!answered.isBefore(waitDeadline)) {
                        after++; // stored at the deadline or later: either edge is right
                    } else {
                        // stored during the wait, before its deadline: the timeout must have found it, kill or no kill
                        raced++;
                        races.add(what + " waited " + wait.enteredAt() + " – " + wait.leftAt().orElseThrow() + "; " + postedIds.get(n)
                                + " received at " + receivedAt + ", answered 2xx at " + answered + ", its evaluation: "
                                + awaitedDecision.get(postedIds.get(n)));
                    }
                }
            }
        }
        byEntry.keySet().forEach(id -> failures.add("journey: an instance for " + id + ", never accepted as an entry"));
        if (raced > 0) {
            failures.add("journey: " + raced + " awaited events were stored during a wait before its deadline, yet the timeout won");
        }
        return new JourneyFigures(journeyTimeout, entries.size(), all.size(), completed, exited, received, timedOut,
                awaitedAcceptedAt.size(), before, raced, after, messages, restarts, races);
    }

    /** SIGTERM: the runner closes DynamoDB Local, so the harness can open the data folder itself. */
    private void stopGracefully() throws InterruptedException {
        Process current = process;
        process = null;
        if (current != null) {
            current.destroy();
            if (!current.waitFor(60, TimeUnit.SECONDS)) {
                current.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private void checkSentOnce(String what, JsonNode message, List<String> failures) throws IOException {
        String id = message.path("id").asText();
        String status = message.path("status").asText();
        int sentEntries = count(message, "SENT");
        int writes = writes(id);
        switch (status) {
            case "SENT" -> {
                if (sentEntries != 1 || writes != 1) {
                    failures.add(what + ": SENT with " + sentEntries + " SENT entries and " + writes + " outbox writes " + history(message));
                    return;
                }
                String file = Files.readString(settings.work().resolve("data/outbox/" + id + ".eml"));
                String providerId = message.path("providerMessageId").asText();
                if (!file.contains("Message-ID: <" + providerId + "@nudge.local>")) {
                    failures.add(what + ": the outbox file is not the recorded send (" + providerId + "): sent twice");
                }
            }
            case "UNKNOWN" -> {
                if (sentEntries != 0 || writes > 1) {
                    failures.add(what + ": UNKNOWN with " + sentEntries + " SENT entries and " + writes + " outbox writes " + history(message));
                }
            }
            default -> failures.add(what + ": " + status + " instead of SENT " + history(message));
        }
    }

    /**
     * A webhook message: SENT with one SENT entry and exactly one request to the endpoint, carrying its id as the
     * Idempotency-Key and a signature of its body; or UNKNOWN (killed between the request and its answer being
     * recorded: the sweep's verdict, never resent) with at most one request. Never two requests for one message.
     */
    private void checkPostedOnce(String what, JsonNode message, List<String> failures) {
        String id = message.path("id").asText();
        List<io.nudge.testing.WebhookReceiver.Received> posts = hooks.all().stream().filter(r -> id.equals(r.header("Idempotency-Key"))).toList();
        String status = message.path("status").asText();
        int sentEntries = count(message, "SENT");
        hookMessages.incrementAndGet();
        hookPosts.addAndGet(posts.size());
        if (posts.size() > 1) {
            failures.add(what + ": webhook posted " + posts.size() + " times " + history(message));
        }
        for (io.nudge.testing.WebhookReceiver.Received post : posts) {
            long t = Long.parseLong(String.valueOf(post.header("Nudge-Signature")).replaceAll("^t=(\\d+),.*$", "$1"));
            if (!io.nudge.channel.webhook.WebhookSignature.verify(HOOK_SECRET, post.header("Nudge-Signature"), post.body(), t, 300)
                    || !post.body().contains(message.path("eventId").asText())) {
                failures.add(what + ": a webhook post whose signature or body is not the message's: " + post.body());
            }
        }
        switch (status) {
            case "SENT" -> {
                if (sentEntries != 1 || posts.size() != 1) {
                    failures.add(what + ": webhook SENT with " + sentEntries + " SENT entries and " + posts.size() + " posts " + history(message));
                }
            }
            case "UNKNOWN" -> {
                hookUnknown.incrementAndGet();
                if (sentEntries != 0) {
                    failures.add(what + ": webhook UNKNOWN with " + sentEntries + " SENT entries " + history(message));
                }
            }
            default -> failures.add(what + ": webhook " + status + " instead of SENT " + history(message));
        }
    }

    /**
     * CANCELLED and never written; or, when the cancelling event was evaluated only after the message was due (the
     * evaluation lags behind while the runner restarts), sent exactly once like any other: a late cancel, counted.
     */
    private void checkCancelled(String what, JsonNode message, List<String> failures) throws IOException {
        String id = message.path("id").asText();
        String status = message.path("status").asText();
        if (status.equals("CANCELLED")) {
            if (count(message, "SENT") > 0 || writes(id) > 0) {
                failures.add(what + ": CANCELLED but written to the outbox " + writes(id) + " times " + history(message));
            }
            return;
        }
        if (count(message, "CANCELLED") > 0) {
            failures.add(what + ": " + status + " after a CANCELLED entry " + history(message));
            return;
        }
        lateCancels.incrementAndGet();
        checkSentOnce(what, message, failures);
    }

    private int writes(String id) {
        AtomicInteger n = outboxWrites.get(id + ".eml");
        return n == null ? 0 : n.get();
    }

    private static int count(JsonNode message, String status) {
        int n = 0;
        for (JsonNode h : message.path("history")) {
            n += h.path("status").asText().equals(status) ? 1 : 0;
        }
        return n;
    }

    private static String history(JsonNode message) {
        List<String> steps = new ArrayList<>();
        for (JsonNode h : message.path("history")) {
            steps.add(h.path("status").asText() + (h.has("reason") ? " (" + h.path("reason").asText() + ")" : "") + " " + h.path("at").asText());
        }
        return steps.toString();
    }
}
