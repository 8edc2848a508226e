package io.nudge.scheduling;

import java.time.Duration;
import java.time.Instant;

/**
 * Time slots (invariant 3): a delayed message waits in the slot its due time rounds UP to, so one schedule per
 * slot releases everything due in it, and a message is never released early.
 */
public final class Slots {
    /** The slot index is written by many messages at once: spread each slot over this many partitions. */
    public static final int SHARDS = 8;

    private Slots() {}

    /** Epoch second of the slot {@code due} belongs to: the first slot boundary at or after it. */
    public static long slotOf(Instant due, Duration width) {
        long w = width.toSeconds();
        long seconds = due.getEpochSecond() + (due.getNano() > 0 ? 1 : 0);
        return Math.floorDiv(seconds + w - 1, w) * w;
    }

    public static String key(long slot, int shard) {
        return slot + "#" + shard;
    }

    public static int shardOf(String messageId) {
        return Math.floorMod(messageId.hashCode(), SHARDS);
    }

    /** Deterministic and within Scheduler's name rules ([0-9a-zA-Z-_.]{1,64}). */
    public static String scheduleName(long slot) {
        return "nudge-slot-" + slot;
    }
}
