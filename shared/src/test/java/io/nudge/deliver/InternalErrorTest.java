package io.nudge.deliver;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.definitions.DefinitionService;
import io.nudge.evaluate.EvaluateService;
import io.nudge.guards.GuardSettings;
import io.nudge.model.Event;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingSenders;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A defect met while delivering (here a guard configuration missing its quiet hours, so a NullPointerException before
 * the claim) is not the message's fault: it is thrown for the stream to retry, counted on the message, and only after
 * {@link DeliverService#MAX_INTERNAL_ERRORS} tries does the message end FAILED internal_error, never invalid_message.
 */
class InternalErrorTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private final RecordingSenders senders = new RecordingSenders();
    private Services services;
    private DeliverService broken;
    private String id;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("welcome", json("{'channel':'email','subject':'Welcome','text':'Hi {{ user.attributes.first_name }}'}"));
        definitions.putTrigger("welcome", json("{'event':'signed_up','channel':'email','template':'welcome'}"));
        new UserService(services.users(), clock).upsert("ada", json("{'email':'ada@example.com','attributes':{'first_name':'Ada'}}"));
        EvaluateService evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        evaluate.evaluate(new Event("evt-1", "ada", "signed_up", (ObjectNode) json("{}"), clock.instant(), clock.instant()));
        id = services.messages().forUser("ada", 1).get(0).id();
        GuardSettings defaults = GuardSettings.defaults();
        broken = services.deliver(io.nudge.channel.Channels.withoutPush(senders, senders, "Nudge <hello@example.com>"),
                new GuardSettings(null, defaults.defaultZone(), defaults.caps(), defaults.rates()));
        broken.refreshDefinitions();
    }

    private Message ready() {
        return services.messages().find(id).orElseThrow();
    }

    @Test
    void an_internal_error_is_retried_and_a_fixed_defect_then_delivers_the_message() {
        assertThatThrownBy(() -> broken.deliver(ready())).isInstanceOf(NullPointerException.class);
        assertThat(ready().status()).isEqualTo(MessageStatus.READY);

        DeliverService fixed = services.deliver(io.nudge.channel.Channels.withoutPush(senders, senders, "Nudge <hello@example.com>"), GuardSettings.defaults());
        fixed.refreshDefinitions();
        assertThat(fixed.deliver(ready())).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(senders.emails).singleElement().satisfies(email -> assertThat(email.text()).contains("Hi Ada"));
    }

    @Test
    void a_message_that_keeps_failing_with_an_internal_error_ends_failed_internal_error_after_the_bound() {
        for (int attempt = 1; attempt < DeliverService.MAX_INTERNAL_ERRORS; attempt++) {
            Message image = ready();
            assertThatThrownBy(() -> broken.deliver(image)).isInstanceOf(NullPointerException.class);
            assertThat(ready().status()).isEqualTo(MessageStatus.READY);
        }

        assertThat(broken.deliver(ready())).isEqualTo(new DeliveryResult.Failed("internal_error: NullPointerException"));

        Message failed = ready();
        assertThat(failed.status()).isEqualTo(MessageStatus.FAILED);
        assertThat(failed.reason()).contains("internal_error: NullPointerException");
        assertThat(failed.history()).last().extracting(HistoryEntry::status, HistoryEntry::reason)
                .containsExactly(MessageStatus.FAILED, "internal_error: NullPointerException");
        assertThat(senders.emails).isEmpty();
    }

    @Test
    void a_stale_image_of_a_message_already_finished_is_not_retried() {
        Message stale = ready();
        services.messages().cancel(id, "test", clock.instant());

        assertThat(broken.deliver(stale)).isEqualTo(new DeliveryResult.Skipped("not_ready"));
        assertThat(ready().status()).isEqualTo(MessageStatus.CANCELLED);
    }
}
