package io.nudge.scheduling;

import io.nudge.json.Json;
import io.nudge.log.Log;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.store.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * schedule-sends' two jobs. {@link #ensureScheduled} makes sure a SCHEDULED message's slot has its one-time schedule
 * (exactly one CreateSchedule per slot, elected by a conditional put) or, if the slot fired already, releases the
 * message at once. {@link #fire} releases a slot's messages, and those of any earlier slot that never fired.
 */
public final class SlotService {
    /** A CREATING claim this old belongs to a caller that failed: take over (CreateSchedule is idempotent by name). */
    static final Duration STUCK_CLAIM = Duration.ofSeconds(30);
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final Log LOG = Log.of(SlotService.class);

    private final SlotStore slots;
    private final MessageStore messages;
    private final Scheduler scheduler;
    private final Clock clock;

    public SlotService(SlotStore slots, MessageStore messages, Scheduler scheduler, Clock clock) {
        this.slots = slots;
        this.messages = messages;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    public sealed interface Outcome {
        record ScheduleCreated(long slot) implements Outcome {}

        record AlreadyScheduled(long slot) implements Outcome {}

        /** The slot fired (or is due) already: the message was released now. */
        record ReleasedNow(long slot) implements Outcome {}

        record NotScheduled() implements Outcome {}
    }

    public Outcome ensureScheduled(Message message) {
        if (message.status() != MessageStatus.SCHEDULED || message.dueAt().isEmpty()) {
            return new Outcome.NotScheduled();
        }
        long slot = Slots.slotOf(message.dueAt().get(), messages.slotWidth());
        Instant now = clock.instant();
        if (!Instant.ofEpochSecond(slot).isAfter(now)) {
            // Due already (a late stream record): a schedule in the past would never fire.
            messages.releaseNow(message.id(), "due", now);
            return new Outcome.ReleasedNow(slot);
        }
        return switch (slots.claim(slot, now)) {
            case SlotStore.Claim.Won won -> {
                createSchedule(slot);
                yield new Outcome.ScheduleCreated(slot);
            }
            case SlotStore.Claim.Creating creating -> {
                if (creating.since().plus(STUCK_CLAIM).isBefore(now)) {
                    createSchedule(slot);
                    yield new Outcome.ScheduleCreated(slot);
                }
                yield new Outcome.AlreadyScheduled(slot);
            }
            case SlotStore.Claim.Scheduled scheduled -> new Outcome.AlreadyScheduled(slot);
            case SlotStore.Claim.Fired fired -> {
                messages.releaseNow(message.id(), "due: slot had fired", now);
                yield new Outcome.ReleasedNow(slot);
            }
        };
    }

    private void createSchedule(long slot) {
        Instant at = Instant.ofEpochSecond(slot);
        scheduler.create(new ScheduleRequest(Slots.scheduleName(slot), "at(" + AT.format(at) + ")", ZoneOffset.UTC,
                ScheduleRequest.Target.SCHEDULE_SENDS, Json.write(Json.object().put("slot", at.toString())), true));
        slots.markScheduled(slot);
    }

    public record Fired(int slots, int released) {}

    /** Scheduler invoked us for {@code slot}. Firing twice releases nothing twice: releases are conditional. */
    public Fired fire(Instant slotTime) {
        long slot = slotTime.getEpochSecond();
        Instant now = clock.instant();
        slots.markFired(slot, now);
        int released = release(slot, now);
        int fired = 1;
        for (long earlier : slots.unfiredUpTo(slot)) {
            slots.markFired(earlier, now);
            released += release(earlier, now);
            fired++;
        }
        LOG.info("slot fired", "slot", slot, "slots", fired, "released", released);
        return new Fired(fired, released);
    }

    private int release(long slot, Instant now) {
        int[] released = {0};
        for (int shard = 0; shard < Slots.SHARDS; shard++) {
            String key = Slots.key(slot, shard);
            messages.forEachInSlot(slot, shard, message -> {
                if (messages.release(message.id(), key, now)) {
                    released[0]++;
                }
            });
        }
        return released[0];
    }
}
