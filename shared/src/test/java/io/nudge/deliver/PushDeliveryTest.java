package io.nudge.deliver;

import static io.nudge.channel.PushPlatform.APNS;
import static io.nudge.channel.PushPlatform.FCM;
import static io.nudge.testing.Fixtures.json;
import static io.nudge.testing.RecordingPush.target;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.Channels;
import io.nudge.channel.PushMessage;
import io.nudge.channel.SendOutcome;
import io.nudge.definitions.DefinitionService;
import io.nudge.evaluate.EvaluateService;
import io.nudge.guards.GuardSettings;
import io.nudge.messages.MessageJson;
import io.nudge.model.Channel;
import io.nudge.model.Event;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.model.PushToken;
import io.nudge.model.UserProfile;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingPush;
import io.nudge.testing.RecordingSenders;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Push through DeliverService: one send per device, one outcome per message, dead devices forgotten. */
class PushDeliveryTest {
    private static final String FCM_TOKEN = "fcm-token-of-adas-phone";
    private static final String APNS_TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private final RecordingSenders senders = new RecordingSenders();
    private final RecordingPush push = new RecordingPush();
    private Services services;
    private DeliverService deliver;
    private EvaluateService evaluate;
    private UserService users;
    private int events;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("cart", json("{'channel':'push','title':'Still thinking, {{ user.attributes.first_name }}?',"
                + "'body':'{{ event.properties.count }} items are waiting','data':{'cartId':'{{ event.properties.cart }}'}}"));
        definitions.putTrigger("cart", json("{'event':'cart_abandoned','channel':'push','template':'cart','quietHours':'off'}"));
        definitions.putTrigger("order", json("{'event':'order_shipped','channel':'push','template':'cart','priority':'transactional'}"));
        users = new UserService(services.users(), clock, push);
        evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        deliver = services.deliver(new Channels(senders, senders, push, push, "from@example.com"), GuardSettings.defaults());
        deliver.refreshDefinitions();
    }

    private void adaWithTwoDevices(String consent) {
        users.upsert("ada", json("{'attributes':{'first_name':'Ada'}," + consent + "'push':{'tokens':["
                + "{'platform':'fcm','token':'" + FCM_TOKEN + "'},{'platform':'apns','token':'" + APNS_TOKEN + "'}]}}"));
    }

    private String message(String userId, String eventName) {
        Event event = new Event("evt-" + ++events, userId, eventName, (ObjectNode) json("{'count':2,'cart':'c-42'}"),
                clock.instant(), clock.instant());
        evaluate.evaluate(event);
        String eventId = event.id();
        return services.messages().forUser(userId, 100).stream().filter(m -> m.eventId().equals(eventId)).findFirst().orElseThrow().id();
    }

    /** The message as stored now: what the READY stream record hands deliver. */
    private Message stored(String id) {
        return services.messages().find(id).orElseThrow();
    }

    private List<PushToken> devices(String userId) {
        return services.users().find(userId).map(UserProfile::pushTokens).orElseThrow();
    }

    @Test
    void a_push_goes_to_every_device_and_the_message_is_sent_with_the_first_provider_id() {
        adaWithTwoDevices("'consent':{'push':'opted_in'},");
        String id = message("ada", "cart_abandoned");

        DeliveryResult result = deliver.deliver(stored(id));

        assertThat(result).isEqualTo(new DeliveryResult.Sent("provider-1"));
        assertThat(push.sent).extracting(PushMessage::target, PushMessage::platform).containsExactly(
                org.assertj.core.groups.Tuple.tuple(target(FCM, FCM_TOKEN), FCM),
                org.assertj.core.groups.Tuple.tuple(target(APNS, APNS_TOKEN), APNS));
        assertThat(push.sent).allSatisfy(p -> {
            assertThat(p.messageId()).isEqualTo(id);
            assertThat(p.triggerId()).isEqualTo("cart");
            assertThat(p.title()).isEqualTo("Still thinking, Ada?");
            assertThat(p.body()).isEqualTo("2 items are waiting");
            assertThat(p.data()).isEqualTo(Map.of("cartId", "c-42"));
            assertThat(p.priority()).isEqualTo(Priority.MARKETING);
        });
        Message stored = services.messages().find(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(MessageStatus.SENT);
        assertThat(stored.providerMessageId()).contains("provider-1");
        assertThat(stored.to()).contains("push: 2 device(s)");
        assertThat(MessageJson.toJson(stored).toString()).doesNotContain(FCM_TOKEN).doesNotContain(APNS_TOKEN);
        assertThat(senders.emails).isEmpty();
        assertThat(senders.sms).isEmpty();
    }

    @Test
    void a_disabled_device_is_removed_from_the_user_and_its_endpoint_deleted_while_the_others_get_the_push() {
        adaWithTwoDevices("'consent':{'push':'opted_in'},");
        push.answer(target(FCM, FCM_TOKEN), new SendOutcome.EndpointDisabled("Endpoint is disabled"));

        DeliveryResult result = deliver.deliver(stored(message("ada", "cart_abandoned")));

        assertThat(result).isEqualTo(new DeliveryResult.Sent("provider-2"));
        assertThat(devices("ada")).extracting(PushToken::token).containsExactly(APNS_TOKEN);
        assertThat(push.deleted).containsExactly(target(FCM, FCM_TOKEN));

        deliver.deliver(stored(message("ada", "cart_abandoned")));
        assertThat(push.sent).extracting(PushMessage::target).containsExactly(
                target(FCM, FCM_TOKEN), target(APNS, APNS_TOKEN), target(APNS, APNS_TOKEN));
    }

    @Test
    void when_every_device_is_disabled_the_message_is_suppressed_invalid_address() {
        adaWithTwoDevices("'consent':{'push':'opted_in'},");
        push.answer(target(FCM, FCM_TOKEN), new SendOutcome.EndpointDisabled("Endpoint is disabled"));
        push.answer(target(APNS, APNS_TOKEN), new SendOutcome.EndpointDisabled("No endpoint found"));
        String id = message("ada", "cart_abandoned");

        assertThat(deliver.deliver(stored(id))).isEqualTo(new DeliveryResult.Suppressed("invalid_address"));

        assertThat(services.messages().find(id).orElseThrow().status()).isEqualTo(MessageStatus.SUPPRESSED);
        assertThat(devices("ada")).isEmpty();
        assertThat(push.deleted).containsExactlyInAnyOrder(target(FCM, FCM_TOKEN), target(APNS, APNS_TOKEN));
        assertThat(deliver.deliver(stored(message("ada", "cart_abandoned")))).isEqualTo(new DeliveryResult.Suppressed("invalid_address"));
        assertThat(push.sent).hasSize(2);
    }

    @Test
    void a_user_without_devices_is_suppressed_invalid_address() {
        users.upsert("bob", json("{'email':'bob@example.com','consent':{'push':'opted_in'}}"));

        assertThat(deliver.deliver(stored(message("bob", "cart_abandoned")))).isEqualTo(new DeliveryResult.Suppressed("invalid_address"));
        assertThat(push.sent).isEmpty();
    }

    @Test
    void marketing_push_needs_opted_in_and_transactional_push_does_not() {
        adaWithTwoDevices("");

        assertThat(deliver.deliver(stored(message("ada", "cart_abandoned")))).isEqualTo(new DeliveryResult.Suppressed("no_consent"));
        users.setConsent("ada", Channel.PUSH, io.nudge.model.ConsentStatus.OPTED_OUT, "app");
        assertThat(deliver.deliver(stored(message("ada", "cart_abandoned")))).isEqualTo(new DeliveryResult.Suppressed("no_consent"));
        assertThat(push.sent).isEmpty();

        assertThat(deliver.deliver(stored(message("ada", "order_shipped")))).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(push.sent).hasSize(2);
    }

    @Test
    void refusals_fail_the_message_with_the_first_reason_and_an_unknown_device_makes_it_unknown() {
        adaWithTwoDevices("'consent':{'push':'opted_in'},");
        push.answer(target(FCM, FCM_TOKEN), new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, "Message too long"));
        push.answer(target(APNS, APNS_TOKEN), new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, "Invalid JSON"));

        assertThat(deliver.deliver(stored(message("ada", "cart_abandoned")))).isEqualTo(new DeliveryResult.Failed("provider_rejected: Message too long"));
        assertThat(devices("ada")).hasSize(2);
        assertThat(services.suppressions().find(Channel.PUSH, "push: 2 device(s)")).isEmpty();

        push.answer(target(APNS, APNS_TOKEN), new SendOutcome.Unknown("read timed out"));
        assertThat(deliver.deliver(stored(message("ada", "cart_abandoned")))).isInstanceOf(DeliveryResult.Unknown.class);
    }

    @Test
    void a_retryable_answer_from_every_device_defers_the_message() {
        adaWithTwoDevices("'consent':{'push':'opted_in'},");
        push.answer(target(FCM, FCM_TOKEN), new SendOutcome.Throttled("Throttled"));
        push.answer(target(APNS, APNS_TOKEN), new SendOutcome.Throttled("Throttled"));

        assertThat(deliver.deliver(stored(message("ada", "cart_abandoned"))))
                .isEqualTo(new DeliveryResult.Deferred("provider_throttled", clock.instant().plusSeconds(60)));
    }

    @Test
    void without_a_push_sender_a_push_fails_as_not_configured() {
        adaWithTwoDevices("'consent':{'push':'opted_in'},");
        DeliverService withoutPush = services.deliver(Channels.withoutPush(senders, senders, "from@example.com"), GuardSettings.defaults());
        withoutPush.refreshDefinitions();

        assertThat(withoutPush.deliver(stored(message("ada", "cart_abandoned"))))
                .isEqualTo(new DeliveryResult.Failed("provider_rejected: push is not configured"));
    }

    @Test
    void one_accepted_device_makes_the_message_sent_whatever_the_others_said() {
        SendOutcome accepted = new SendOutcome.Accepted("p-2");

        assertThat(PushFanOut.combine(List.of(new SendOutcome.Unknown("timeout"), accepted, new SendOutcome.Accepted("p-3"))))
                .isEqualTo(accepted);
        assertThat(PushFanOut.combine(List.of(new SendOutcome.Throttled("throttled"), new SendOutcome.Unknown("timeout"))))
                .isEqualTo(new SendOutcome.Unknown("timeout"));
        assertThat(PushFanOut.combine(List.of(new SendOutcome.EndpointDisabled("gone"), new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, "too long"))))
                .isEqualTo(new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, "too long"));
    }
}
