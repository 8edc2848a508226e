package io.nudge.deliver;

import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.scheduling.SlotReleaser;
import io.nudge.stats.Counter;
import io.nudge.stats.StatsStore;
import io.nudge.stats.Subject;
import io.nudge.store.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Invariant 2's sweep, plus overdue slots (invariant 3: nothing stranded). A SENDING message claimed longer ago than {@code grace} (longer than any delivery can
 * run) either never reached the provider (no attemptAt: back to READY) or may have (attemptAt: UNKNOWN, never resent).
 */
public final class Sweep {
    private final MessageStore messages;
    private final StatsStore stats;
    private final SlotReleaser slots;
    private final Clock clock;
    private final Duration grace;
    private final Duration slotGrace;

    /**
     * @param grace     longer than any delivery can run: a claim this old belongs to a dead delivery
     * @param slotGrace how late a slot may be before the sweep releases it itself
     */
    public Sweep(MessageStore messages, StatsStore stats, SlotReleaser slots, Clock clock, Duration grace, Duration slotGrace) {
        this.messages = messages;
        this.stats = stats;
        this.slots = slots;
        this.clock = clock;
        this.grace = grace;
        this.slotGrace = slotGrace;
    }

    public record Result(int requeued, int unknown, int slotsReleased) {}

    public Result run() {
        int requeued = 0;
        int unknown = 0;
        for (Message message : messages.inFlightClaimedBefore(clock.instant().minus(grace))) {
            if (message.status() != MessageStatus.SENDING) {
                continue;
            }
            if (message.attemptAt().isEmpty()) {
                if (messages.transition(message.id(), MessageStatus.SENDING, MessageStatus.READY,
                        Optional.of("sweep: claimed but never sent"), Optional.empty(), clock.instant())) {
                    requeued++;
                }
            } else if (messages.transition(message.id(), MessageStatus.SENDING, MessageStatus.UNKNOWN,
                    Optional.of("sweep: provider call outcome unknown"), Optional.empty(), clock.instant())) {
                stats.increment(io.nudge.stats.StatsSubjects.of(message), message.channel(), clock.instant(), Counter.UNKNOWN);
                unknown++;
            }
        }
        // Slots whose schedule never fired (its creator died after claiming it, or Scheduler gave up): release them.
        int overdue = slots.fireOverdue(slotGrace).slots();
        return new Result(requeued, unknown, overdue);
    }
}
