package io.nudge.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WelcomeBatchTest {
    private final List<String> users = IntStream.range(0, 100).mapToObj(i -> "w-run-u" + i).toList();

    @Test
    void an_events_batch_carries_one_signed_up_event_per_user_and_no_users() throws Exception {
        JsonNode body = Json.parse(WelcomeRunner.batch(users, "run", false));

        assertThat(body.has("users")).isFalse();
        assertThat(body.path("events")).hasSize(100);
        JsonNode first = body.path("events").get(0);
        assertThat(first.path("id").asText()).isEqualTo("run-w-run-u0");
        assertThat(first.path("userId").asText()).isEqualTo("w-run-u0");
        assertThat(first.path("name").asText()).isEqualTo("signed_up");
    }

    @Test
    void a_track_batch_carries_each_user_with_an_address_and_their_events_in_the_same_order() throws Exception {
        JsonNode body = Json.parse(WelcomeRunner.batch(users, "run", true));

        assertThat(body.path("users")).hasSize(100);
        assertThat(body.path("events")).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(body.path("users").get(i).path("userId").asText()).isEqualTo(users.get(i));
            assertThat(body.path("users").get(i).path("email").asText()).isEqualTo(users.get(i) + "@example.com");
            assertThat(body.path("events").get(i).path("userId").asText()).isEqualTo(users.get(i));
        }
    }

    @Test
    void the_expected_message_id_is_the_one_the_pipeline_derives_from_the_welcome_trigger_and_the_event() {
        assertThat(WelcomeRunner.messageId("run-w-run-u0")).isEqualTo(Ids.derive("message", "welcome", "run-w-run-u0"));
        assertThat(Ids.isDerivedId(WelcomeRunner.messageId("run-w-run-u0"))).isTrue();
    }
}
