package io.nudge.deliver;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.Channels;
import io.nudge.channel.SendOutcome;
import io.nudge.definitions.DefinitionService;
import io.nudge.evaluate.EvaluateService;
import io.nudge.guards.GuardSettings;
import io.nudge.guards.SuppressionReason;
import io.nudge.model.Channel;
import io.nudge.model.Event;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingSenders;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import io.nudge.wiring.SweepSettings;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeliverServiceTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private final RecordingSenders senders = new RecordingSenders();
    private Services services;
    private DeliverService deliver;
    private EvaluateService evaluate;
    private UserService users;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("welcome", json("{'channel':'email','subject':'Welcome, {{ user.attributes.first_name | default: \\u0027there\\u0027 }}!',"
                + "'html':'<p>Plan: {{ event.properties.plan }}</p>','text':'Plan: {{ event.properties.plan }}',"
                + "'locales':{'de':{'subject':'Willkommen, {{ user.attributes.first_name }}!','text':'Tarif: {{ event.properties.plan }}'}}}"));
        definitions.putTemplate("code", json("{'channel':'sms','body':'Your code is {{ event.properties.code }}'}"));
        definitions.putTrigger("welcome", json("{'event':'signed_up','channel':'email','template':'welcome'}"));
        definitions.putTrigger("otp", json("{'event':'otp_requested','channel':'sms','template':'code','priority':'transactional'}"));
        users = new UserService(services.users(), clock);
        evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        deliver = services.deliver(Channels.withoutPush(senders, senders, "Nudge <hello@example.com>"), GuardSettings.defaults());
        deliver.refreshDefinitions();
    }

    private String messageFor(String userId, String eventName, String properties) {
        Event event = new Event("evt-" + userId + eventName, userId, eventName, (ObjectNode) json(properties), clock.instant(), clock.instant());
        evaluate.evaluate(event);
        return services.messages().forUser(userId, 1).get(0).id();
    }

    /** The message as stored now: what the READY stream record hands deliver. */
    private Message stored(String id) {
        return services.messages().find(id).orElseThrow();
    }

    @Test
    void ready_email_is_rendered_sent_once_and_recorded_as_sent() {
        users.upsert("ada", json("{'email':'ada@example.com','attributes':{'first_name':'Ada'}}"));
        String id = messageFor("ada", "signed_up", "{'plan':'pro'}");

        DeliveryResult result = deliver.deliver(stored(id));

        assertThat(result).isEqualTo(new DeliveryResult.Sent("provider-1"));
        assertThat(senders.emails).singleElement().satisfies(email -> {
            assertThat(email.to()).isEqualTo("ada@example.com");
            assertThat(email.from()).isEqualTo("Nudge <hello@example.com>");
            assertThat(email.subject()).isEqualTo("Welcome, Ada!");
            assertThat(email.html()).contains("<p>Plan: pro</p>");
            assertThat(email.text()).contains("Plan: pro");
            assertThat(email.messageId()).isEqualTo(id);
            assertThat(email.triggerId()).isEqualTo("welcome");
            assertThat(email.priority()).isEqualTo(Priority.MARKETING);
        });
        Message stored = services.messages().find(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(MessageStatus.SENT);
        assertThat(stored.providerMessageId()).contains("provider-1");
        assertThat(stored.subject()).contains("Welcome, Ada!");
        assertThat(stored.attemptAt()).contains(clock.instant());
        assertThat(stored.history()).extracting(h -> h.status())
                .containsExactly(MessageStatus.READY, MessageStatus.SENDING, MessageStatus.SENT);
    }

    @Test
    void a_second_delivery_of_the_same_message_sends_nothing() {
        users.upsert("ada", json("{'email':'ada@example.com'}"));
        String id = messageFor("ada", "signed_up", "{'plan':'pro'}");

        deliver.deliver(stored(id));
        DeliveryResult again = deliver.deliver(stored(id));

        assertThat(again).isEqualTo(new DeliveryResult.Skipped("not_ready"));
        assertThat(senders.emails).hasSize(1);
    }

    @Test
    void missing_first_name_falls_back_to_the_default_filter() {
        users.upsert("bob", json("{'email':'bob@example.com'}"));
        deliver.deliver(stored(messageFor("bob", "signed_up", "{'plan':'free'}")));

        assertThat(senders.emails.get(0).subject()).isEqualTo("Welcome, there!");
    }

    @Test
    void renders_in_the_users_locale_falling_back_from_region_to_language() {
        users.upsert("jan", json("{'email':'jan@example.com','locale':'de-AT','attributes':{'first_name':'Jan'}}"));
        deliver.deliver(stored(messageFor("jan", "signed_up", "{'plan':'pro'}")));

        assertThat(senders.emails.get(0).subject()).isEqualTo("Willkommen, Jan!");
        assertThat(senders.emails.get(0).text()).contains("Tarif: pro");
        assertThat(senders.emails.get(0).html()).isEmpty();
    }

    @Test
    void sms_goes_to_the_e164_number_as_transactional() {
        users.upsert("kim", json("{'phone':'+44 20 7946 0958'}"));
        DeliveryResult result = deliver.deliver(stored(messageFor("kim", "otp_requested", "{'code':'123456'}")));

        assertThat(result).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(senders.sms).singleElement().satisfies(sms -> {
            assertThat(sms.to()).isEqualTo("+442079460958");
            assertThat(sms.body()).isEqualTo("Your code is 123456");
            assertThat(sms.priority()).isEqualTo(Priority.TRANSACTIONAL);
        });
        assertThat(services.messages().forUser("kim", 1).get(0).smsSegments()).contains(1);
    }

    @Test
    void a_user_without_an_address_is_suppressed_not_sent() {
        String id = messageFor("nobody", "signed_up", "{'plan':'pro'}");

        assertThat(deliver.deliver(stored(id))).isEqualTo(new DeliveryResult.Suppressed("invalid_address"));
        assertThat(senders.emails).isEmpty();
        Message stored = services.messages().find(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(MessageStatus.SUPPRESSED);
        assertThat(stored.reason()).contains("invalid_address");
    }

    @Test
    void a_permanent_provider_refusal_is_failed_with_the_providers_words() {
        users.upsert("ada", json("{'email':'ada@example.com'}"));
        senders.answer(new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, "Email address is not verified."));
        String id = messageFor("ada", "signed_up", "{'plan':'pro'}");

        assertThat(deliver.deliver(stored(id))).isInstanceOf(DeliveryResult.Failed.class);
        Message stored = services.messages().find(id).orElseThrow();
        assertThat(stored.status()).isEqualTo(MessageStatus.FAILED);
        assertThat(stored.reason()).contains("provider_rejected: Email address is not verified.");
    }

    @Test
    void a_refusal_of_the_address_puts_it_on_the_suppression_list_and_a_refusal_of_the_message_does_not() {
        users.upsert("ada", json("{'email':'ada@example.com'}"));
        users.upsert("bob", json("{'email':'bob@example.com'}"));
        users.upsert("kim", json("{'phone':'+442079460958'}"));

        senders.answer(new SendOutcome.Rejected(SendOutcome.Rejection.SUPPRESSED_BY_PROVIDER, "Email address is on the suppression list."));
        assertThat(deliver.deliver(stored(messageFor("ada", "signed_up", "{'plan':'pro'}"))))
                .isEqualTo(new DeliveryResult.Failed("provider_rejected: Email address is on the suppression list."));
        senders.answer(new SendOutcome.Rejected(SendOutcome.Rejection.INVALID_ADDRESS, "Invalid parameter: PhoneNumber"));
        assertThat(deliver.deliver(stored(messageFor("kim", "otp_requested", "{'code':'1'}"))))
                .isEqualTo(new DeliveryResult.Failed("provider_rejected: Invalid parameter: PhoneNumber"));
        // the words alone decide nothing: the kind the sender gave does
        senders.answer(new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, "Configuration set does not exist (suppression list)"));
        assertThat(deliver.deliver(stored(messageFor("bob", "signed_up", "{'plan':'pro'}")))).isInstanceOf(DeliveryResult.Failed.class);

        assertThat(services.suppressions().find(Channel.EMAIL, "ada@example.com")).hasValueSatisfying(s -> {
            assertThat(s.reason()).isEqualTo(SuppressionReason.BOUNCED);
            assertThat(s.source()).isEqualTo("provider");
        });
        assertThat(services.suppressions().find(Channel.SMS, "+442079460958")).isPresent();
        assertThat(services.suppressions().find(Channel.EMAIL, "bob@example.com")).isEmpty();
    }

    @Test
    void an_unknown_provider_outcome_is_never_resent() {
        users.upsert("ada", json("{'email':'ada@example.com'}"));
        senders.answer(new SendOutcome.Unknown("read timed out"));
        String id = messageFor("ada", "signed_up", "{'plan':'pro'}");

        deliver.deliver(stored(id));

        assertThat(services.messages().find(id).orElseThrow().status()).isEqualTo(MessageStatus.UNKNOWN);
        assertThat(deliver.deliver(stored(id))).isInstanceOf(DeliveryResult.Skipped.class);
        assertThat(senders.emails).hasSize(1);
    }

    @Test
    void a_provider_that_will_not_take_it_yet_defers_it_with_backoff_and_gives_up_after_a_bound() {
        users.upsert("ada", json("{'email':'ada@example.com'}"));
        senders.answer(new SendOutcome.Throttled("Throttling"));
        String id = messageFor("ada", "signed_up", "{'plan':'pro'}");

        DeliveryResult first = deliver.deliver(stored(id));
        assertThat(first).isEqualTo(new DeliveryResult.Deferred("provider_throttled", clock.instant().plusSeconds(60)));
        Message deferred = services.messages().find(id).orElseThrow();
        assertThat(deferred.status()).isEqualTo(MessageStatus.SCHEDULED);
        assertThat(deferred.reason()).contains("provider_throttled");
        for (int i = 1; i < DeliverService.MAX_DEFERRALS; i++) {
            services.messages().releaseNow(id, "due", clock.instant());
            assertThat(deliver.deliver(stored(id))).isInstanceOf(DeliveryResult.Deferred.class);
        }
        services.messages().releaseNow(id, "due", clock.instant());
        assertThat(deliver.deliver(stored(id))).isInstanceOf(DeliveryResult.Failed.class);
        assertThat(services.messages().find(id).orElseThrow().reason().orElseThrow()).startsWith("provider_unavailable");
    }

    @Test
    void sweep_marks_a_claim_whose_delivery_died_unknown_and_it_is_never_resent() {
        users.upsert("kim", json("{'phone':'+442079460958'}"));
        String attempted = messageFor("kim", "otp_requested", "{'code':'1'}");
        Message ready = stored(attempted);
        // deliver claimed it, stamping the attempt in the same write, and died before recording the outcome
        services.messages().claimForSend(attempted, clock.instant(), "+442079460958", Optional.empty(), Optional.of(1));
        Sweep sweep = services.sweep(SweepSettings.of(Duration.ofMinutes(5)));

        assertThat(sweep.run()).isEqualTo(new Sweep.Result(0, 0, 0));
        clock.advance(Duration.ofMinutes(6));
        assertThat(sweep.run()).isEqualTo(new Sweep.Result(1, 0, 0));

        assertThat(stored(attempted).status()).isEqualTo(MessageStatus.UNKNOWN);
        assertThat(deliver.deliver(ready)).as("the READY record redelivered").isInstanceOf(DeliveryResult.Skipped.class);
        assertThat(deliver.deliver(stored(attempted))).isInstanceOf(DeliveryResult.Skipped.class);
        assertThat(senders.sms).isEmpty();
    }

    @Test
    void marketing_email_carries_a_one_click_unsubscribe_link_and_the_template_can_show_it() {
        new DefinitionService(services.definitions(), clock).putTemplate("welcome",
                json("{'channel':'email','subject':'Hi','text':'Unsubscribe: {{ unsubscribe_url }}'}"));
        deliver.refreshDefinitions();
        users.upsert("ada", json("{'email':'ada@example.com'}"));

        deliver.deliver(stored(messageFor("ada", "signed_up", "{'plan':'pro'}")));

        var email = senders.emails.get(0);
        assertThat(email.unsubscribeUrl()).hasValueSatisfying(url -> {
            assertThat(url).startsWith("http://127.0.0.1/v1/unsubscribe?token=");
            assertThat(email.text()).contains("Unsubscribe: " + url);
            String token = java.net.URLDecoder.decode(url.substring(url.indexOf("token=") + 6), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(services.unsubscribe().tokens().verify(token))
                    .contains(new io.nudge.unsubscribe.Subscription("ada", io.nudge.model.Channel.EMAIL));
        });
    }
}
