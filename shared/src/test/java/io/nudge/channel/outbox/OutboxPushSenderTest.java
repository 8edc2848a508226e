package io.nudge.channel.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.PushMessage;
import io.nudge.channel.PushPlatform;
import io.nudge.channel.SendOutcome;
import io.nudge.channel.push.PushPayloads;
import io.nudge.json.Json;
import io.nudge.model.Priority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxPushSenderTest {
    static final String MESSAGE_ID = "p3n4o5p6q7r2s3t4u5v6w7x2yz";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-03T09:15:07Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    Path outbox() {
        return dir.resolve("outbox");
    }

    static PushMessage push(PushPlatform platform) {
        return new PushMessage(MESSAGE_ID, "cart-reminder", "local-token-7f3a", platform, "Still thinking?",
                "Dein Warenkorb wartet — 2 Artikel", Map.of("cartId", "c-42"), Priority.TRANSACTIONAL);
    }

    JsonNode written() throws IOException {
        try (Stream<Path> files = Files.list(outbox())) {
            return Json.parse(Files.readString(files.filter(p -> p.getFileName().toString().endsWith(".push.json")).findFirst().orElseThrow()));
        }
    }

    @Test
    void push_is_written_as_message_id_push_json_with_what_sns_would_get_and_a_readable_payload() throws IOException {
        SendOutcome outcome = new OutboxPushSender(outbox(), CLOCK, () -> "local-push-1").send(push(PushPlatform.FCM));

        assertThat(outcome).isEqualTo(new SendOutcome.Accepted("local-push-1"));
        ObjectNode expected = (ObjectNode) Json.parse("""
                {"messageId":"p3n4o5p6q7r2s3t4u5v6w7x2yz",
                 "triggerId":"cart-reminder",
                 "providerMessageId":"local-push-1",
                 "target":"local-token-7f3a",
                 "platform":"fcm",
                 "priority":"transactional",
                 "messageStructure":"json",
                 "message":"",
                 "sentAt":"2025-06-03T09:15:07Z",
                 "payload":{"fcmV1Message":{"message":{
                   "notification":{"title":"Still thinking?","body":"Dein Warenkorb wartet — 2 Artikel"},
                   "data":{"cartId":"c-42"}}}}}""");
        // The exact SNS message is asserted in PushPayloadsTest; here it only has to be the same string.
        expected.put("message", PushPayloads.snsMessage(push(PushPlatform.FCM)));
        assertThat(written()).isEqualTo(expected);
    }

    @Test
    void the_message_field_is_exactly_the_sns_message() throws IOException {
        new OutboxPushSender(outbox(), CLOCK).send(push(PushPlatform.APNS_SANDBOX));

        JsonNode message = Json.parse(written().get("message").asText());
        assertThat(message.fieldNames()).toIterable().containsExactly("default", "APNS_SANDBOX");
        assertThat(Json.parse(message.get("APNS_SANDBOX").asText())).isEqualTo(written().get("payload"));
        assertThat(written().path("providerMessageId").asText()).startsWith("local-");
    }

    @Test
    void only_the_finished_file_is_left_in_a_freshly_created_outbox() throws IOException {
        new OutboxPushSender(outbox(), CLOCK).send(push(PushPlatform.APNS));

        try (Stream<Path> files = Files.list(outbox())) {
            assertThat(files.map(p -> p.getFileName().toString())).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .matches(MESSAGE_ID + "\\.apns-[a-z2-7]{10}\\.push\\.json");
        }
    }

    @Test
    void each_device_of_a_message_gets_its_own_file() throws IOException {
        OutboxPushSender sender = new OutboxPushSender(outbox(), CLOCK);
        PushMessage first = push(PushPlatform.FCM);
        PushMessage second = new PushMessage(MESSAGE_ID, "cart-reminder", "local-token-9b1c", PushPlatform.FCM, first.title(),
                first.body(), first.data(), first.priority());

        sender.send(first);
        sender.send(second);

        try (Stream<Path> files = Files.list(outbox())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).hasSize(2)
                    .allMatch(name -> name.startsWith(MESSAGE_ID + ".fcm-") && name.endsWith(".push.json"))
                    .noneMatch(name -> name.contains("local-token"));
        }
    }

    @Test
    void an_outbox_that_cannot_be_a_folder_is_retryable() throws IOException {
        Files.writeString(outbox(), "a file where the folder should be");

        assertThat(new OutboxPushSender(outbox(), CLOCK).send(push(PushPlatform.FCM))).isInstanceOf(SendOutcome.Unavailable.class);
    }
}
