package io.nudge.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    record Report(int kills, int eventsAccepted, int messagesChecked, Map<String, Integer> statuses, int outboxFiles,
            int redrivenSeen, int lateCancels, List<String> failures, Duration took) {
        String markdown(Settings settings) {
            StringBuilder md = new StringBuilder();
            md.append("# Crash harness\n\n");
            md.append("`java -jar local/target/nudge-local.jar --data-dir <tmp> --sweep-grace PT10S` as a child process, killed with SIGKILL ")
                    .append("(`Process.destroyForcibly()`) after a random ").append(settings.minUp().toSeconds()).append("–")
                    .append(settings.maxUp().toSeconds()).append(" s of health and restarted on the same data folder, while a driver ")
                    .append("posts a mixed workload: per user and round an immediate email, an email delayed 3 s, an email delayed 30 s ")
                    .append("and an event that cancels it (cancelOn), plus one campaign run to all users. Seed ").append(settings.seed())
                    .append(".\n\n");
            md.append("| what | figure |\n|---|---|\n");
            md.append("| kills (SIGKILL) | ").append(kills).append(" |\n");
            md.append("| users | ").append(settings.users()).append(" |\n");
            md.append("| events accepted (2xx) | ").append(eventsAccepted).append(" |\n");
            md.append("| messages checked | ").append(messagesChecked).append(" |\n");
            statuses.forEach((status, n) -> md.append("| … ").append(status).append(" | ").append(n).append(" |\n"));
            md.append("| outbox files | ").append(outboxFiles).append(" |\n");
            md.append("| READY messages re-driven by the sweep | ").append(redrivenSeen).append(" |\n");
            md.append("| cancels evaluated after their message was due (sent once, allowed) | ").append(lateCancels).append(" |\n");
            md.append("| failures | ").append(failures.size()).append(" |\n");
            md.append("| took | ").append(took.toSeconds()).append(" s |\n\n");
            md.append("Checked: every accepted event exists and was evaluated (its evaluation names the expected trigger); every ")
                    .append("expected message exists once, is SENT with exactly one SENT in its history and exactly one outbox write ")
                    .append("(file-system create events, since a resend would replace `<id>.eml`) whose Message-ID is the recorded ")
                    .append("provider id — or UNKNOWN (the sweep's verdict on a claim that reached the provider call before a kill) ")
                    .append("with at most one write and no SENT; cancelled messages CANCELLED with no outbox write (a cancel the runner evaluated only ")
                    .append("after its message was due may find it sent: then it must have been sent once, and the cancel must not claim ")
                    .append("to have cancelled it); no other messages.\n\n");
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

    private enum Kind { SEND, CANCELLED, CANCELS, CAMPAIGN }

    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Random random;
    private final Map<String, Expectation> accepted = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> outboxWrites = new ConcurrentHashMap<>();
    private final AtomicBoolean watcherOverflow = new AtomicBoolean();
    private final AtomicInteger lateCancels = new AtomicInteger();
    private volatile Process process;
    private volatile int port;
    private int starts;

    CrashHarness(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    Report run() throws Exception {
        Instant began = Instant.now();
        Path data = Files.createDirectories(settings.work().resolve("data"));
        Path config = writeConfig(Files.createDirectories(settings.work().resolve("config")));
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
            try (var files = Files.list(data.resolve("outbox"))) {
                int outboxFiles = (int) files.filter(p -> !p.getFileName().toString().startsWith(".")).count();
                return new Report(kills, accepted.size(), checked, statuses, outboxFiles, redriven, lateCancels.get(), failures,
                        Duration.between(began, Instant.now()));
            }
        } finally {
            if (process != null) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            watcher.interrupt();
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

    private static Path writeConfig(Path config) throws IOException {
        Files.createDirectories(config.resolve("templates"));
        Files.createDirectories(config.resolve("triggers"));
        Files.writeString(config.resolve("templates/crash_mail.json"),
                "{\"channel\":\"email\",\"subject\":\"Hello {{ event.name }}\",\"text\":\"Event {{ event.id }}\"}");
        Files.writeString(config.resolve("templates/crash_campaign.json"),
                "{\"channel\":\"email\",\"subject\":\"News\",\"text\":\"The campaign\"}");
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
                        cancels.add(new Expectation("release-" + key, user, "crash_hold", Kind.CANCELS));
                    }
                    post(batch);
                    post(cancels);
                }
                if (!campaignStarted) {
                    // one run, mid-workload; its id makes a repeated request the same run
                    retrying("POST", "/v1/campaigns/crash_campaign/run", "{\"runId\":\"crash-1\"}");
                    campaignStarted = true;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("driver failed", e);
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
            long expected = accepted.values().stream().filter(e -> e.kind() != Kind.CANCELS).count() + settings.users();
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
                decision = d.path("triggerId").asText().equals(e.trigger()) ? d : decision;
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
        outboxWrites.keySet().stream().filter(name -> !expectedFiles.contains(name))
                .forEach(name -> failures.add("outbox: unexpected file " + name));
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
