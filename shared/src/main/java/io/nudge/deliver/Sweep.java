package io.nudge.deliver;

import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Times;
import io.nudge.scheduling.SlotReleaser;
import io.nudge.stats.Counter;
import io.nudge.stats.StatsStore;
import io.nudge.store.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Invariant 2's sweep, plus two backstops (nothing stranded). A SENDING message claimed longer ago than {@code grace}
 * (longer than any delivery can run) may have reached the provider — the claim stamps attemptAt in the same write,
 * just before the call — so it becomes UNKNOWN, never resent. A READY message that has waited longer than
 * {@code readyGrace} was never handed to deliver (a stream mapping gives up on a record after its retries, a poller lost it): a history note re-drives it
 * (its stream record is READY again; deliver's claim is conditional, so a second hand-off sends once), at most once
 * per {@code readyGrace}.
 * Slots whose schedule never fired are released.
 *
 * <p>One run looks at no more than {@code perShard} in-flight messages per shard, oldest first. A READY message older
 * than {@code readyGrace} is usually not lost but queued behind a deliver backlog (a large campaign); re-driving all
 * of them each run would add a write and a stream record per message to the very backlog that delays them (a local
 * 100,000-user campaign spent most of DynamoDB Local on it). The bound keeps a run's cost fixed; what is left is
 * seen by the next runs, as the backlog drains.
 */
public final class Sweep {
    private final MessageStore messages;
    private final StatsStore stats;
    private final SlotReleaser slots;
    private final Clock clock;
    private final Duration grace;
    private final Duration readyGrace;
    private final Duration slotGrace;
    private final int perShard;

    /**
     * @param grace      longer than any delivery can run: a claim this old belongs to a dead delivery
     * @param readyGrace how long a READY message may wait for deliver before it is handed over again
     * @param slotGrace  how late a slot may be before the sweep releases it itself
     * @param perShard   in-flight messages looked at per shard and run, oldest first
     */
    public Sweep(MessageStore messages, StatsStore stats, SlotReleaser slots, Clock clock, Duration grace, Duration readyGrace,
            Duration slotGrace, int perShard) {
        this.messages = messages;
        this.stats = stats;
        this.slots = slots;
        this.clock = clock;
        this.grace = grace;
        this.readyGrace = readyGrace;
        this.slotGrace = slotGrace;
        if (perShard < 1) {
            throw new IllegalArgumentException("perShard must be at least 1");
        }
        this.perShard = perShard;
    }

    public record Result(int unknown, int redriven, int slotsReleased) {}

    public Result run() {
        int unknown = 0;
        int redriven = 0;
        Instant now = clock.instant();
        Instant claimCutoff = now.minus(grace);
        Instant readyCutoff = now.minus(readyGrace);
        Instant cutoff = claimCutoff.isAfter(readyCutoff) ? claimCutoff : readyCutoff;
        for (MessageStore.InFlight found : messages.inFlightSince(cutoff, perShard)) {
            Message message = found.message();
            if (message.status() == MessageStatus.READY) {
                if (found.since().isBefore(readyCutoff)
                        && messages.redrive(message.id(), "sweep: re-driven, READY since " + Times.format(found.since()), now)) {
                    redriven++;
                }
                continue;
            }
            if (message.status() != MessageStatus.SENDING || found.claimedAt().isEmpty() || !found.claimedAt().get().isBefore(claimCutoff)) {
                continue;
            }
            if (messages.transition(message.id(), MessageStatus.SENDING, MessageStatus.UNKNOWN,
                    Optional.of("sweep: provider call outcome unknown"), Optional.empty(), now)) {
                stats.increment(io.nudge.stats.StatsSubjects.of(message), message.channel(), now, Counter.UNKNOWN);
                unknown++;
            }
        }
        // Slots whose schedule never fired (its creator died after claiming it, or Scheduler gave up): release them.
        int overdue = slots.fireOverdue(slotGrace).slots();
        return new Result(unknown, redriven, overdue);
    }
}
