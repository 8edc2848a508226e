package io.nudge.outbound;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.Channels;
import io.nudge.deliver.DeliverService;
import io.nudge.definitions.DefinitionService;
import io.nudge.evaluate.EvaluateService;
import io.nudge.guards.GuardSettings;
import io.nudge.model.Channel;
import io.nudge.model.ConsentStatus;
import io.nudge.model.Event;
import io.nudge.model.Message;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingPush;
import io.nudge.testing.RecordingSenders;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where outbound records come from, against DynamoDB Local: written by the change only for types someone wants, and
 * written again (the same id) by the retry that finds its change already applied, as after a crash between the two.
 */
class OutboundRecordsTest {
    private final MutableClock clock = MutableClock.at("2026-12-08T10:00:00Z");
    private final RecordingSenders senders = new RecordingSenders();
    private Services services;
    private DeliverService deliver;
    private EvaluateService evaluate;
    private int events;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("welcome", json("{'channel':'email','subject':'Hi','text':'Welcome'}"));
        definitions.putTrigger("welcome", json("{'event':'signed_up','channel':'email','template':'welcome','quietHours':'off',"
                + "'priority':'transactional'}"));
        new UserService(services.users(), clock).upsert("ada", json("{'email':'ada@example.com'}"));
        evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        RecordingPush push = new RecordingPush();
        deliver = services.deliver(new Channels(senders, senders, push, push, "from@example.com"), GuardSettings.defaults());
        deliver.refreshDefinitions();
    }

    private void subscribe(OutboundType... types) {
        services.subscriptions().put(new Subscription("warehouse", "https://hooks.example.com/nudge", EnumSet.copyOf(List.of(types)),
                true, false, "whsec_test", Optional.empty(), Optional.empty(), clock.instant(), clock.instant()));
    }

    private Message ready() {
        Event event = new Event("evt-" + ++events, "ada", "signed_up", (ObjectNode) json("{}"), clock.instant(), clock.instant());
        evaluate.evaluate(event);
        return services.messages().forUser("ada", 10).stream().filter(m -> m.eventId().equals(event.id())).findFirst()
                .flatMap(m -> services.messages().find(m.id())).orElseThrow();
    }

    private Map<OutboundType, OutboundEvent> recorded() {
        return services.outboundStore().of("ada").stream().collect(Collectors.toMap(OutboundEvent::type, e -> e));
    }

    private void forget(OutboundEvent event) {
        services.dynamo().deleteItem(b -> b.tableName(services.tables().outbound()).key(Map.of(
                "userId", io.nudge.store.AttributeValues.s(event.userId()), "id", io.nudge.store.AttributeValues.s(event.id()))));
    }

    @Test
    void nothing_is_recorded_for_a_type_no_enabled_subscription_wants() {
        subscribe(OutboundType.MESSAGE_BOUNCED);
        Message message = ready();

        deliver.inBatch(() -> deliver.deliver(message));

        assertThat(services.outboundStore().of("ada")).isEmpty();
    }

    @Test
    void a_send_is_recorded_once_and_a_retry_after_a_crash_before_the_put_records_it_again_with_the_same_id() {
        subscribe(OutboundType.MESSAGE_SENT);
        Message message = ready();

        deliver.inBatch(() -> deliver.deliver(message));
        OutboundEvent sent = recorded().get(OutboundType.MESSAGE_SENT);
        assertThat(sent).isNotNull();
        assertThat(sent.messageId()).contains(message.id());
        assertThat(sent.address()).contains("ada@example.com");
        assertThat(sent.data().get("providerMessageId").asText()).isNotEmpty();

        // the crash: the message is SENT, its record was never written; the stream hands the READY image over again
        forget(sent);
        clock.advance(Duration.ofSeconds(30));
        deliver.inBatch(() -> deliver.deliver(message));

        assertThat(senders.emails).as("sent once").hasSize(1);
        OutboundEvent repaired = recorded().get(OutboundType.MESSAGE_SENT);
        assertThat(repaired.id()).isEqualTo(sent.id());
        assertThat(repaired.occurredAt()).as("the time of the change, not of the repair").isEqualTo(sent.occurredAt());
        assertThat(repaired.toJson(true)).isEqualTo(sent.toJson(true));
    }

    @Test
    void a_guards_verdict_is_recorded_and_repaired_the_same_way() {
        subscribe(OutboundType.MESSAGE_SUPPRESSED);
        services.suppressions().put(new io.nudge.guards.Suppression(Channel.EMAIL, "ada@example.com",
                io.nudge.guards.SuppressionReason.MANUAL, "test", clock.instant()));
        Message message = ready();

        deliver.inBatch(() -> deliver.deliver(message));
        OutboundEvent suppressed = recorded().get(OutboundType.MESSAGE_SUPPRESSED);
        assertThat(suppressed.data().get("reason").asText()).isEqualTo("suppressed");
        forget(suppressed);
        deliver.inBatch(() -> deliver.deliver(message));

        assertThat(recorded().get(OutboundType.MESSAGE_SUPPRESSED).id()).isEqualTo(suppressed.id());
    }

    @Test
    void a_consent_change_is_recorded_and_a_repeat_within_the_hour_records_it_again_but_not_later() {
        subscribe(OutboundType.USER_UNSUBSCRIBED, OutboundType.USER_SUBSCRIBED);
        UserService users = new UserService(services.users(), clock, io.nudge.channel.PushEndpoints.notConfigured(), services.outbound());

        users.setConsent("ada", Channel.EMAIL, ConsentStatus.OPTED_OUT, "unsubscribe");
        OutboundEvent out = recorded().get(OutboundType.USER_UNSUBSCRIBED);
        assertThat(out.channel()).contains(Channel.EMAIL);
        assertThat(out.data().get("source").asText()).isEqualTo("unsubscribe");

        forget(out);
        clock.advance(Duration.ofMinutes(10));
        users.setConsent("ada", Channel.EMAIL, ConsentStatus.OPTED_OUT, "unsubscribe"); // the retried request
        assertThat(recorded().get(OutboundType.USER_UNSUBSCRIBED).id()).isEqualTo(out.id());

        forget(out);
        clock.advance(Duration.ofHours(2));
        users.setConsent("ada", Channel.EMAIL, ConsentStatus.OPTED_OUT, "unsubscribe");
        assertThat(recorded()).as("an old change is not news").isEmpty();

        users.upsert("ada", json("{'consent':{'email':'opted_in'}}"));
        assertThat(recorded().keySet()).isEqualTo(Set.of(OutboundType.USER_SUBSCRIBED));
    }
}
