package io.nudge.deliver;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.SendOutcome;
import io.nudge.definitions.DefinitionService;
import io.nudge.evaluate.EvaluateService;
import io.nudge.evaluate.Evaluation;
import io.nudge.guards.FrequencyCaps;
import io.nudge.guards.GuardSettings;
import io.nudge.guards.QuietHours;
import io.nudge.guards.RateLimits;
import io.nudge.model.Channel;
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
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Our own limits (daily, per second) and the provider's refusals (throttled, unreachable) defer under their own reasons. */
class ProviderLimitsTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T12:00:00Z");
    private final RecordingSenders senders = new RecordingSenders();
    private Services services;
    private UserService users;
    private EvaluateService evaluate;
    private int events;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        users = new UserService(services.users(), clock);
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("mail", json("{'channel':'email','subject':'s','text':'x'}"));
        definitions.putTrigger("receipt", json("{'event':'receipt','channel':'email','template':'mail','priority':'transactional'}"));
        evaluate = services.evaluate();
        evaluate.refreshDefinitions();
    }

    private DeliverService deliver(int perSecond, int perDay) {
        DeliverService deliver = services.deliver(io.nudge.channel.Channels.withoutPush(senders, senders, "from@example.com"), new GuardSettings(QuietHours.defaults(),
                ZoneId.of("UTC"), FrequencyCaps.Limits.defaults(), Map.of(Channel.EMAIL, new RateLimits.Limit(perSecond, perDay))));
        deliver.refreshDefinitions();
        return deliver;
    }

    private String message(String userId) {
        users.upsert(userId, json("{'email':'" + userId + "@example.com'}"));
        Event event = new Event("e" + ++events, userId, "receipt", (ObjectNode) json("{}"), clock.instant(), clock.instant());
        return switch (evaluate.evaluate(event).decisions().get(0)) {
            case Evaluation.Matched m -> m.messageId();
            case Evaluation.Decision other -> throw new AssertionError("no message: " + other);
        };
    }

    private Message stored(String id) {
        return services.messages().find(id).orElseThrow();
    }

    /** What the stream hands deliver once the message is READY again. */
    private DeliveryResult releaseAndDeliver(DeliverService deliver, String id) {
        services.messages().releaseNow(id, "due", clock.instant());
        return deliver.deliver(stored(id));
    }

    private long scheduledEntries(String id) {
        return stored(id).history().stream().filter(h -> h.status() == MessageStatus.SCHEDULED).count();
    }

    @Test
    void a_daily_limit_defers_a_message_once_to_the_next_utc_midnight_as_daily_limit() {
        DeliverService deliver = deliver(100, 1);
        assertThat(deliver.deliver(stored(message("a")))).isInstanceOf(DeliveryResult.Sent.class);
        String held = message("b");

        Instant midnight = Instant.parse("2026-11-25T00:00:00Z");
        assertThat(deliver.deliver(stored(held))).isEqualTo(new DeliveryResult.Deferred("daily_limit", midnight));
        assertThat(stored(held).status()).isEqualTo(MessageStatus.SCHEDULED);
        assertThat(stored(held).reason()).contains("daily_limit");
        assertThat(stored(held).dueAt()).contains(midnight);

        clock.set(midnight);
        assertThat(releaseAndDeliver(deliver, held)).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(scheduledEntries(held)).isEqualTo(1);
    }

    @Test
    void after_many_deferrals_by_our_own_limits_a_provider_throttle_still_defers() {
        DeliverService deliver = deliver(1, 1_000);
        assertThat(deliver.deliver(stored(message("a")))).isInstanceOf(DeliveryResult.Sent.class);
        String held = message("b");
        assertThat(deliver.deliver(stored(held))).isEqualTo(new DeliveryResult.Deferred("rate_limit", clock.instant().plusSeconds(60)));
        for (int i = 1; i < DeliverService.MAX_DEFERRALS + 2; i++) {
            assertThat(releaseAndDeliver(deliver, held)).isInstanceOf(DeliveryResult.Deferred.class);
        }
        assertThat(stored(held).reason()).contains("rate_limit");

        clock.advance(Duration.ofSeconds(1));
        senders.answer(new SendOutcome.Throttled("Maximum sending rate exceeded."));
        assertThat(releaseAndDeliver(deliver, held)).isEqualTo(new DeliveryResult.Deferred("provider_throttled", clock.instant().plusSeconds(60)));
        assertThat(stored(held).status()).isEqualTo(MessageStatus.SCHEDULED);
    }

    @Test
    void a_throttle_and_an_unreachable_provider_defer_under_their_own_reasons_and_together_are_given_up_after_the_bound() {
        DeliverService deliver = deliver(100, 1_000);
        String id = message("a");

        senders.answer(new SendOutcome.Throttled("Rate exceeded"));
        assertThat(deliver.deliver(stored(id))).isEqualTo(new DeliveryResult.Deferred("provider_throttled", clock.instant().plusSeconds(60)));
        assertThat(stored(id).reason()).contains("provider_throttled");
        senders.answer(new SendOutcome.Unavailable("could not connect to SES (ConnectException)"));
        assertThat(releaseAndDeliver(deliver, id)).isEqualTo(new DeliveryResult.Deferred("provider_unavailable", clock.instant().plusSeconds(120)));
        assertThat(stored(id).reason()).contains("provider_unavailable");

        for (int i = 2; i < DeliverService.MAX_DEFERRALS; i++) {
            senders.answer(i % 2 == 0 ? new SendOutcome.Throttled("Rate exceeded") : new SendOutcome.Unavailable("HTTP 503"));
            assertThat(releaseAndDeliver(deliver, id)).isInstanceOf(DeliveryResult.Deferred.class);
        }
        assertThat(releaseAndDeliver(deliver, id)).isEqualTo(new DeliveryResult.Failed("provider_unavailable: HTTP 503"));
        assertThat(stored(id).status()).isEqualTo(MessageStatus.FAILED);
        assertThat(stored(id).reason()).contains("provider_unavailable: HTTP 503");
    }
}
