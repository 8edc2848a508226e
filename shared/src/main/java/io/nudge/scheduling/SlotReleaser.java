package io.nudge.scheduling;

import io.nudge.log.Log;
import io.nudge.store.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Releases a slot's SCHEDULED messages (SCHEDULED → READY, conditional), wakes what else waits in it (journey
 * instances, {@link SlotWaiters}), and does the same for any earlier slot that never fired. Run by schedule-sends when Scheduler fires a slot, and by the sweep for slots overdue by more than a grace
 * period — a slot whose schedule was never created (its creator died between the claim and CreateSchedule) is
 * released all the same, so nothing is stranded.
 */
public final class SlotReleaser {
    private static final Log LOG = Log.of(SlotReleaser.class);

    private final SlotStore slots;
    private final MessageStore messages;
    private final SlotWaiters waiters;
    private final Clock clock;

    public SlotReleaser(SlotStore slots, MessageStore messages, Clock clock) {
        this(slots, messages, SlotWaiters.NONE, clock);
    }

    public SlotReleaser(SlotStore slots, MessageStore messages, SlotWaiters waiters, Clock clock) {
        this.slots = slots;
        this.messages = messages;
        this.waiters = waiters;
        this.clock = clock;
    }

    public record Fired(int slots, int released) {}

    public Fired fire(Instant slotTime) {
        long slot = slotTime.getEpochSecond();
        Instant now = clock.instant();
        slots.markFired(slot, now);
        int released = release(slot, now);
        slots.markReleased(slot);
        int fired = 1;
        for (long earlier : slots.unfiredUpTo(slot)) {
            slots.markFired(earlier, now);
            released += release(earlier, now);
            slots.markReleased(earlier);
            fired++;
        }
        LOG.info("slot fired", "slot", slot, "slots", fired, "released", released);
        return new Fired(fired, released);
    }

    /** The sweep: fires every unfired slot older than {@code grace} (their schedules are late or missing). */
    public Fired fireOverdue(Duration grace) {
        long cutoff = clock.instant().minus(grace).getEpochSecond();
        int fired = 0;
        int released = 0;
        for (long slot : slots.unfiredUpTo(cutoff)) {
            Fired f = fire(Instant.ofEpochSecond(slot));
            fired += f.slots();
            released += f.released();
        }
        return new Fired(fired, released);
    }

    private int release(long slot, Instant now) {
        int[] released = {0};
        for (int shard = 0; shard < Slots.SHARDS; shard++) {
            String key = Slots.key(slot, shard);
            messages.forEachInSlot(slot, shard, message -> {
                try {
                    if (messages.release(message.id(), key, now)) {
                        released[0]++;
                    }
                } catch (RuntimeException failure) {
                    if (!io.nudge.lambda.PermanentFailure.isPermanent(failure)) {
                        throw failure;
                    }
                    // A corrupt item (history not a list, say) would fail every retry and strand the slot's other
                    // messages: it stays in the table as it is, and the rest of the slot is released.
                    LOG.warn("a message in the slot cannot be released", "messageId", message.id(), "slot", slot,
                            "reason", failure.getClass().getSimpleName());
                }
            });
            released[0] += waiters.wake(slot, shard);
        }
        return released[0];
    }
}
