package io.nudge.guards;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.Channels;
import io.nudge.channel.SendOutcome;
import io.nudge.definitions.DefinitionService;
import io.nudge.deliver.DeliverService;
import io.nudge.deliver.DeliveryResult;
import io.nudge.evaluate.EvaluateService;
import io.nudge.model.Channel;
import io.nudge.model.ConsentStatus;
import io.nudge.model.Event;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingSenders;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each guard, in deliver, with tests that fail without it. */
class GuardsTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T12:00:00Z");
    private final RecordingSenders senders = new RecordingSenders();
    private Services services;
    private UserService users;
    private EvaluateService evaluate;
    private DefinitionService definitions;
    private int events;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        users = new UserService(services.users(), clock);
        definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("mail", json("{'channel':'email','subject':'s','text':'x'}"));
        definitions.putTemplate("text", json("{'channel':'sms','body':'x'}"));
        definitions.putTrigger("promo", json("{'event':'promo','channel':'email','template':'mail'}"));
        definitions.putTrigger("promo_sms", json("{'event':'promo_sms','channel':'sms','template':'text'}"));
        definitions.putTrigger("receipt", json("{'event':'receipt','channel':'email','template':'mail','priority':'transactional'}"));
        definitions.putTrigger("otp", json("{'event':'otp','channel':'sms','template':'text','priority':'transactional'}"));
        definitions.putTrigger("night_owl", json("{'event':'night_owl','channel':'email','template':'mail','quietHours':'off'}"));
        definitions.putTrigger("weekly", json("{'event':'weekly','channel':'email','template':'mail','frequencyCap':1}"));
        evaluate = services.evaluate();
        evaluate.refreshDefinitions();
    }

    private DeliverService deliver(GuardSettings settings) {
        DeliverService deliver = services.deliver(Channels.withoutPush(senders, senders, "from@example.com"), settings);
        deliver.refreshDefinitions();
        return deliver;
    }

    private String message(String userId, String eventName) {
        Event event = new Event("e" + ++events, userId, eventName, (ObjectNode) json("{}"), clock.instant(), clock.instant());
        return switch (evaluate.evaluate(event).decisions().get(0)) {
            case io.nudge.evaluate.Evaluation.Matched m -> m.messageId();
            case io.nudge.evaluate.Evaluation.Decision other -> throw new AssertionError("no message: " + other);
        };
    }

    private Message stored(String id) {
        return services.messages().find(id).orElseThrow();
    }

    private DeliveryResult send(String userId, String eventName) {
        return deliver(GuardSettings.defaults()).deliver(stored(message(userId, eventName)));
    }

    @Test
    void marketing_sms_needs_opt_in_and_email_only_the_absence_of_opt_out() {
        users.upsert("u", json("{'email':'u@example.com','phone':'+4915112345678'}"));

        assertThat(send("u", "promo_sms")).isEqualTo(new DeliveryResult.Suppressed("no_consent"));
        assertThat(send("u", "promo")).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(send("u", "otp")).isInstanceOf(DeliveryResult.Sent.class); // transactional: an address is enough

        users.upsert("u", json("{'consent':{'sms':'opted_in','email':'opted_out'}}"));
        assertThat(send("u", "promo_sms")).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(send("u", "promo")).isEqualTo(new DeliveryResult.Suppressed("no_consent"));
        assertThat(senders.sms).hasSize(2);
    }

    @Test
    void a_suppressed_address_gets_nothing_not_even_transactional_mail() {
        users.upsert("u", json("{'email':'Bounced@Example.com'}"));
        services.suppressions().put(new Suppression(Channel.EMAIL, "bounced@example.com", SuppressionReason.BOUNCED, "ses", clock.instant()));

        String id = message("u", "receipt");
        assertThat(deliver(GuardSettings.defaults()).deliver(stored(id))).isEqualTo(new DeliveryResult.Suppressed("suppressed"));
        assertThat(stored(id).status()).isEqualTo(MessageStatus.SUPPRESSED);
        assertThat(stored(id).reason()).contains("suppressed");
        assertThat(senders.emails).isEmpty();
    }

    @Test
    void marketing_at_night_waits_for_the_end_of_quiet_hours_in_the_users_zone() {
        users.upsert("berlin", json("{'email':'b@example.com','timezone':'Europe/Berlin'}"));
        clock.set(Instant.parse("2026-11-24T21:30:00Z")); // 22:30 in Berlin

        String id = message("berlin", "promo");
        DeliveryResult result = deliver(GuardSettings.defaults()).deliver(stored(id));

        Instant morning = Instant.parse("2026-11-25T07:00:00Z"); // 08:00 in Berlin
        assertThat(result).isEqualTo(new DeliveryResult.Deferred("quiet_hours", morning));
        assertThat(stored(id).status()).isEqualTo(MessageStatus.SCHEDULED);
        assertThat(stored(id).reason()).contains("quiet_hours");
        assertThat(stored(id).dueAt()).contains(morning);
        assertThat(services.messages().slotKeyOf(stored(id))).startsWith(morning.getEpochSecond() + "#");
        assertThat(senders.emails).isEmpty();
        assertThat(send("berlin", "receipt")).isInstanceOf(DeliveryResult.Sent.class);   // transactional: exempt
        assertThat(send("berlin", "night_owl")).isInstanceOf(DeliveryResult.Sent.class); // trigger turned them off
    }

    @Test
    void quiet_hours_end_at_local_eight_across_a_daylight_saving_change() {
        QuietHours quiet = QuietHours.defaults();
        ZoneId berlin = ZoneId.of("Europe/Berlin");

        // 22:30 CET on 28 March; clocks jump to CEST at 02:00 that night: 08:00 CEST is 06:00 UTC
        assertThat(quiet.endIfInside(Instant.parse("2026-03-28T21:30:00Z"), berlin)).contains(Instant.parse("2026-03-29T06:00:00Z"));
        // 22:30 CEST on 24 October; back to CET that night: 08:00 CET is 07:00 UTC
        assertThat(quiet.endIfInside(Instant.parse("2026-10-24T20:30:00Z"), berlin)).contains(Instant.parse("2026-10-25T07:00:00Z"));
        assertThat(quiet.endIfInside(Instant.parse("2026-10-25T05:59:00Z"), berlin)).contains(Instant.parse("2026-10-25T07:00:00Z"));
        assertThat(quiet.endIfInside(Instant.parse("2026-10-25T12:00:00Z"), berlin)).isEmpty();
    }

    @Test
    void the_fourth_marketing_message_in_a_day_and_the_second_sms_are_capped() {
        users.upsert("u", json("{'email':'u@example.com','phone':'+4915112345678','consent':{'sms':'opted_in'}}"));

        assertThat(send("u", "promo")).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(send("u", "promo_sms")).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(send("u", "promo_sms")).isEqualTo(new DeliveryResult.Suppressed("frequency_cap"));
        assertThat(send("u", "promo")).isInstanceOf(DeliveryResult.Sent.class);
        String fourth = message("u", "promo");
        assertThat(deliver(GuardSettings.defaults()).deliver(stored(fourth))).isEqualTo(new DeliveryResult.Suppressed("frequency_cap"));
        assertThat(stored(fourth).reason()).contains("frequency_cap");
        assertThat(send("u", "receipt")).isInstanceOf(DeliveryResult.Sent.class); // transactional bypasses caps

        clock.advance(Duration.ofHours(24).plusMinutes(1)); // the window rolls: old sends no longer count
        assertThat(send("u", "promo")).isInstanceOf(DeliveryResult.Sent.class);
    }

    @Test
    void a_trigger_cap_holds_on_its_own() {
        users.upsert("u", json("{'email':'u@example.com'}"));

        assertThat(send("u", "weekly")).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(send("u", "weekly")).isEqualTo(new DeliveryResult.Suppressed("frequency_cap"));
        assertThat(send("u", "promo")).isInstanceOf(DeliveryResult.Sent.class);
    }

    @Test
    void parallel_deliveries_for_one_user_never_exceed_the_cap() throws Exception {
        users.upsert("busy", json("{'email':'busy@example.com'}"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(message("busy", "promo"));
        }
        DeliverService deliver = deliver(GuardSettings.defaults());
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
            for (String id : ids) {
                pool.submit(() -> { go.await(); return deliver.deliver(stored(id)); });
            }
            go.countDown();
        }
        assertThat(senders.emails).hasSize(3);
        assertThat(ids.stream().map(this::stored).filter(m -> m.status() == MessageStatus.SUPPRESSED)).hasSize(9);
    }

    @Test
    void past_the_provider_rate_a_message_waits_one_slot_and_gives_its_cap_back() {
        GuardSettings tight = new GuardSettings(QuietHours.defaults(), ZoneId.of("UTC"), FrequencyCaps.Limits.defaults(),
                Map.of(Channel.EMAIL, new RateLimits.Limit(2, 1000)));
        DeliverService deliver = deliver(tight);
        for (String u : List.of("a", "b", "c")) {
            users.upsert(u, json("{'email':'" + u + "@example.com'}"));
        }

        assertThat(deliver.deliver(stored(message("a", "promo")))).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(deliver.deliver(stored(message("b", "promo")))).isInstanceOf(DeliveryResult.Sent.class);
        String third = message("c", "promo");
        assertThat(deliver.deliver(stored(third))).isEqualTo(new DeliveryResult.Deferred("rate_limit", clock.instant().plusSeconds(60)));
        assertThat(stored(third).status()).isEqualTo(MessageStatus.SCHEDULED);

        clock.advance(Duration.ofSeconds(61));
        services.messages().releaseNow(third, "due", clock.instant());
        assertThat(deliver.deliver(stored(third))).isInstanceOf(DeliveryResult.Sent.class);
    }

    @Test
    void the_default_limits_let_a_burst_of_ten_through() {
        for (int i = 0; i < 10; i++) {
            users.upsert("burst" + i, json("{'email':'burst" + i + "@example.com'}"));
            assertThat(send("burst" + i, "promo")).isInstanceOf(DeliveryResult.Sent.class);
        }
    }

    @Test
    void an_sms_refused_because_the_number_opted_out_with_the_carrier_records_the_opt_out() {
        users.upsert("u", json("{'phone':'+4915112345678'}"));
        senders.answer(new SendOutcome.Rejected(SendOutcome.Rejection.OPTED_OUT, "Phone number is opted out"));

        String id = message("u", "otp");
        assertThat(deliver(GuardSettings.defaults()).deliver(stored(id))).isEqualTo(new DeliveryResult.Suppressed("no_consent"));
        assertThat(services.users().find("u").orElseThrow().consent().get(Channel.SMS))
                .satisfies(c -> {
                    assertThat(c.status()).isEqualTo(ConsentStatus.OPTED_OUT);
                    assertThat(c.source()).isEqualTo("carrier");
                });
    }
}
