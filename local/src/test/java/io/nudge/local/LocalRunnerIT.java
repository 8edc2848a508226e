package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end through the local runner, over HTTP: the README's walkthrough as a test. */
class LocalRunnerIT {
    private static final String KEY = "it-admin-key";
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path data;
    private LocalRunner runner;

    private LocalOptions options(boolean inMemory) {
        return new LocalOptions(data, inMemory, "127.0.0.1", 0, Optional.empty(), LocalOptions.Channels.OUTBOX,
                Optional.of(KEY), "Acme <hello@acme.test>", Duration.ofSeconds(60), Clock.systemUTC());
    }

    @BeforeEach
    void start() throws Exception {
        runner = LocalRunner.start(options(true));
    }

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.close();
        }
    }

    private HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.port() + path))
                .header("Authorization", "Bearer " + KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.replace('\'', '"')));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(HttpResponse<String> response) throws IOException {
        return Json.parse(response.body());
    }

    private void defineWelcome() throws Exception {
        assertThat(call("PUT", "/v1/templates/welcome", "{'channel':'email','subject':'Welcome, {{ user.attributes.first_name }}!',"
                + "'html':'<p>Hello {{ user.attributes.first_name }}</p>','text':'Hello {{ user.attributes.first_name }}'}").statusCode()).isEqualTo(201);
        assertThat(call("PUT", "/v1/triggers/welcome", "{'event':'signed_up','channel':'email','template':'welcome',"
                + "'conditions':[{'path':'event.properties.plan','op':'eq','value':'pro'}]}").statusCode()).isEqualTo(201);
    }

    /** Waits for asynchronous work (stream → handler) with a deadline; it does not stand in for a delay. */
    private static <T> T eventually(Supplier<Optional<T>> probe) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(ItTime.DEADLINE_SECONDS);
        while (Instant.now().isBefore(deadline)) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("condition not reached within " + ItTime.DEADLINE_SECONDS + " s");
    }

    private List<Path> outbox() {
        try (Stream<Path> files = Files.list(runner.outbox())) {
            return files.filter(p -> p.toString().endsWith(".eml")).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode messagesOf(String userId) {
        try {
            return json(call("GET", "/v1/users/" + userId + "/messages", null)).get("messages");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode sentMessageOf(String userId) throws InterruptedException {
        return eventually(() -> {
            JsonNode messages = messagesOf(userId);
            return messages.size() > 0 && messages.get(0).get("status").asText().equals("SENT") ? Optional.of(messages.get(0)) : Optional.empty();
        });
    }

    @Test
    void user_then_event_puts_the_rendered_email_in_the_outbox_once() throws Exception {
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.port() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("{\"status\":\"ok\"}");
        defineWelcome();
        assertThat(call("PUT", "/v1/users/ada", "{'email':'ada@example.com','attributes':{'first_name':'Ada'}}").statusCode()).isEqualTo(200);

        HttpResponse<String> posted = call("POST", "/v1/events", "{'id':'signup-ada','userId':'ada','name':'signed_up','properties':{'plan':'pro'}}");
        assertThat(posted.statusCode()).isEqualTo(202);

        JsonNode message = sentMessageOf("ada");
        assertThat(message.get("subject").asText()).isEqualTo("Welcome, Ada!");
        Path eml = runner.outbox().resolve(message.get("id").asText() + ".eml");
        String mail = Files.readString(eml);
        assertThat(mail).contains("Subject: Welcome, Ada!").contains("To: ada@example.com").contains("Hello Ada");

        // the same event id again, then a sentinel through the same stream: once the sentinel is sent,
        // the duplicate has certainly been seen and must have produced nothing
        assertThat(json(call("POST", "/v1/events", "{'id':'signup-ada','userId':'ada','name':'signed_up','properties':{'plan':'pro'}}"))
                .get("duplicates").asInt()).isEqualTo(1);
        call("PUT", "/v1/users/bob", "{'email':'bob@example.com','attributes':{'first_name':'Bob'}}");
        call("POST", "/v1/events", "{'id':'signup-ada-free','userId':'ada','name':'signed_up','properties':{'plan':'free'}}");
        call("POST", "/v1/events", "{'id':'signup-bob','userId':'bob','name':'signed_up','properties':{'plan':'pro'}}");
        sentMessageOf("bob");

        assertThat(messagesOf("ada")).hasSize(1);
        assertThat(outbox()).hasSize(2);
        JsonNode evaluation = json(call("GET", "/v1/events/signup-ada-free", null)).get("evaluation");
        assertThat(evaluation.get(0).get("matched").asBoolean()).isFalse();
    }

    @Test
    void a_restart_keeps_users_definitions_and_messages() throws Exception {
        runner.close();
        runner = LocalRunner.start(options(false));
        defineWelcome();
        call("PUT", "/v1/users/ada", "{'email':'ada@example.com','attributes':{'first_name':'Ada'}}");
        call("POST", "/v1/events", "{'id':'e1','userId':'ada','name':'signed_up','properties':{'plan':'pro'}}");
        String id = sentMessageOf("ada").get("id").asText();
        runner.close();

        runner = LocalRunner.start(options(false));

        assertThat(json(call("GET", "/v1/users/ada", null)).at("/attributes/first_name").asText()).isEqualTo("Ada");
        assertThat(call("GET", "/v1/triggers/welcome", null).statusCode()).isEqualTo(200);
        assertThat(messagesOf("ada")).singleElement().satisfies(m -> assertThat(m.get("id").asText()).isEqualTo(id));
        // reprocessing after restart is harmless: a new event still flows, the old one is not sent again
        call("PUT", "/v1/users/bob", "{'email':'bob@example.com'}");
        call("POST", "/v1/events", "{'id':'e2','userId':'bob','name':'signed_up','properties':{'plan':'pro'}}");
        sentMessageOf("bob");
        assertThat(outbox()).hasSize(2);
    }
}
