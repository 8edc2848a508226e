package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.channel.EmailMessage;
import io.nudge.channel.SmsMessage;
import io.nudge.channel.outbox.OutboxEmailSender;
import io.nudge.channel.outbox.OutboxSmsSender;
import io.nudge.json.Json;
import io.nudge.keys.ApiKeys;
import io.nudge.keys.Scope;
import io.nudge.model.Priority;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.Services;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox read back as a person sees it: written by the real outbox senders, newest first. */
class LocalOutboxTest {
    @TempDir
    Path outbox;

    @Test
    void lists_emails_and_sms_newest_first_with_their_decoded_parts() throws Exception {
        MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");
        new OutboxEmailSender(outbox, clock).send(new EmailMessage("aaaaaaaaaaaaaaaaaaaaaaaaaa", "welcome", "Nudge <hello@nudge.example>",
                "ada@example.org", "Grüße, Ada <3", Optional.of("<p>Hello <b>Ada</b></p>"), Optional.of("Hello Ada"),
                Priority.MARKETING));
        Files.setLastModifiedTime(outbox.resolve("aaaaaaaaaaaaaaaaaaaaaaaaaa.eml"), FileTime.fromMillis(1_000));
        new OutboxSmsSender(outbox, clock).send(new SmsMessage("bbbbbbbbbbbbbbbbbbbbbbbbbb", "cart", "+4915112345678",
                "Your cart is waiting 🛒", Priority.TRANSACTIONAL));
        Files.setLastModifiedTime(outbox.resolve("bbbbbbbbbbbbbbbbbbbbbbbbbb.sms.json"), FileTime.fromMillis(2_000));
        Files.writeString(outbox.resolve(".cccc.eml.123.tmp"), "half written");

        JsonNode listed = new LocalOutbox(outbox).newest(10);

        assertThat(listed.get("total").asInt()).isEqualTo(2);
        JsonNode sms = listed.get("items").get(0);
        assertThat(sms.get("channel").asText()).isEqualTo("sms");
        assertThat(sms.get("messageId").asText()).isEqualTo("bbbbbbbbbbbbbbbbbbbbbbbbbb");
        assertThat(sms.get("body").asText()).isEqualTo("Your cart is waiting 🛒");
        assertThat(sms.get("encoding").asText()).isEqualTo("UCS_2");
        assertThat(sms.get("segments").asInt()).isEqualTo(1);
        JsonNode email = listed.get("items").get(1);
        assertThat(email.get("channel").asText()).isEqualTo("email");
        assertThat(email.get("subject").asText()).isEqualTo("Grüße, Ada <3");
        assertThat(email.get("to").asText()).isEqualTo("ada@example.org");
        assertThat(email.get("html").asText()).isEqualTo("<p>Hello <b>Ada</b></p>");
        assertThat(email.get("text").asText()).isEqualTo("Hello Ada");

        assertThat(new LocalOutbox(outbox).newest(1).get("items")).hasSize(1);
        assertThat(new LocalOutbox(outbox.resolve("missing")).newest(5).get("total").asInt()).isZero();
    }

    @Test
    void the_outbox_route_needs_an_admin_key_and_is_absent_when_sending_through_aws() throws Exception {
        Services services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(MutableClock.at("2026-12-07T10:00:00Z")).build();
        ApiKeys keys = services.apiKeys();
        String admin = keys.create("admin", Scope.ADMIN).secret();
        String ingest = keys.create("backend", Scope.INGEST).secret();
        LocalFeedbackEndpoints local = new LocalFeedbackEndpoints(keys, (in, out, context) -> { }, false,
                Optional.of(new LocalOutbox(outbox)));

        assertThat(local.handle("GET", "/local/outbox", "", Map.of(), new byte[0]).status()).isEqualTo(401);
        assertThat(local.handle("GET", "/local/outbox", "", Map.of("authorization", "Bearer " + ingest), new byte[0]).status()).isEqualTo(403);
        LocalFeedbackEndpoints.Response ok = local.handle("GET", "/local/outbox", "limit=5", Map.of("authorization", "Bearer " + admin), new byte[0]);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(Json.parse(ok.body()).get("items").isArray()).isTrue();
        LocalFeedbackEndpoints.Response bad = local.handle("GET", "/local/outbox", "limit=0", Map.of("authorization", "Bearer " + admin), new byte[0]);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(Json.parse(bad.body()).at("/error/field").asText()).isEqualTo("limit");
        assertThat(local.handle("POST", "/local/outbox", "", Map.of("authorization", "Bearer " + admin), new byte[0]).status()).isEqualTo(405);

        LocalFeedbackEndpoints aws = new LocalFeedbackEndpoints(keys, (in, out, context) -> { }, false, Optional.empty());
        assertThat(aws.handle("GET", "/local/outbox", "", Map.of("authorization", "Bearer " + admin), new byte[0]).status()).isEqualTo(404);
    }
}
