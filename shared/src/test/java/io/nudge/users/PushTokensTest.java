package io.nudge.users;

import static io.nudge.channel.PushPlatform.APNS;
import static io.nudge.channel.PushPlatform.FCM;
import static io.nudge.testing.RecordingPush.target;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.api.ApiRequest;
import io.nudge.api.ApiResponse;
import io.nudge.api.NudgeApi;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.model.PushToken;
import io.nudge.model.UserProfile;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingPush;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code PUT /v1/users/{id}} with {@code push.tokens}, through the API, against DynamoDB Local. */
class PushTokensTest {
    private static final String FCM_TOKEN = "fcm:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx";
    private static final String APNS_TOKEN = "7f3a9c2e4b1d8f6a0c5e3b9d7f1a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a";
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private final RecordingPush push = new RecordingPush();
    private Services services;
    private String key;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        key = services.apiKeys().create("backend", Scope.INGEST).secret();
    }

    private ApiResponse put(NudgeApi api, String userId, String body) {
        return api.handle(new ApiRequest("PUT", "/v1/users/" + userId, Map.of("authorization", "Bearer " + key), Map.of(),
                Optional.of(body.replace('\'', '"').getBytes(StandardCharsets.UTF_8))));
    }

    private ApiResponse put(String userId, String body) {
        return put(services.api(ApiSettings.defaults().withPush(push)), userId, body);
    }

    private static String tokens(String... platformAndToken) {
        return "{'push':{'tokens':[" + IntStream.range(0, platformAndToken.length / 2)
                .mapToObj(i -> "{'platform':'" + platformAndToken[2 * i] + "','token':'" + platformAndToken[2 * i + 1] + "'}")
                .collect(Collectors.joining(",")) + "]}}";
    }

    private List<PushToken> stored(String userId) {
        return services.users().find(userId).map(UserProfile::pushTokens).orElse(List.of());
    }

    private static JsonNode json(ApiResponse response) {
        try {
            return Json.parse(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    private static void assertError(ApiResponse response, String code, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(json(response).at("/error/code").asText()).isEqualTo(code);
        assertThat(json(response).at("/error/field").asText()).isEqualTo(field);
    }

    @Test
    void tokens_are_registered_stored_with_their_targets_and_shown_only_by_their_last_characters() {
        ApiResponse response = put("ada", tokens("fcm", FCM_TOKEN, "apns", APNS_TOKEN));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode shown = json(response).at("/push/tokens");
        assertThat(shown).hasSize(2);
        assertThat(shown.get(0).get("platform").asText()).isEqualTo("fcm");
        assertThat(shown.get(0).get("tokenSuffix").asText()).isEqualTo("UH-1RYqx");
        assertThat(shown.get(1).get("platform").asText()).isEqualTo("apns");
        assertThat(shown.get(1).get("tokenSuffix").asText()).isEqualTo("0b2d4f6a");
        assertThat(shown.get(0).size()).isEqualTo(2);
        assertThat(response.body()).doesNotContain(FCM_TOKEN).doesNotContain(APNS_TOKEN).doesNotContain("endpoint/");
        assertThat(push.registered).containsExactly(
                new RecordingPush.Registration(FCM, FCM_TOKEN, "ada"), new RecordingPush.Registration(APNS, APNS_TOKEN, "ada"));
        assertThat(stored("ada")).containsExactly(
                new PushToken(FCM, FCM_TOKEN, target(FCM, FCM_TOKEN)), new PushToken(APNS, APNS_TOKEN, target(APNS, APNS_TOKEN)));
    }

    @Test
    void a_new_list_replaces_the_old_registering_only_new_tokens_and_deleting_dropped_ones() {
        put("ada", tokens("fcm", "token-a", "fcm", "token-b"));

        ApiResponse response = put("ada", tokens("fcm", "token-b", "apns", "token-c"));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(push.registered).extracting(RecordingPush.Registration::token).containsExactly("token-a", "token-b", "token-c");
        assertThat(push.deleted).containsExactly(target(FCM, "token-a"));
        assertThat(stored("ada")).extracting(PushToken::token).containsExactly("token-b", "token-c");
    }

    @Test
    void an_update_without_push_keeps_the_devices_and_push_null_removes_them_all() {
        put("ada", tokens("fcm", "token-a", "apns", "token-b"));

        put("ada", "{'timezone':'Europe/Berlin'}");
        assertThat(stored("ada")).hasSize(2);
        assertThat(push.deleted).isEmpty();

        put("ada", "{'push':null}");
        assertThat(stored("ada")).isEmpty();
        assertThat(push.deleted).containsExactlyInAnyOrder(target(FCM, "token-a"), target(APNS, "token-b"));
    }

    @Test
    void a_token_listed_twice_is_one_device() {
        put("ada", tokens("fcm", "token-a", "fcm", "token-a"));

        assertThat(stored("ada")).hasSize(1);
        assertThat(push.registered).hasSize(1);
    }

    @Test
    void bad_platforms_and_tokens_are_400_naming_the_field_and_change_nothing() {
        put("ada", tokens("fcm", "token-a"));

        assertError(put("ada", tokens("fcm", "ok", "gcm", "token-b")), "invalid_field", "/push/tokens/1/platform");
        assertError(put("ada", tokens("fcm", "")), "invalid_field", "/push/tokens/0/token");
        assertError(put("ada", tokens("apns", "has space")), "invalid_field", "/push/tokens/0/token");
        assertError(put("ada", tokens("apns", "x".repeat(4097))), "invalid_field", "/push/tokens/0/token");
        assertError(put("ada", "{'push':{'tokens':[{'platform':'fcm'}]}}"), "missing_field", "/push/tokens/0/token");
        assertError(put("ada", "{'push':{'tokens':[{'platform':'fcm','token':'t','app':'x'}]}}"), "unknown_field", "/push/tokens/0/app");
        assertError(put("ada", "{'push':{'tokens':'t'}}"), "invalid_field", "/push/tokens");
        assertError(put("ada", "{'push':{}}"), "missing_field", "/push/tokens");
        String eleven = tokens(IntStream.range(0, 11).boxed().flatMap(i -> java.util.stream.Stream.of("fcm", "token-" + i)).toArray(String[]::new));
        assertError(put("ada", eleven), "invalid_field", "/push/tokens");

        assertThat(put("ada", tokens("fcm", "x".repeat(4096))).status()).isEqualTo(200);
        assertThat(push.registered).extracting(RecordingPush.Registration::token).containsExactly("token-a", "x".repeat(4096));
    }

    @Test
    void a_platform_without_configuration_is_400_push_not_configured_naming_the_field() {
        RecordingPush fcmOnly = new RecordingPush(EnumSet.of(FCM));

        ApiResponse response = put(services.api(ApiSettings.defaults().withPush(fcmOnly)), "ada", tokens("fcm", "token-a", "apns", APNS_TOKEN));

        assertError(response, "push_not_configured", "/push/tokens/1/platform");
        assertThat(response.body()).doesNotContain(APNS_TOKEN).doesNotContain("NUDGE_PUSH_APP_ARN");
        assertThat(services.users().find("ada")).isEmpty();
    }

    @Test
    void without_push_endpoints_the_api_refuses_tokens_as_not_configured() {
        assertError(put(services.api(ApiSettings.defaults()), "ada", tokens("fcm", "token-a")), "push_not_configured", "/push/tokens/0/platform");
        assertThat(put(services.api(ApiSettings.defaults()), "ada", "{'email':'ada@example.com'}").status()).isEqualTo(200);
    }

    @Test
    void a_token_the_provider_refuses_is_400_on_the_token_without_quoting_it() {
        push.refuse(APNS_TOKEN);

        ApiResponse response = put("ada", tokens("fcm", "token-a", "apns", APNS_TOKEN));

        assertError(response, "invalid_field", "/push/tokens/1/token");
        assertThat(response.body()).doesNotContain(APNS_TOKEN);
        assertThat(stored("ada")).isEmpty();
    }

    @Test
    void removing_a_disabled_target_drops_only_that_device_and_deletes_its_endpoint() {
        put("ada", tokens("fcm", "token-a", "apns", "token-b"));
        UserService users = new UserService(services.users(), clock, push);

        users.removePushTarget("ada", target(FCM, "token-a"));

        assertThat(stored("ada")).extracting(PushToken::token).containsExactly("token-b");
        assertThat(push.deleted).containsExactly(target(FCM, "token-a"));
        users.removePushTarget("ada", target(FCM, "token-a"));
        assertThat(stored("ada")).hasSize(1);
    }

    @Test
    void a_push_token_never_shows_in_its_string_form() {
        assertThat(new PushToken(APNS, APNS_TOKEN, "arn:aws:sns:eu-west-1:1:endpoint/APNS/app/x").toString())
                .doesNotContain(APNS_TOKEN).doesNotContain("arn:");
    }
}
