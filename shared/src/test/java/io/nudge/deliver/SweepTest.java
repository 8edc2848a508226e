package io.nudge.deliver;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.Channels;
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
import io.nudge.wiring.SweepSettings;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sweep's backstop for READY messages whose stream record never reached deliver. */
class SweepTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private final RecordingSenders senders = new RecordingSenders();
    private Services services;
    private DeliverService deliver;
    private EvaluateService evaluate;
    private Sweep sweep;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("code", json("{'channel':'sms','body':'Your code is {{ event.properties.code }}'}"));
        definitions.putTrigger("otp", json("{'event':'otp_requested','channel':'sms','template':'code','priority':'transactional'}"));
        definitions.putTrigger("otp_later", json("{'event':'otp_later','channel':'sms','template':'code','priority':'transactional','delay':'PT1H'}"));
        new UserService(services.users(), clock).upsert("kim", json("{'phone':'+442079460958'}"));
        evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        deliver = services.deliver(Channels.withoutPush(senders, senders, "Nudge <hello@example.com>"), GuardSettings.defaults());
        deliver.refreshDefinitions();
        sweep = services.sweep(SweepSettings.of(Duration.ofMinutes(5)).readyGrace(Duration.ofMinutes(3)).slotGrace(Duration.ofMinutes(2)));
    }

    private String messageFor(String eventId, String eventName) {
        evaluate.evaluate(new Event(eventId, "kim", eventName, (ObjectNode) json("{'code':'1'}"), clock.instant(), clock.instant()));
        return services.messages().forUser("kim", 1).get(0).id();
    }

    /** The message as stored now: what the READY stream record hands deliver. */
    private Message stored(String id) {
        return services.messages().find(id).orElseThrow();
    }

    @Test
    void a_ready_message_never_handed_to_deliver_is_re_driven_once_per_grace_and_sent_once() {
        String id = messageFor("e1", "otp_requested");

        clock.advance(Duration.ofMinutes(2));
        assertThat(sweep.run().redriven()).isZero();                 // may still be on its way to deliver
        clock.advance(Duration.ofMinutes(2));
        assertThat(sweep.run()).isEqualTo(new Sweep.Result(0, 1, 0));
        assertThat(services.messages().find(id).orElseThrow().history()).last()
                .satisfies(h -> assertThat(h.status()).isEqualTo(MessageStatus.READY))
                .extracting(HistoryEntry::reason).asString().startsWith("sweep: re-driven, READY since 2026-11-24T09:00");
        clock.advance(Duration.ofMinutes(1));
        assertThat(sweep.run().redriven()).as("the next re-drive waits a full grace").isZero();

        // the original record turns up after all, and the re-driven one too: one send
        assertThat(deliver.deliver(stored(id))).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(deliver.deliver(stored(id))).isInstanceOf(DeliveryResult.Skipped.class);
        assertThat(senders.sms).hasSize(1);
        clock.advance(Duration.ofMinutes(10));
        assertThat(sweep.run()).isEqualTo(new Sweep.Result(0, 0, 0));
    }

    @Test
    void scheduled_and_recently_claimed_messages_are_left_alone() {
        String delayed = messageFor("e2", "otp_later");
        String claimed = messageFor("e3", "otp_requested");
        clock.advance(Duration.ofMinutes(4));
        // READY for 4 minutes, claimed (and the attempt stamped) just now
        services.messages().claimForSend(claimed, clock.instant(), "+442079460958", Optional.empty(), Optional.empty());

        assertThat(sweep.run()).isEqualTo(new Sweep.Result(0, 0, 0));
        assertThat(services.messages().find(delayed).orElseThrow().status()).isEqualTo(MessageStatus.SCHEDULED);
        assertThat(services.messages().find(claimed).orElseThrow().status()).isEqualTo(MessageStatus.SENDING);

        clock.advance(Duration.ofMinutes(6));                   // now the claim belongs to a dead delivery
        assertThat(sweep.run()).isEqualTo(new Sweep.Result(1, 0, 0));
        assertThat(services.messages().find(claimed).orElseThrow().status()).isEqualTo(MessageStatus.UNKNOWN);
    }

    @Test
    void a_released_delayed_message_counts_its_wait_from_the_release() {
        String delayed = messageFor("e4", "otp_later");
        clock.advance(Duration.ofHours(1));
        services.messages().releaseNow(delayed, "due", clock.instant());
        clock.advance(Duration.ofMinutes(2));
        assertThat(sweep.run().redriven()).isZero();
        clock.advance(Duration.ofMinutes(2));
        assertThat(sweep.run().redriven()).isEqualTo(1);
    }

    @Test
    void a_backlog_of_ready_messages_is_re_driven_a_bounded_number_per_run_oldest_first_each_once() {
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(messageFor("b" + i, "otp_requested"));
            clock.advance(Duration.ofSeconds(1));
        }
        Sweep bounded = services.sweep(SweepSettings.of(Duration.ofMinutes(5)).readyGrace(Duration.ofMinutes(3)).slotGrace(Duration.ofMinutes(2)).perShard(1));
        clock.advance(Duration.ofMinutes(4));

        int runs = 0;
        int total = 0;
        while (total < ids.size() && runs < 20) {
            int redriven = bounded.run().redriven();
            assertThat(redriven).as("one per shard and run at most").isBetween(1, io.nudge.store.MessageStore.IN_FLIGHT_SHARDS);
            total += redriven;
            runs++;
        }
        assertThat(total).isEqualTo(ids.size());
        assertThat(runs).isGreaterThanOrEqualTo(ids.size() / io.nudge.store.MessageStore.IN_FLIGHT_SHARDS);
        for (String id : ids) {
            assertThat(services.messages().find(id).orElseThrow().history())
                    .filteredOn(h -> h.reason() != null && h.reason().startsWith("sweep: re-driven")).as(id).hasSize(1);
        }
        assertThat(bounded.run().redriven()).as("each waits a full grace before the next re-drive").isZero();
    }
}
