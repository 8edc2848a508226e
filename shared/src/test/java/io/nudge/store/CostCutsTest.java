package io.nudge.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.config.Tables;
import io.nudge.guards.RateLimits;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.stats.Counter;
import io.nudge.stats.StatsBuffer;
import io.nudge.stats.StatsStore;
import io.nudge.stats.Subject;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.Services;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The write- and read-saving changes of bench/results/cost.md keep what they must (limits, counts, lookups). */
class CostCutsTest {
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private Services services;
    private Tables tables;

    @BeforeEach
    void setUp() {
        tables = TestDynamo.freshTables();
        services = Services.builder(TestDynamo.client(), tables).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    }

    @Test
    void rate_limit_blocks_taken_by_several_instances_never_add_up_to_more_than_the_limit() {
        Map<Channel, RateLimits.Limit> limits = Map.of(Channel.EMAIL, new RateLimits.Limit(40, 1_000_000));
        List<RateLimits> instances = List.of(new RateLimits(TestDynamo.client(), tables.state(), limits),
                new RateLimits(TestDynamo.client(), tables.state(), limits), new RateLimits(TestDynamo.client(), tables.state(), limits));
        int allowed = 0;
        for (int i = 0; i < 60; i++) {
            if (instances.get(i % 3).acquire(Channel.EMAIL, NOW) instanceof RateLimits.Decision.Allowed) {
                allowed++;
            }
        }
        // Blocks of 4: each instance may end the second holding tokens it did not use, never more than 40 in all.
        assertThat(allowed).isBetween(40 - 2 * 4, 40);
        assertThat(instances.get(0).acquire(Channel.EMAIL, NOW.plusSeconds(1))).isInstanceOf(RateLimits.Decision.Allowed.class);
    }

    @Test
    void stats_of_a_batch_are_written_added_up_and_none_is_lost() {
        StatsStore store = services.stats();
        StatsBuffer buffer = new StatsBuffer(store);
        buffer.inBatch(() -> {
            for (int i = 0; i < 7; i++) {
                buffer.increment(Subject.trigger("t1"), Channel.EMAIL, NOW, Counter.SENT);
            }
            buffer.increment(Subject.trigger("t2"), Channel.SMS, NOW, Counter.SENT);
            return null;
        });
        buffer.increment(Subject.trigger("t1"), Channel.EMAIL, NOW, Counter.SENT); // outside a batch: at once

        LocalDate day = LocalDate.of(2026, 11, 24);
        assertThat(store.read(Subject.trigger("t1"), day, day)).singleElement()
                .satisfies(d -> assertThat(d.counts()).containsEntry(Counter.SENT.wire(), 8L));
        assertThat(store.read(Subject.trigger("t2"), day, day)).singleElement()
                .satisfies(d -> assertThat(d.counts()).containsEntry(Counter.SENT.wire(), 1L));
    }

    @Test
    void a_ready_message_nothing_can_cancel_stays_out_of_the_pending_index_and_a_cancellable_one_is_found() {
        MessageStore messages = services.messages();
        messages.createIfAbsent(ready("m-plain", "t1"), false);
        messages.createIfAbsent(ready("m-cancellable", "t2"), true);

        assertThat(messages.pendingFor("u1", "t1")).isEmpty();
        assertThat(messages.pendingFor("u1", "t2")).extracting(Message::id).containsExactly("m-cancellable");
        // the keys-only byUser index still lists both, read back whole
        assertThat(messages.forUser("u1", 10)).extracting(Message::id).containsExactlyInAnyOrder("m-plain", "m-cancellable");
        assertThat(messages.forUser("u1", 10)).allSatisfy(m -> assertThat(m.history()).isNotEmpty());
    }

    @Test
    void the_claim_for_sending_is_one_conditional_write_that_only_one_delivery_wins() {
        MessageStore messages = services.messages();
        messages.createIfAbsent(ready("m1", "t1"), false);

        assertThat(messages.claimForSend("m1", NOW, "ada@example.com", Optional.of("Hi"), Optional.empty())).isTrue();
        assertThat(messages.claimForSend("m1", NOW, "ada@example.com", Optional.of("Hi"), Optional.empty())).isFalse();
        Message claimed = messages.find("m1").orElseThrow();
        assertThat(claimed.status()).isEqualTo(MessageStatus.SENDING);
        assertThat(claimed.attemptAt()).contains(NOW);
        assertThat(claimed.to()).contains("ada@example.com");
        assertThat(claimed.subject()).contains("Hi");
        // the sweep finds it, and since it was attempted marks it UNKNOWN, never resends
        assertThat(messages.inFlightSince(NOW.plusSeconds(1), 10)).extracting(f -> f.message().id()).containsExactly("m1");
    }

    @Test
    void a_cached_definitions_version_is_dropped_when_this_store_changes_a_definition() {
        DefinitionStore definitions = services.definitions().cacheVersionFor(Duration.ofHours(1));
        long before = definitions.version();
        definitions.put(DefinitionStore.TRIGGER, "t1", Json.object(), NOW);
        assertThat(definitions.version()).isGreaterThan(before);
    }

    private static Message ready(String id, String triggerId) {
        return new Message(id, "u1", triggerId, "e-" + id, Channel.EMAIL, Priority.MARKETING, "tpl", MessageStatus.READY,
                Optional.empty(), Json.object(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), NOW, List.of(new HistoryEntry(MessageStatus.READY, "trigger_matched", NOW)), Optional.empty());
    }
}
