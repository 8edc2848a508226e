package io.nudge.channel.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.channel.PushMessage;
import io.nudge.channel.PushPlatform;
import io.nudge.json.Json;
import io.nudge.model.Priority;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushPayloadsTest {
    static PushMessage push(PushPlatform platform, Map<String, String> data) {
        return new PushMessage("k7q2m4x5ab3cdefghij6klmnop", "cart-reminder", "arn:aws:sns:us-east-1:123456789012:endpoint/x",
                platform, "Still thinking?", "Your cart misses you \"Ada\"", data, Priority.MARKETING);
    }

    static Map<String, String> cartData() {
        // Inserted out of order: the payload lists them sorted either way.
        Map<String, String> data = new LinkedHashMap<>();
        data.put("items", "2");
        data.put("cartId", "c-42");
        return data;
    }

    @Test
    void fcm_message_is_default_plus_a_gcm_string_holding_the_fcm_v1_message() {
        String message = PushPayloads.snsMessage(push(PushPlatform.FCM, cartData()));

        assertThat(message).isEqualTo("{\"default\":\"Your cart misses you \\\"Ada\\\"\",\"GCM\":\"{\\\"fcmV1Message\\\":"
                + "{\\\"message\\\":{\\\"notification\\\":{\\\"title\\\":\\\"Still thinking?\\\",\\\"body\\\":"
                + "\\\"Your cart misses you \\\\\\\"Ada\\\\\\\"\\\"},\\\"data\\\":{\\\"cartId\\\":\\\"c-42\\\","
                + "\\\"items\\\":\\\"2\\\"}}}}\"}");
    }

    @Test
    void the_gcm_string_decodes_to_the_documented_fcm_v1_shape_with_string_data_values() throws IOException {
        JsonNode message = Json.parse(PushPayloads.snsMessage(push(PushPlatform.FCM, cartData())));

        assertThat(message.fieldNames()).toIterable().containsExactly("default", "GCM");
        assertThat(message.get("GCM").isTextual()).isTrue();
        JsonNode gcm = Json.parse(message.get("GCM").asText());
        assertThat(gcm).isEqualTo(Json.parse("""
                {"fcmV1Message":{"message":{
                  "notification":{"title":"Still thinking?","body":"Your cart misses you \\"Ada\\""},
                  "data":{"cartId":"c-42","items":"2"}}}}"""));
        assertThat(gcm.at("/fcmV1Message/message/data/items").isTextual()).isTrue();
    }

    @Test
    void fcm_without_data_has_no_data_object() throws IOException {
        JsonNode gcm = Json.parse(Json.parse(PushPayloads.snsMessage(push(PushPlatform.FCM, Map.of()))).get("GCM").asText());

        assertThat(gcm).isEqualTo(Json.parse("""
                {"fcmV1Message":{"message":{"notification":{"title":"Still thinking?","body":"Your cart misses you \\"Ada\\""}}}}"""));
    }

    @Test
    void apns_message_is_default_plus_an_apns_string_with_alert_and_data_as_custom_keys() {
        String message = PushPayloads.snsMessage(push(PushPlatform.APNS, cartData()));

        assertThat(message).isEqualTo("{\"default\":\"Your cart misses you \\\"Ada\\\"\",\"APNS\":\"{\\\"aps\\\":"
                + "{\\\"alert\\\":{\\\"title\\\":\\\"Still thinking?\\\",\\\"body\\\":\\\"Your cart misses you "
                + "\\\\\\\"Ada\\\\\\\"\\\"}},\\\"cartId\\\":\\\"c-42\\\",\\\"items\\\":\\\"2\\\"}\"}");
    }

    @Test
    void apns_sandbox_uses_the_sandbox_key_and_the_same_payload() throws IOException {
        JsonNode message = Json.parse(PushPayloads.snsMessage(push(PushPlatform.APNS_SANDBOX, cartData())));

        assertThat(message.fieldNames()).toIterable().containsExactly("default", "APNS_SANDBOX");
        assertThat(Json.parse(message.get("APNS_SANDBOX").asText())).isEqualTo(Json.parse("""
                {"aps":{"alert":{"title":"Still thinking?","body":"Your cart misses you \\"Ada\\""}},
                 "cartId":"c-42","items":"2"}"""));
        assertThat(Json.parse(message.get("APNS_SANDBOX").asText()).get("items").isTextual()).isTrue();
    }

    @Test
    void sns_keys_and_wire_names_per_platform() {
        assertThat(PushPayloads.snsKey(PushPlatform.FCM)).isEqualTo("GCM");
        assertThat(PushPayloads.snsKey(PushPlatform.APNS)).isEqualTo("APNS");
        assertThat(PushPayloads.snsKey(PushPlatform.APNS_SANDBOX)).isEqualTo("APNS_SANDBOX");
        assertThat(PushPlatform.APNS_SANDBOX.wire()).isEqualTo("apns_sandbox");
        assertThat(PushPlatform.fromWire("fcm")).contains(PushPlatform.FCM);
        assertThat(PushPlatform.fromWire("APNS")).isEmpty();
    }

    @Test
    void data_keys_reserved_by_fcm_or_apns_are_refused() {
        for (String key : new String[] {"aps", "from", "message_type", "google.sent_time", "gcm.notification.title", ""}) {
            assertThatThrownBy(() -> push(PushPlatform.FCM, Map.of(key, "x")))
                    .as(key).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        }
    }

    @Test
    void a_push_message_never_shows_its_target() {
        assertThat(push(PushPlatform.APNS, Map.of()).toString()).doesNotContain("arn:").contains("apns");
    }
}
