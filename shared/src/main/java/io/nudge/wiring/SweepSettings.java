package io.nudge.wiring;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * When the sweep acts on a stranded message or slot, and how much it looks at per run.
 *
 * @param grace how old a claim (SENDING) gets before the sweep acts
 * @param readyGrace how long a READY message waits before it is handed to deliver again
 * @param slotGrace how overdue a slot is before it counts as stranded; empty: two slot widths, at least two minutes
 * @param perShard in-flight messages one run looks at per shard
 */
public record SweepSettings(Duration grace, Duration readyGrace, Optional<Duration> slotGrace, int perShard) {
    public SweepSettings {
        positive("grace", grace);
        positive("readyGrace", readyGrace);
        Objects.requireNonNull(slotGrace, "slotGrace").ifPresent(d -> positive("slotGrace", d));
        if (perShard < 1) {
            throw new IllegalArgumentException("perShard must be at least 1, not " + perShard);
        }
    }

    /** As on AWS: a READY message waits as long as a claim; {@link Services#SWEEP_PER_SHARD} per shard. */
    public static SweepSettings of(Duration grace) {
        return new SweepSettings(grace, grace, Optional.empty(), Services.SWEEP_PER_SHARD);
    }

    public SweepSettings readyGrace(Duration ready) {
        return new SweepSettings(grace, ready, slotGrace, perShard);
    }

    public SweepSettings slotGrace(Duration slot) {
        return new SweepSettings(grace, readyGrace, Optional.of(slot), perShard);
    }

    public SweepSettings perShard(int count) {
        return new SweepSettings(grace, readyGrace, slotGrace, count);
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }
}
