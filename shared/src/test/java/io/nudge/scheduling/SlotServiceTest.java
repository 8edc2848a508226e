package io.nudge.scheduling;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Channel;
import io.nudge.model.Priority;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.Services;
import io.nudge.wiring.SweepSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SlotServiceTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T08:00:00Z");
    private final RecordingScheduler scheduler = new RecordingScheduler();
    private Services services;
    private SlotService slots;
    private int ids;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        slots = services.slots(scheduler);
    }

    private Message scheduled(Instant due) {
        Instant now = clock.instant();
        return new Message("m" + ++ids, "u" + ids, "cart", "e" + ids, Channel.EMAIL, Priority.MARKETING, "t",
                MessageStatus.SCHEDULED, Optional.of("delay"), (ObjectNode) json("{'event':{}}"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(due), now, List.of(new HistoryEntry(MessageStatus.SCHEDULED, "delay", now)));
    }

    private Message stored(Instant due) {
        Message message = scheduled(due);
        services.messages().createIfAbsent(message);
        return message;
    }

    private MessageStatus status(Message message) {
        return services.messages().find(message.id()).orElseThrow().status();
    }

    @Test
    void the_first_message_of_a_slot_creates_its_one_time_schedule_exactly_as_scheduler_needs_it() {
        Message message = stored(Instant.parse("2026-11-24T09:00:30Z"));

        assertThat(slots.ensureScheduled(message)).isInstanceOf(SlotService.Outcome.ScheduleCreated.class);

        assertThat(scheduler.createCalls).singleElement().satisfies(request -> {
            assertThat(request.name()).isEqualTo("nudge-slot-" + Instant.parse("2026-11-24T09:01:00Z").getEpochSecond());
            assertThat(request.expression()).isEqualTo("at(2026-11-24T09:01:00)");
            assertThat(request.timezone()).isEqualTo(ZoneOffset.UTC);
            assertThat(request.target()).isEqualTo(ScheduleRequest.Target.SCHEDULE_SENDS);
            assertThat(request.deleteAfterCompletion()).isTrue();
            assertThat(Json.parse(request.input()).get("slot").asText()).isEqualTo("2026-11-24T09:01:00Z");
        });
        assertThat(slots.ensureScheduled(stored(Instant.parse("2026-11-24T09:00:59Z")))).isInstanceOf(SlotService.Outcome.AlreadyScheduled.class);
        assertThat(scheduler.createCalls).hasSize(1);
    }

    @Test
    void firing_a_slot_releases_its_messages_once_and_not_those_of_later_slots() {
        Message a = stored(Instant.parse("2026-11-24T09:00:10Z"));
        Message b = stored(Instant.parse("2026-11-24T09:00:50Z"));
        Message later = stored(Instant.parse("2026-11-24T09:01:10Z"));
        List.of(a, b, later).forEach(slots::ensureScheduled);
        clock.set(Instant.parse("2026-11-24T09:01:00Z"));

        SlotReleaser.Fired first = slots.fire(Instant.parse("2026-11-24T09:01:00Z"));
        SlotReleaser.Fired again = slots.fire(Instant.parse("2026-11-24T09:01:00Z"));

        assertThat(first.released()).isEqualTo(2);
        assertThat(again.released()).isZero();
        assertThat(status(a)).isEqualTo(MessageStatus.READY);
        assertThat(status(b)).isEqualTo(MessageStatus.READY);
        assertThat(status(later)).isEqualTo(MessageStatus.SCHEDULED);
        assertThat(services.messages().find(a.id()).orElseThrow().history()).extracting(HistoryEntry::reason).contains("due");
    }

    @Test
    void a_message_written_after_its_slot_fired_is_released_at_once() {
        Message first = stored(Instant.parse("2026-11-24T09:00:10Z"));
        slots.ensureScheduled(first);
        slots.fire(Instant.parse("2026-11-24T09:01:00Z"));  // Scheduler may fire before a straggler's record is processed

        Message straggler = stored(Instant.parse("2026-11-24T09:00:40Z"));
        assertThat(slots.ensureScheduled(straggler)).isInstanceOf(SlotService.Outcome.ReleasedNow.class);
        assertThat(status(straggler)).isEqualTo(MessageStatus.READY);
    }

    @Test
    void a_late_slot_also_releases_earlier_slots_that_never_fired() {
        Message lost = stored(Instant.parse("2026-11-24T09:00:10Z"));
        Message current = stored(Instant.parse("2026-11-24T09:05:10Z"));
        slots.ensureScheduled(lost);
        slots.ensureScheduled(current);
        clock.set(Instant.parse("2026-11-24T09:06:00Z"));

        SlotReleaser.Fired fired = slots.fire(Instant.parse("2026-11-24T09:06:00Z"));

        assertThat(fired.slots()).isEqualTo(2);
        assertThat(status(lost)).isEqualTo(MessageStatus.READY);
        assertThat(status(current)).isEqualTo(MessageStatus.READY);
    }

    @Test
    void a_message_already_due_is_released_without_a_schedule() {
        Message message = stored(Instant.parse("2026-11-24T07:59:00Z"));

        assertThat(slots.ensureScheduled(message)).isInstanceOf(SlotService.Outcome.ReleasedNow.class);
        assertThat(scheduler.createCalls).isEmpty();
        assertThat(status(message)).isEqualTo(MessageStatus.READY);
    }

    @Test
    void a_claim_left_by_a_failed_caller_is_taken_over_after_a_while() {
        Message message = stored(Instant.parse("2026-11-24T09:00:10Z"));
        new SlotStore(services.dynamo(), services.tables().slots()).claim(Instant.parse("2026-11-24T09:01:00Z").getEpochSecond(), clock.instant());

        assertThat(slots.ensureScheduled(message)).isInstanceOf(SlotService.Outcome.AlreadyScheduled.class);
        clock.advance(SlotService.STUCK_CLAIM.plusSeconds(1));
        assertThat(slots.ensureScheduled(message)).isInstanceOf(SlotService.Outcome.ScheduleCreated.class);
        assertThat(scheduler.createCalls).hasSize(1);
    }

    @Test
    void a_cancelled_message_is_not_released() {
        Message message = stored(Instant.parse("2026-11-24T09:00:10Z"));
        slots.ensureScheduled(message);
        services.messages().cancel(message.id(), "cancelled_by: purchase_completed (event p1)", clock.instant());

        assertThat(slots.fire(Instant.parse("2026-11-24T09:01:00Z")).released()).isZero();
        assertThat(status(message)).isEqualTo(MessageStatus.CANCELLED);
    }

    @Test
    void a_slot_whose_creator_died_before_create_schedule_is_released_by_the_sweep() {
        Message message = stored(Instant.parse("2026-11-24T09:00:10Z"));
        // the claim was won, then the process died: no schedule exists, and later records see "being created"
        new SlotStore(services.dynamo(), services.tables().slots()).claim(Instant.parse("2026-11-24T09:01:00Z").getEpochSecond(), clock.instant());
        assertThat(slots.ensureScheduled(message)).isInstanceOf(SlotService.Outcome.AlreadyScheduled.class);
        assertThat(scheduler.createCalls).isEmpty();

        var sweep = services.sweep(SweepSettings.of(Duration.ofMinutes(5)).readyGrace(Duration.ofMinutes(5)).slotGrace(Duration.ofMinutes(2)));
        clock.set(Instant.parse("2026-11-24T09:02:00Z"));
        assertThat(sweep.run().slotsReleased()).isZero();   // not overdue yet: Scheduler may still be on its way
        clock.set(Instant.parse("2026-11-24T09:03:01Z"));
        assertThat(sweep.run().slotsReleased()).isEqualTo(1);
        assertThat(status(message)).isEqualTo(MessageStatus.READY);
    }

    /** Found by the crash harness: a kill between marking the slot fired and releasing its messages stranded them. */
    @Test
    void a_slot_whose_firing_died_before_releasing_its_messages_is_released_by_the_sweep() {
        Message message = stored(Instant.parse("2026-11-24T09:00:10Z"));
        slots.ensureScheduled(message);
        // the schedule fired, marked the slot FIRED, and the process died before releasing anything
        new SlotStore(services.dynamo(), services.tables().slots()).markFired(Instant.parse("2026-11-24T09:01:00Z").getEpochSecond(), clock.instant());
        assertThat(status(message)).isEqualTo(MessageStatus.SCHEDULED);

        var sweep = services.sweep(SweepSettings.of(Duration.ofMinutes(5)).readyGrace(Duration.ofMinutes(5)).slotGrace(Duration.ofMinutes(2)));
        clock.set(Instant.parse("2026-11-24T09:03:01Z"));
        assertThat(sweep.run().slotsReleased()).isEqualTo(1);
        assertThat(status(message)).isEqualTo(MessageStatus.READY);
        clock.set(Instant.parse("2026-11-24T09:06:00Z"));
        assertThat(sweep.run().slotsReleased()).as("released slots leave the unfired index").isZero();
    }

    /** Invariant 3 at scale: 100,000 messages over a day, from 8 concurrent callers, through a recording scheduler. */
    @Test
    void one_hundred_thousand_messages_over_a_day_call_create_schedule_once_per_distinct_slot() throws Exception {
        Instant start = clock.instant();
        List<Message> messages = IntStream.range(0, 100_000)
                .mapToObj(i -> scheduled(start.plusSeconds(61 + (long) i * 86_400 / 100_000)))
                .toList();
        long distinctSlots = messages.stream().map(m -> Slots.slotOf(m.dueAt().orElseThrow(), Duration.ofSeconds(60))).distinct().count();

        try (ExecutorService callers = Executors.newFixedThreadPool(8)) {
            for (Message message : messages) {
                callers.submit(() -> slots.ensureScheduled(message));
            }
        }

        assertThat(distinctSlots).isLessThanOrEqualTo(1_441);
        assertThat(scheduler.createCalls).hasSize((int) distinctSlots);
        assertThat(scheduler.createCalls.stream().map(ScheduleRequest::name).distinct().count()).isEqualTo(distinctSlots);
    }
}
