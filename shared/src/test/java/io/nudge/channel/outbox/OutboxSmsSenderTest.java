package io.nudge.channel.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.channel.SendOutcome;
import io.nudge.channel.SmsMessage;
import io.nudge.json.Json;
import io.nudge.model.Priority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxSmsSenderTest {
    static final String MESSAGE_ID = "m3n4o5p6q7r2s3t4u5v6w7x2yz";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-03T09:15:07Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    Path outbox() {
        return dir.resolve("outbox");
    }

    static SmsMessage sms(Priority priority) {
        return new SmsMessage(MESSAGE_ID, "otp-login", "+14155550123", "Dein Code: 482913 — gültig 10 Min.", priority);
    }

    JsonNode written() throws IOException {
        return Json.parse(Files.readString(outbox().resolve(MESSAGE_ID + ".sms.json")));
    }

    @Test
    void sms_is_written_as_message_id_sms_json_with_every_field() throws IOException {
        SendOutcome outcome = new OutboxSmsSender(outbox(), CLOCK, () -> "local-sms-1").send(sms(Priority.TRANSACTIONAL));

        assertThat(outcome).isEqualTo(new SendOutcome.Accepted("local-sms-1"));
        assertThat(written()).isEqualTo(Json.parse("""
                {"messageId":"m3n4o5p6q7r2s3t4u5v6w7x2yz",
                 "triggerId":"otp-login",
                 "providerMessageId":"local-sms-1",
                 "to":"+14155550123",
                 "body":"Dein Code: 482913 — gültig 10 Min.",
                 "smsType":"Transactional",
                 "sentAt":"2025-06-03T09:15:07Z"}"""));
    }

    @Test
    void marketing_sms_is_recorded_as_promotional() throws IOException {
        new OutboxSmsSender(outbox(), CLOCK).send(sms(Priority.MARKETING));

        assertThat(written().path("smsType").asText()).isEqualTo("Promotional");
        assertThat(written().path("providerMessageId").asText()).startsWith("local-");
    }

    @Test
    void only_the_finished_file_is_left_in_a_freshly_created_outbox() throws IOException {
        new OutboxSmsSender(outbox(), CLOCK).send(sms(Priority.MARKETING));

        try (Stream<Path> files = Files.list(outbox())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(MESSAGE_ID + ".sms.json");
        }
    }

    @Test
    void an_outbox_that_cannot_be_a_folder_is_retryable() throws IOException {
        Files.writeString(outbox(), "a file where the folder should be");

        SendOutcome outcome = new OutboxSmsSender(outbox(), CLOCK).send(sms(Priority.MARKETING));

        assertThat(outcome).isInstanceOf(SendOutcome.Unavailable.class);
    }
}
