package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The end-to-end tests' client of a local runner: admin API requests (JSON bodies written with single quotes for
 * readability), and waiting for asynchronous work (stream → handler) with a deadline, never a fixed sleep.
 */
final class ItClient {
    static final String KEY = "it-admin-key";
    static final String EMAIL_FROM = "Acme <hello@acme.test>";
    /** Statuses the pipeline moves a message out of by itself, without waiting for a due time. */
    static final Set<String> IN_FLIGHT = Set.of("READY", "SENDING");
    /** Statuses a message leaves later: in flight, or waiting for its due time. */
    static final Set<String> NOT_FINAL = Set.of("SCHEDULED", "READY", "SENDING");
    private static final Duration POLL = Duration.ofMillis(25);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final int port;
    private final String key;

    ItClient(int port, String key) {
        this.port = port;
        this.key = key;
    }

    ItClient(LocalRunner runner) {
        this(runner.port(), KEY);
    }

    /** The ITs' runner: in memory on a free port, outbox channels, the IT admin key and sender; vary it before build(). */
    static LocalOptions.Builder options(Path data) {
        return LocalOptions.builder().dataDir(data).inMemory(true).port(0).apiKey(KEY).emailFrom(EMAIL_FROM);
    }

    /** An authorized request with the body as written (or none); any status. */
    HttpResponse<String> send(String method, String path, String body) {
        return exchange(method, path, body, true);
    }

    /** A request without credentials; any status. */
    HttpResponse<String> sendAnonymous(String method, String path, String body) {
        return exchange(method, path, body, false);
    }

    /** An authorized request with a single-quoted JSON body (or none); any status. */
    HttpResponse<String> request(String method, String path, String quotedJson) {
        return send(method, path, quotedJson == null ? null : quotedJson.replace('\'', '"'));
    }

    /** An admin API call with a single-quoted JSON body that must succeed; its answer, or null when it has none. */
    JsonNode call(String method, String path, String quotedJson) {
        return succeeded(method, path, request(method, path, quotedJson));
    }

    /** {@link #call} with the body as written (a payload that holds single quotes of its own). */
    JsonNode callRaw(String method, String path, String body) {
        return succeeded(method, path, send(method, path, body));
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    /** The user's messages, newest first, as the API lists them. */
    JsonNode messages(String userId) {
        return call("GET", "/v1/users/" + userId + "/messages", null).get("messages");
    }

    /** The user's message for this event, if there is one yet. */
    Optional<JsonNode> messageFor(String userId, String eventId) {
        for (JsonNode m : messages(userId)) {
            if (m.get("eventId").asText().equals(eventId)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** The user's message for this event once it is no longer READY or SENDING (SENT, SUPPRESSED, SCHEDULED quiet_hours, …). */
    JsonNode settled(String userId, String eventId) {
        return settled(userId, eventId, IN_FLIGHT);
    }

    /** The user's message for this event once its status is none of {@code unsettled}. */
    JsonNode settled(String userId, String eventId, Set<String> unsettled) {
        return eventually("the message of " + userId + " for " + eventId + " leaves " + unsettled,
                () -> messageFor(userId, eventId).filter(m -> !unsettled.contains(m.get("status").asText())));
    }

    /** Something a probe finds once asynchronous work has happened. */
    @FunctionalInterface
    interface Probe<T> {
        Optional<T> find() throws Exception;
    }

    /** Polls until the probe finds something and returns it; fails after {@link ItTime#DEADLINE_SECONDS}. */
    static <T> T eventually(String what, Probe<T> probe) {
        return eventually(what, Duration.ofSeconds(ItTime.DEADLINE_SECONDS), probe);
    }

    static <T> T eventually(String what, Duration within, Probe<T> probe) {
        return eventually(() -> what, within, probe);
    }

    /** With a description made at the deadline (it can show the state the probe last saw). */
    static <T> T eventually(Supplier<String> what, Duration within, Probe<T> probe) {
        Instant deadline = Instant.now().plus(within);
        while (true) {
            Optional<T> value;
            try {
                value = probe.find();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            if (value.isPresent()) {
                return value.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + within.toSeconds() + " s: " + what.get());
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    private static JsonNode succeeded(String method, String path, HttpResponse<String> response) {
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isLessThan(300);
        return response.body().isBlank() ? null : json(response);
    }

    private HttpResponse<String> exchange(String method, String path, String body, boolean authorized) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorized) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + method + " " + path, e);
        }
    }
}
