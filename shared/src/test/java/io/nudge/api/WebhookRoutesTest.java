package io.nudge.api;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.outbound.Subscription;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stream out's subscriptions through the API: the secret shown once, rotation, validation naming the field. */
class WebhookRoutesTest {
    private final MutableClock clock = MutableClock.at("2026-12-08T09:00:00Z");
    private Services services;
    private NudgeApi api;
    private String admin;
    private String ingest;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        api = services.api(ApiSettings.defaults());
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();
        ingest = services.apiKeys().create("backend", Scope.INGEST).secret();
    }

    private ApiResponse call(String method, String path, String key, String body, Map<String, String> query) {
        return api.handle(new ApiRequest(method, path, Map.of("authorization", "Bearer " + key), query,
                Optional.ofNullable(body).map(b -> b.getBytes(StandardCharsets.UTF_8))));
    }

    private ApiResponse call(String method, String path, String body) {
        return call(method, path, admin, body, Map.of());
    }

    private static JsonNode body(ApiResponse response) throws Exception {
        return Json.parse(response.body());
    }

    private static String subscription(String events) {
        return json("{'url':'https://hooks.example.com/nudge','events':" + events + "}").toString();
    }

    @Test
    void the_secret_is_shown_on_creation_only_kept_on_replace_and_rotation_keeps_the_old_one_for_24_hours() throws Exception {
        ApiResponse created = call("PUT", "/v1/webhooks/warehouse", subscription("['message.sent','user.unsubscribed']"));
        assertThat(created.status()).isEqualTo(201);
        String secret = body(created).get("secret").asText();
        assertThat(secret).startsWith("whsec_").hasSizeGreaterThan(40);
        assertThat(body(created).get("enabled").asBoolean()).isTrue();
        assertThat(body(created).get("includeAddresses").asBoolean()).isFalse();

        ApiResponse replaced = call("PUT", "/v1/webhooks/warehouse", json("{'url':'https://hooks.example.com/v2','events':['message.bounced'],"
                + "'enabled':false,'includeAddresses':true}").toString());
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(body(replaced).has("secret")).isFalse();
        assertThat(services.subscriptions().find("warehouse").orElseThrow().secret()).as("kept").isEqualTo(secret);
        JsonNode shown = body(call("GET", "/v1/webhooks/warehouse", null));
        assertThat(shown.has("secret")).isFalse();
        assertThat(shown.get("events")).isEqualTo(json("['message.bounced']"));
        assertThat(shown.get("enabled").asBoolean()).isFalse();
        assertThat(body(call("GET", "/v1/webhooks", null)).get("webhooks")).singleElement()
                .satisfies(w -> assertThat(w.has("secret")).isFalse());

        clock.advance(Duration.ofMinutes(1));
        JsonNode rotated = body(call("POST", "/v1/webhooks/warehouse/rotate-secret", null));
        String fresh = rotated.get("secret").asText();
        assertThat(fresh).isNotEqualTo(secret).startsWith("whsec_");
        assertThat(rotated.get("previousSecretExpiresAt").asText()).isEqualTo("2026-12-09T09:01:00.000Z");
        Subscription stored = services.subscriptions().find("warehouse").orElseThrow();
        assertThat(stored.secretsAt(clock.instant())).containsExactly(fresh, secret);
        assertThat(stored.secretsAt(clock.instant().plus(Duration.ofHours(24)))).containsExactly(fresh);

        assertThat(call("DELETE", "/v1/webhooks/warehouse", null).status()).isEqualTo(204);
        assertThat(call("DELETE", "/v1/webhooks/warehouse", null).status()).isEqualTo(404);
        assertThat(call("POST", "/v1/webhooks/warehouse/rotate-secret", null).status()).isEqualTo(404);
        assertThat(call("GET", "/v1/webhooks/warehouse/deliveries", null).status()).isEqualTo(404);
    }

    @Test
    void bad_input_is_a_400_naming_the_field() throws Exception {
        Map<String, String> cases = Map.of(
                "{'events':['message.sent']}", "/url",
                "{'url':'https://hooks.example.com/x'}", "/events",
                "{'url':'https://hooks.example.com/x','events':[]}", "/events",
                "{'url':'https://hooks.example.com/x','events':['message.sent','message.teleported']}", "/events/1",
                "{'url':'http://hooks.example.com/x','events':['message.sent']}", "/url",
                "{'url':'https://169.254.169.254/latest','events':['message.sent']}", "/url",
                "{'url':'https://hooks.example.com/x','events':['message.sent'],'enabled':'yes'}", "/enabled",
                "{'url':'https://hooks.example.com/x','events':['message.sent'],'secret':'mine'}", "/secret");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ApiResponse response = call("PUT", "/v1/webhooks/w", json(c.getKey()).toString());
            assertThat(response.status()).as(c.getKey()).isEqualTo(400);
            assertThat(body(response).at("/error/field").asText()).as(c.getKey()).isEqualTo(c.getValue());
        }
        assertThat(body(call("PUT", "/v1/webhooks/bad%20id", subscription("['message.sent']"))).at("/error/field").asText()).isEqualTo("id");
        call("PUT", "/v1/webhooks/w", subscription("['message.sent']"));
        ApiResponse badCursor = call("GET", "/v1/webhooks/w/deliveries", admin, null, Map.of("cursor", "not-a-cursor"));
        assertThat(body(badCursor).at("/error/field").asText()).isEqualTo("cursor");
        assertThat(body(call("GET", "/v1/webhooks/w/deliveries", admin, null, Map.of("limit", "201"))).at("/error/field").asText())
                .isEqualTo("limit");
        assertThat(call("PUT", "/v1/webhooks/w", ingest, subscription("['message.sent']"), Map.of()).status())
                .as("admin only").isEqualTo(403);
    }
}
