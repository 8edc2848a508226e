package io.nudge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.config.Tables;
import io.nudge.keys.Scope;
import io.nudge.model.Channel;
import io.nudge.model.ConsentStatus;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.unsubscribe.KeyRing;
import io.nudge.unsubscribe.UnsubscribeLinks;
import io.nudge.unsubscribe.UnsubscribeTokens;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Unsubscribe links through the API while the signing key rotates, with rings parsed as NUDGE_UNSUBSCRIBE_KEYS is
 * (Secrets Manager on AWS): a link signed with the previous key works while that key is still listed, and stops
 * working (a 400 page, never a 500) once it is removed.
 */
class UnsubscribeRotationTest {
    private static final String K1 = key(1);
    private static final String K2 = key(2);
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private final Tables tables = TestDynamo.freshTables();

    private static String key(int seed) {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) seed);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private Services services(String ring) {
        return Services.builder(TestDynamo.client(), tables).clock(clock).slotWidth(Duration.ofSeconds(60))
                .unsubscribe(new UnsubscribeLinks(new UnsubscribeTokens(KeyRing.parse(ring)), () -> "https://nudge.example")).build();
    }

    private static ApiResponse post(NudgeApi api, String url) {
        String query = url.substring(url.indexOf('?') + 1);
        String token = java.net.URLDecoder.decode(query.substring("token=".length()), StandardCharsets.UTF_8);
        return api.handle(new ApiRequest("POST", "/v1/unsubscribe", Map.of(), Map.of("token", token),
                Optional.of("List-Unsubscribe=One-Click".getBytes(StandardCharsets.UTF_8))));
    }

    private void optIn(Services services, String userId) {
        String ingest = services.apiKeys().create("backend", Scope.INGEST).secret();
        Map<String, String> headers = new HashMap<>(Map.of("authorization", "Bearer " + ingest));
        ApiResponse put = services.api(ApiSettings.defaults()).handle(new ApiRequest("PUT", "/v1/users/" + userId, headers, Map.of(),
                Optional.of("{\"consent\":{\"email\":\"opted_in\"}}".getBytes(StandardCharsets.UTF_8))));
        assertThat(put.status()).isEqualTo(200);
    }

    private ConsentStatus consent(Services services, String userId) {
        return services.users().find(userId).orElseThrow().consent().get(Channel.EMAIL).status();
    }

    @Test
    void a_link_signed_with_the_previous_key_still_unsubscribes_during_rotation() {
        Services before = services("k1:" + K1);
        optIn(before, "rot-1");
        String oldLink = before.unsubscribe().url("rot-1", Channel.EMAIL);

        Services during = services("k2:" + K2 + ",k1:" + K1);
        assertThat(during.unsubscribe().url("rot-1", Channel.EMAIL)).as("new links use the new key").contains("v1.k2.");
        ApiResponse response = post(during.api(ApiSettings.defaults()), oldLink);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(consent(during, "rot-1")).isEqualTo(ConsentStatus.OPTED_OUT);
    }

    @Test
    void a_link_signed_with_a_removed_key_is_a_400_page_and_changes_nothing() {
        Services before = services("k1:" + K1);
        optIn(before, "rot-2");
        String oldLink = before.unsubscribe().url("rot-2", Channel.EMAIL);

        Services after = services("k2:" + K2);
        NudgeApiTest.assertInvalidLinkPage(post(after.api(ApiSettings.defaults()), oldLink));
        assertThat(consent(after, "rot-2")).isEqualTo(ConsentStatus.OPTED_IN);
    }

    @Test
    void a_token_signed_with_a_foreign_key_under_a_known_key_id_is_a_400_page() {
        Services ours = services("k1:" + K1);
        optIn(ours, "rot-3");
        String forged = services("k1:" + K2).unsubscribe().url("rot-3", Channel.EMAIL);

        NudgeApiTest.assertInvalidLinkPage(post(ours.api(ApiSettings.defaults()), forged));
        assertThat(consent(ours, "rot-3")).isEqualTo(ConsentStatus.OPTED_IN);
    }
}
