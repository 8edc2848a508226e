package io.nudge.segments;

import io.nudge.model.Channel;
import io.nudge.model.ConsentStatus;
import io.nudge.trigger.Condition;
import io.nudge.trigger.Operator;
import java.time.Duration;
import java.util.List;

/** A segment's rule tree: all/any groups over user conditions and behaviour conditions. */
public sealed interface SegmentRule {
    record All(List<SegmentRule> rules) implements SegmentRule {
        public All {
            rules = List.copyOf(rules);
        }
    }

    record Any(List<SegmentRule> rules) implements SegmentRule {
        public Any {
            rules = List.copyOf(rules);
        }
    }

    /** A trigger-shaped condition on a {@code user.*} path. */
    record UserCondition(Condition condition) implements SegmentRule {}

    /** How many times the user sent {@code event} in the last {@code within}, compared with {@code op value}. */
    record EventCount(String event, Operator op, long value, Duration within) implements SegmentRule {}

    /** Last seen before (more than {@code ago} ago) or after (within the last {@code ago}). */
    record LastSeen(boolean before, Duration ago) implements SegmentRule {}

    record ConsentIs(Channel channel, ConsentStatus status) implements SegmentRule {}

    /** The longest window or last-seen age in the rule: activity older than that cannot change its outcome. */
    static Duration span(SegmentRule rule) {
        return switch (rule) {
            case All all -> all.rules().stream().map(SegmentRule::span).max(Duration::compareTo).orElse(Duration.ZERO);
            case Any any -> any.rules().stream().map(SegmentRule::span).max(Duration::compareTo).orElse(Duration.ZERO);
            case EventCount e -> e.within();
            case LastSeen l -> l.ago();
            case UserCondition u -> Duration.ZERO;
            case ConsentIs c -> Duration.ZERO;
        };
    }

    /** True when testing this rule needs the user's activity counters (one extra read per user). */
    static boolean needsActivity(SegmentRule rule) {
        return switch (rule) {
            case All all -> all.rules().stream().anyMatch(SegmentRule::needsActivity);
            case Any any -> any.rules().stream().anyMatch(SegmentRule::needsActivity);
            case EventCount e -> true;
            case LastSeen l -> true;
            case UserCondition u -> false;
            case ConsentIs c -> false;
        };
    }
}
