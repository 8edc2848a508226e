package io.nudge.functions.feedback;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.config.Tables;
import io.nudge.feedback.PhoneOptIn;
import io.nudge.feedback.RetryLater;
import io.nudge.guards.SuppressionReason;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.model.ConsentStatus;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.stats.Counter;
import io.nudge.stats.Subject;
import io.nudge.testing.MutableClock;
import io.nudge.testing.Samples;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The handler fed the raw payloads in events/ — every one with its effect — and bad ones. */
class ProcessFeedbackHandlerTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:05Z");
    private final List<String> optIns = new CopyOnWriteArrayList<>();
    private Services services;
    private ProcessFeedbackHandler handler;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        handler = handlerOver(services);
        new UserService(services.users(), clock).upsert("ada",
                json("{'email':'ada@example.com','phone':'+4915112345678','consent':{'sms':'opted_in'}}"));
    }

    private ProcessFeedbackHandler handlerOver(Services over) {
        PhoneOptIn optIn = number -> {
            optIns.add(number);
            return new PhoneOptIn.Result.OptedIn();
        };
        return new ProcessFeedbackHandler(over.feedback(optIn), over.deadLetters(), clock);
    }

    private static String event(String file) throws Exception {
        return Files.readString(Path.of(ProcessFeedbackHandlerTest.class.getResource("/events/" + file).toURI()));
    }

    private JsonNode invoke(String payload) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.MAPPER.readTree(out.toByteArray());
    }

    private void store(String id, Channel channel, MessageStatus status, String providerId) {
        Instant at = clock.instant().minusSeconds(5);
        Message message = new Message(id, "ada", "welcome", "e-" + id, channel, Priority.MARKETING, "welcome", status, Optional.empty(),
                Json.object(), Optional.empty(), Optional.empty(), Optional.of(providerId), Optional.of(at), Optional.empty(), at,
                List.of(new HistoryEntry(status, null, at)));
        services.dynamo().putItem(b -> b.tableName(services.tables().messages()).item(services.messages().toItem(message)));
    }

    private void storeTheSentEmail() {
        store(Samples.MESSAGE_ID, Channel.EMAIL, MessageStatus.SENT, Samples.SES_MESSAGE_ID);
    }

    private Message stored(String id) {
        return services.messages().find(id).orElseThrow();
    }

    private long count(Counter counter) {
        return services.stats().read(Subject.trigger("welcome"), null, null).stream()
                .mapToLong(day -> day.counts().getOrDefault(counter.wire(), 0L)).sum();
    }

    private List<Map<String, AttributeValue>> deadLetters() {
        return services.dynamo().scan(b -> b.tableName(services.tables().deadLetters())).items();
    }

    @Test
    void sns_ses_delivery_delivers() throws Exception {
        storeTheSentEmail();

        assertThat(invoke(event("sns-ses-delivery.json"))).isEqualTo(json("{'applied':1,'duplicates':0,'ignored':0,'deadLettered':0}"));
        assertThat(invoke(event("sns-ses-delivery.json")).get("duplicates").asInt()).isEqualTo(1);

        assertThat(stored(Samples.MESSAGE_ID).status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(count(Counter.DELIVERED)).isEqualTo(1);
    }

    @Test
    void sns_ses_bounce_permanent_bounces_and_suppresses() throws Exception {
        storeTheSentEmail();

        invoke(event("sns-ses-bounce-permanent.json"));
        invoke(event("sns-ses-bounce-permanent.json"));

        assertThat(stored(Samples.MESSAGE_ID).status()).isEqualTo(MessageStatus.BOUNCED);
        assertThat(services.suppressions().find(Channel.EMAIL, Samples.EMAIL))
                .hasValueSatisfying(s -> assertThat(s.reason()).isEqualTo(SuppressionReason.BOUNCED));
        assertThat(count(Counter.BOUNCED)).isEqualTo(1);
    }

    @Test
    void sns_ses_bounce_transient_is_noted_without_a_status_change() throws Exception {
        storeTheSentEmail();

        invoke(event("sns-ses-bounce-transient.json"));

        assertThat(stored(Samples.MESSAGE_ID).status()).isEqualTo(MessageStatus.SENT);
        assertThat(stored(Samples.MESSAGE_ID).history()).extracting(HistoryEntry::reason)
                .anySatisfy(r -> assertThat(r).startsWith("soft_bounce: Transient/MailboxFull"));
        assertThat(services.suppressions().find(Channel.EMAIL, Samples.EMAIL)).isEmpty();
    }

    @Test
    void sns_ses_complaint_complains_and_opts_out() throws Exception {
        storeTheSentEmail();

        invoke(event("sns-ses-complaint.json"));

        assertThat(stored(Samples.MESSAGE_ID).status()).isEqualTo(MessageStatus.COMPLAINED);
        assertThat(services.suppressions().find(Channel.EMAIL, Samples.EMAIL))
                .hasValueSatisfying(s -> assertThat(s.reason()).isEqualTo(SuppressionReason.COMPLAINED));
        assertThat(services.users().find("ada").orElseThrow().consent().get(Channel.EMAIL).status()).isEqualTo(ConsentStatus.OPTED_OUT);
    }

    @Test
    void sns_ses_open_and_click_are_engagement_notes() throws Exception {
        store(Samples.MESSAGE_ID, Channel.EMAIL, MessageStatus.DELIVERED, Samples.SES_MESSAGE_ID);

        invoke(event("sns-ses-open.json"));
        invoke(event("sns-ses-click.json"));

        assertThat(stored(Samples.MESSAGE_ID).status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(stored(Samples.MESSAGE_ID).history()).extracting(HistoryEntry::reason)
                .contains("opened", "clicked: https://acme.test/welcome");
        assertThat(count(Counter.OPENED)).isEqualTo(1);
        assertThat(count(Counter.CLICKED)).isEqualTo(1);
    }

    @Test
    void cwlogs_sms_receipt_delivers_the_sms() throws Exception {
        store("sms1", Channel.SMS, MessageStatus.SENT, Samples.SMS_PROVIDER_ID);

        assertThat(invoke(event("cwlogs-sms-receipt.json")).get("applied").asInt()).isEqualTo(1);

        assertThat(stored("sms1").status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(stored("sms1").reason()).contains("carrier: Message has been accepted by phone carrier");
    }

    @Test
    void sns_inbound_stop_and_start_change_sms_consent() throws Exception {
        invoke(event("sns-inbound-stop.json"));
        assertThat(services.users().find("ada").orElseThrow().consent().get(Channel.SMS).status()).isEqualTo(ConsentStatus.OPTED_OUT);

        invoke(event("sns-inbound-start.json"));
        assertThat(services.users().find("ada").orElseThrow().consent().get(Channel.SMS).status()).isEqualTo(ConsentStatus.OPTED_IN);
        assertThat(optIns).containsExactly(Samples.PHONE);
    }

    @Test
    void payloads_that_can_never_be_applied_are_dead_lettered_and_the_invocation_succeeds() throws Exception {
        String garbageMessage = event("sns-ses-delivery.json").replaceFirst("\"Message\": \"(\\\\.|[^\"])*\"", "\"Message\": \"garbage\"")
                .replace("b1e6c5a0-3f2d-5e4c-8b7a-0d1e2f3a4b5c", "another-sns-message-id");
        assertThat(garbageMessage).contains("\"Message\": \"garbage\"");
        List<String> bad = List.of(
                "not json at all",
                "{\"hello\":\"world\"}",
                garbageMessage,
                event("sns-ses-delivery.json"), // no message fbk4… is stored: a tag that names nothing
                "{\"awslogs\":{\"data\":\"bm90IGd6aXA=\"}}");

        for (String payload : bad) {
            assertThat(invoke(payload).get("deadLettered").asInt()).as(payload).isEqualTo(1);
        }

        assertThat(deadLetters()).hasSize(bad.size()).allSatisfy(item -> {
            assertThat(item.get("source").s()).isEqualTo("process-feedback");
            assertThat(item.get("reason").s()).isNotBlank();
        });
        assertThat(deadLetters()).anySatisfy(item -> {
            assertThat(item.get("reason").s()).isEqualTo("no message " + Samples.MESSAGE_ID);
            assertThat(item.get("payload").s()).isEqualTo(event("sns-ses-delivery.json"));
        });
    }

    @Test
    void a_transient_failure_is_thrown_for_lambda_to_retry_and_nothing_is_dead_lettered() throws Exception {
        // the message is still SENDING: deliver has not recorded SENT yet
        store(Samples.MESSAGE_ID, Channel.EMAIL, MessageStatus.SENDING, Samples.SES_MESSAGE_ID);
        assertThatThrownBy(() -> invoke(event("sns-ses-delivery.json"))).isInstanceOf(RetryLater.class);

        // DynamoDB failing (here: a Messages table that is not there)
        Tables t = services.tables();
        Services broken = Services.builder(TestDynamo.client(), new Tables(t.users(), t.events(), "no-such-table", t.definitions(), t.apiKeys(),
                t.deadLetters(), t.slots(), t.state(), t.suppressions(), t.stats(), t.journeys(), t.outbound(), t.webhookDeliveries())).clock(clock).build();
        handler = handlerOver(broken);
        assertThatThrownBy(() -> invoke(event("sns-ses-bounce-permanent.json"))).isInstanceOf(RuntimeException.class);

        assertThat(deadLetters()).isEmpty();
        // once deliver has recorded SENT, the retry applies it
        handler = handlerOver(services);
        store(Samples.MESSAGE_ID, Channel.EMAIL, MessageStatus.SENT, Samples.SES_MESSAGE_ID);
        assertThat(invoke(event("sns-ses-delivery.json")).get("applied").asInt()).isEqualTo(1);
        assertThat(stored(Samples.MESSAGE_ID).status()).isEqualTo(MessageStatus.DELIVERED);
    }
}
