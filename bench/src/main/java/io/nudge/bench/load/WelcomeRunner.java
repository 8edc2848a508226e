package io.nudge.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.ids.Ids;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A runner process set up as the scenario starts it: a fresh data folder, {@code --config} holding only the
 * welcome trigger and its template (copies of examples/), persisted or {@code --in-memory}, no rate-limit override.
 * With the helpers every scenario shares: users, event batches, waiting for expected emails in the outbox, and the
 * messages' SENT entries read back through the runner's HTTP API.
 */
final class WelcomeRunner implements AutoCloseable {
    static final String KEY = "e2e-bench-admin-key-0123456789abcdef";
    static final String TRIGGER = "welcome";
    private static final int READERS = 8;

    private final LocalProcess runner;
    private final OutboxWatcher watcher;
    private final EndToEnd.Api api;
    private final Path data;
    private final Path config;

    private WelcomeRunner(LocalProcess runner, OutboxWatcher watcher, EndToEnd.Api api, Path data, Path config) {
        this.runner = runner;
        this.watcher = watcher;
        this.api = api;
        this.data = data;
        this.config = config;
    }

    /** @param jvmArgs e.g. a JFR recording */
    static WelcomeRunner start(Path root, Path jar, boolean inMemory, List<String> jvmArgs, Path data) throws Exception {
        Path config = Files.createTempDirectory("nudge-e2e-config-");
        for (String file : List.of("triggers/welcome.json", "templates/welcome_email.json")) {
            Files.createDirectories(config.resolve(file).getParent());
            Files.copy(root.resolve("examples").resolve(file), config.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        // the stream-out variant's receiver is on loopback in the benchmark's process
        LocalProcess runner = LocalProcess.start(jar, data, KEY, Map.of("NUDGE_WEBHOOK_ALLOW_HOSTS", "127.0.0.1"), jvmArgs, config, inMemory,
                List.of());
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            return new WelcomeRunner(runner, OutboxWatcher.start(runner.outbox()), new EndToEnd.Api(http, runner.base(), KEY,
                    Duration.ofSeconds(120)), data, config);
        } catch (IOException | RuntimeException e) {
            runner.close();
            throw e;
        }
    }

    EndToEnd.Api api() {
        return api;
    }

    OutboxWatcher watcher() {
        return watcher;
    }

    static String messageId(String eventId) {
        return Ids.derive("message", TRIGGER, eventId);
    }

    static String userJson(String userId, boolean withId) {
        return "{" + (withId ? "\"userId\":\"" + userId + "\"," : "") + "\"email\":\"" + userId
                + "@example.com\",\"attributes\":{\"first_name\":\"Ada\"}}";
    }

    static String eventJson(String eventId, String userId) {
        return "{\"id\":\"" + eventId + "\",\"userId\":\"" + userId + "\",\"name\":\"signed_up\",\"properties\":{\"plan\":\"pro\"}}";
    }

    /** {@code PUT /v1/users/{userId}} for each, from {@code connections} threads. */
    void createUsers(List<String> users, int connections) throws Exception {
        inParallel(users.stream().map(u -> (Runnable) () -> api.call("PUT", "/v1/users/" + u, userJson(u, false))).toList(), connections);
    }

    /** The body of one {@code POST /v1/events} or {@code POST /v1/track} carrying these users' signed_up events. */
    static String batch(List<String> users, String run, boolean track) {
        String events = users.stream().map(u -> eventJson(run + "-" + u, u)).collect(Collectors.joining(","));
        if (!track) {
            return "{\"events\":[" + events + "]}";
        }
        return "{\"users\":[" + users.stream().map(u -> userJson(u, true)).collect(Collectors.joining(",")) + "],\"events\":[" + events + "]}";
    }

    /** Until every expected message id is in the outbox, or {@code quiet} passes without a new one. @return how many arrived */
    int awaitEmails(Collection<String> messageIds, Duration quiet) throws InterruptedException {
        int last = -1;
        long lastProgress = System.nanoTime();
        while (true) {
            int now = present(messageIds);
            if (now == messageIds.size()) {
                return now;
            }
            if (now != last) {
                last = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > quiet.toNanos()) {
                return now;
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling the watcher's map, not standing in for a condition
        }
    }

    int present(Collection<String> messageIds) {
        int n = 0;
        for (String id : messageIds) {
            if (watcher.firstSeen().containsKey(id)) {
                n++;
            }
        }
        return n;
    }

    /** {@code <data-dir>/outbox/<id>.eml} exists (the watcher saw it arrive; this checks it is still there). */
    boolean inOutbox(String messageId) {
        return Files.isRegularFile(runner.outbox().resolve(messageId + ".eml"));
    }

    /**
     * Each expected message's SENT entries (their times, runner clock), from {@code GET /v1/messages?triggerId=welcome}
     * page by page, then {@code GET /v1/messages/{id}} for any the search did not list. Absent: no such message.
     */
    Map<String, List<Instant>> sentEntries(Collection<String> messageIds) throws Exception {
        Map<String, List<Instant>> sent = new ConcurrentHashMap<>();
        Optional<String> cursor = Optional.empty();
        do {
            JsonNode page = api.call("GET", "/v1/messages?triggerId=" + TRIGGER + "&limit=200"
                    + cursor.map(c -> "&cursor=" + URLEncoder.encode(c, StandardCharsets.UTF_8)).orElse(""), null);
            for (JsonNode message : page.path("messages")) {
                sent.put(message.path("id").asText(), sentTimes(message));
            }
            cursor = Optional.ofNullable(page.get("next")).map(JsonNode::asText);
        } while (cursor.isPresent());
        List<Runnable> missing = new ArrayList<>();
        for (String id : messageIds) {
            if (!sent.containsKey(id)) {
                missing.add(() -> {
                    EndToEnd.Answer answer = api.send("GET", "/v1/messages/" + id, null);
                    if (answer.status() == 200) {
                        sent.put(id, sentTimes(answer.json()));
                    }
                });
            }
        }
        inParallel(missing, READERS);
        // the outbox file is written before SENT is recorded: a message whose email is out may still be SENDING
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> unsettled = messageIds.stream().filter(id -> sent.getOrDefault(id, List.of()).isEmpty() && inOutbox(id)).toList();
        while (!unsettled.isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100); // polling the runner's record, not standing in for a condition
            for (String id : unsettled) {
                EndToEnd.Answer answer = api.send("GET", "/v1/messages/" + id, null);
                if (answer.status() == 200) {
                    sent.put(id, sentTimes(answer.json()));
                }
            }
            unsettled = unsettled.stream().filter(id -> sent.getOrDefault(id, List.of()).isEmpty()).toList();
        }
        Map<String, List<Instant>> expected = new HashMap<>();
        for (String id : messageIds) {
            if (sent.containsKey(id)) {
                expected.put(id, sent.get(id));
            }
        }
        return expected;
    }

    private static List<Instant> sentTimes(JsonNode message) {
        List<Instant> times = new ArrayList<>();
        for (JsonNode entry : message.path("history")) {
            if ("SENT".equals(entry.path("status").asText())) {
                times.add(Instant.parse(entry.path("at").asText()));
            }
        }
        return times;
    }

    /**
     * Lost: not in the outbox or never SENT. Twice: more than one SENT, or the file arrived more than once.
     *
     * @param lostWhere up to three lost messages with what the API says of them (status and history, or no message)
     */
    record Check(int lost, int twice, List<String> lostWhere) {}

    Check check(Collection<String> messageIds, Map<String, List<Instant>> sent) {
        int lost = 0;
        int twice = 0;
        List<String> where = new ArrayList<>();
        for (String id : messageIds) {
            List<Instant> times = sent.getOrDefault(id, List.of());
            if (times.isEmpty() || !inOutbox(id)) {
                lost++;
                if (where.size() < 3) {
                    EndToEnd.Answer answer = api.send("GET", "/v1/messages/" + id, null);
                    where.add(id + ": " + (answer.status() == 200 ? answer.json().path("status").asText() + " "
                            + answer.json().path("history") : "no message (" + answer.status() + ")") + (inOutbox(id) ? ", in the outbox" : ""));
                }
            }
            AtomicInteger creates = watcher.creates().get(id);
            if (times.size() > 1 || (creates != null && creates.get() > 1)) {
                twice++;
            }
        }
        if (!where.isEmpty()) {
            System.out.println("e2e: lost: " + where);
        }
        return new Check(lost, twice, where);
    }

    static void inParallel(List<Runnable> work, int threads) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (Runnable w : work) {
                done.add(pool.submit(w));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    List<String> log() {
        return runner.log();
    }

    @Override
    public void close() throws IOException {
        try {
            watcher.close();
        } finally {
            runner.close();
            // thousands of emails and a database per scenario: the shared disk gets them back
            delete(data);
            delete(config);
        }
    }

    private static void delete(Path folder) throws IOException {
        try (var paths = Files.walk(folder)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
