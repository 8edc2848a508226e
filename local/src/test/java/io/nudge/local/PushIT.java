package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Push end to end through the local runner: tokens over HTTP, a push trigger, one outbox file per device. */
class PushIT extends LocalRunnerCase {
    private static final String FCM_TOKEN = "dGhpcy1pcy1hbi1mY20tdG9rZW4:APA91bF3xampleToken";
    private static final String APNS_TOKEN = "5c1f0a9be2d84c7f6a3b1e0d9c8b7a695c1f0a9be2d84c7f6a3b1e0d9c8b7a69";

    @BeforeEach
    void define() throws Exception {
        startRunner();
        api.call("PUT", "/v1/templates/cart", "{'channel':'push','title':'Still thinking, {{ user.attributes.first_name }}?',"
                + "'body':'{{ event.properties.count }} items are waiting','data':{'cartId':'{{ event.properties.cart }}'}}");
        api.call("PUT", "/v1/triggers/cart", "{'event':'cart_abandoned','channel':'push','template':'cart','quietHours':'off'}");
    }

    /** Posts an event and waits (with a deadline) until its message leaves the pipeline's transient states. */
    private JsonNode outcome(String userId, String eventName, String properties) throws Exception {
        String id = "ev-push-1";
        api.call("POST", "/v1/events", "{'id':'" + id + "','userId':'" + userId + "','name':'" + eventName + "','properties':" + properties + "}");
        return api.settled(userId, id);
    }

    private List<JsonNode> pushFiles() throws IOException {
        List<JsonNode> files = new ArrayList<>();
        try (Stream<Path> paths = Files.list(runner.outbox())) {
            for (Path path : paths.filter(p -> p.getFileName().toString().endsWith(".push.json")).sorted().toList()) {
                files.add(Json.parse(Files.readString(path)));
            }
        }
        return files;
    }

    private static JsonNode forPlatform(List<JsonNode> files, String platform) {
        return files.stream().filter(f -> f.get("platform").asText().equals(platform)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + platform + " push in " + files));
    }

    @Test
    void a_push_trigger_writes_the_fcm_and_the_apns_payload_for_each_device_of_the_user() throws Exception {
        JsonNode user = api.call("PUT", "/v1/users/ada", "{'attributes':{'first_name':'Ada'},'consent':{'push':'opted_in'},"
                + "'push':{'tokens':[{'platform':'fcm','token':'" + FCM_TOKEN + "'},{'platform':'apns','token':'" + APNS_TOKEN + "'}]}}");
        assertThat(user.at("/push/tokens/0/tokenSuffix").asText()).isEqualTo("pleToken");
        assertThat(user.toString()).doesNotContain(FCM_TOKEN).doesNotContain(APNS_TOKEN);

        JsonNode message = outcome("ada", "cart_abandoned", "{'count':2,'cart':'c-42'}");

        assertThat(message.get("status").asText()).as(message.toString()).isEqualTo("SENT");
        assertThat(message.get("to").asText()).isEqualTo("push: 2 device(s)");
        List<JsonNode> files = pushFiles();
        assertThat(files).hasSize(2);
        assertThat(files).allSatisfy(f -> {
            assertThat(f.get("messageId").asText()).isEqualTo(message.get("id").asText());
            assertThat(f.get("messageStructure").asText()).isEqualTo("json");
            assertThat(f.get("target").asText()).matches("local-(fcm|apns)-[a-z2-7]{26}");
            assertThat(f.toString()).doesNotContain(FCM_TOKEN).doesNotContain(APNS_TOKEN);
        });
        assertThat(files).extracting(f -> f.get("providerMessageId").asText()).contains(message.get("providerMessageId").asText());

        JsonNode fcm = forPlatform(files, "fcm");
        assertThat(fcm.get("payload")).isEqualTo(Json.parse("""
                {"fcmV1Message":{"message":{"notification":{"title":"Still thinking, Ada?","body":"2 items are waiting"},
                 "data":{"cartId":"c-42"}}}}"""));
        JsonNode fcmMessage = Json.parse(fcm.get("message").asText());
        assertThat(fcmMessage.fieldNames()).toIterable().containsExactlyInAnyOrder("default", "GCM");
        assertThat(Json.parse(fcmMessage.get("GCM").asText())).isEqualTo(fcm.get("payload"));

        JsonNode apns = forPlatform(files, "apns");
        assertThat(apns.get("payload")).isEqualTo(Json.parse("""
                {"aps":{"alert":{"title":"Still thinking, Ada?","body":"2 items are waiting"}},"cartId":"c-42"}"""));
        JsonNode apnsMessage = Json.parse(apns.get("message").asText());
        assertThat(apnsMessage.fieldNames()).toIterable().containsExactlyInAnyOrder("default", "APNS");
        assertThat(Json.parse(apnsMessage.get("APNS").asText())).isEqualTo(apns.get("payload"));
    }
}
