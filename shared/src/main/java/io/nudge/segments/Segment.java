package io.nudge.segments;

import java.util.Objects;

/** A saved audience definition. */
public record Segment(String id, SegmentRule rule) {
    public Segment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rule, "rule");
    }

    public boolean needsActivity() {
        return SegmentRule.needsActivity(rule);
    }
}
