package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** End to end through the local runner, over HTTP: the README's walkthrough as a test. */
class LocalRunnerIT extends LocalRunnerCase {
    private LocalOptions options(boolean inMemory) {
        return ItClient.options(data).inMemory(inMemory).build();
    }

    @BeforeEach
    void start() throws Exception {
        startRunner(options(true));
    }

    private HttpResponse<String> call(String method, String path, String body) {
        return api.request(method, path, body);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return ItClient.json(response);
    }

    private void defineWelcome() throws Exception {
        assertThat(call("PUT", "/v1/templates/welcome", "{'channel':'email','subject':'Welcome, {{ user.attributes.first_name }}!',"
                + "'html':'<p>Hello {{ user.attributes.first_name }}</p>','text':'Hello {{ user.attributes.first_name }}'}").statusCode()).isEqualTo(201);
        assertThat(call("PUT", "/v1/triggers/welcome", "{'event':'signed_up','channel':'email','template':'welcome',"
                + "'conditions':[{'path':'event.properties.plan','op':'eq','value':'pro'}]}").statusCode()).isEqualTo(201);
    }

    private List<Path> outbox() {
        try (Stream<Path> files = Files.list(runner.outbox())) {
            return files.filter(p -> p.toString().endsWith(".eml")).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode messagesOf(String userId) {
        return api.messages(userId);
    }

    private JsonNode sentMessageOf(String userId) {
        return ItClient.eventually("a SENT message of " + userId, () -> {
            JsonNode messages = messagesOf(userId);
            return messages.size() > 0 && messages.get(0).get("status").asText().equals("SENT") ? Optional.of(messages.get(0)) : Optional.empty();
        });
    }

    @Test
    void user_then_event_puts_the_rendered_email_in_the_outbox_once() throws Exception {
        assertThat(api.sendAnonymous("GET", "/health", null).body()).isEqualTo("{\"status\":\"ok\"}");
        defineWelcome();
        assertThat(call("PUT", "/v1/users/ada", "{'email':'ada@example.com','timezone':'" + ItTime.zoneAt(13) + "','attributes':{'first_name':'Ada'}}").statusCode()).isEqualTo(200);

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
        call("PUT", "/v1/users/bob", "{'email':'bob@example.com','timezone':'" + ItTime.zoneAt(13) + "','attributes':{'first_name':'Bob'}}");
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
        closeRunner();
        startRunner(options(false));
        defineWelcome();
        call("PUT", "/v1/users/ada", "{'email':'ada@example.com','timezone':'" + ItTime.zoneAt(13) + "','attributes':{'first_name':'Ada'}}");
        call("POST", "/v1/events", "{'id':'e1','userId':'ada','name':'signed_up','properties':{'plan':'pro'}}");
        String id = sentMessageOf("ada").get("id").asText();
        closeRunner();

        startRunner(options(false));

        assertThat(json(call("GET", "/v1/users/ada", null)).at("/attributes/first_name").asText()).isEqualTo("Ada");
        assertThat(call("GET", "/v1/triggers/welcome", null).statusCode()).isEqualTo(200);
        assertThat(messagesOf("ada")).singleElement().satisfies(m -> assertThat(m.get("id").asText()).isEqualTo(id));
        // reprocessing after restart is harmless: a new event still flows, the old one is not sent again
        call("PUT", "/v1/users/bob", "{'email':'bob@example.com','timezone':'" + ItTime.zoneAt(13) + "'}");
        call("POST", "/v1/events", "{'id':'e2','userId':'bob','name':'signed_up','properties':{'plan':'pro'}}");
        sentMessageOf("bob");
        assertThat(outbox()).hasSize(2);
    }
}
