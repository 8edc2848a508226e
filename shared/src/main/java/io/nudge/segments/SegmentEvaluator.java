package io.nudge.segments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.evaluate.EvaluationContext;
import io.nudge.json.Json;
import io.nudge.model.Consent;
import io.nudge.model.UserProfile;
import io.nudge.trigger.Operator;
import java.time.Instant;
import java.util.function.Supplier;

/** Tests one user against a segment. Activity is read lazily: only a behaviour rule asks for it. */
public final class SegmentEvaluator {
    private SegmentEvaluator() {}

    /** Reads the user's activity only if a behaviour rule asks, and only the months the segment's longest window covers. */
    public static boolean test(Segment segment, UserProfile user, ActivityStore activity, Instant now) {
        return test(segment, user, () -> activity.find(user.userId(), now, SegmentRule.span(segment.rule())), now);
    }

    public static boolean test(Segment segment, UserProfile user, Supplier<Activity> activity, Instant now) {
        ObjectNode context = Json.object();
        context.set("user", EvaluationContext.user(user));
        Supplier<Activity> once = memoize(activity);
        return test(segment.rule(), user, context, once, now);
    }

    private static boolean test(SegmentRule rule, UserProfile user, ObjectNode context, Supplier<Activity> activity, Instant now) {
        return switch (rule) {
            case SegmentRule.All all -> all.rules().stream().allMatch(r -> test(r, user, context, activity, now));
            case SegmentRule.Any any -> any.rules().stream().anyMatch(r -> test(r, user, context, activity, now));
            case SegmentRule.UserCondition c -> c.condition().test(context);
            case SegmentRule.ConsentIs c -> {
                Consent consent = user.consent().get(c.channel());
                yield consent != null && consent.status() == c.status();
            }
            case SegmentRule.LastSeen l -> activity.get().lastSeenAt()
                    .map(seen -> l.before() ? seen.isBefore(now.minus(l.ago())) : !seen.isBefore(now.minus(l.ago())))
                    // never seen counts as "seen before any time", never as "seen recently"
                    .orElse(l.before());
            case SegmentRule.EventCount e -> compare(activity.get().count(e.event(), e.within(), now), e.op(), e.value());
        };
    }

    private static boolean compare(long actual, Operator op, long value) {
        return switch (op) {
            case GTE -> actual >= value;
            case GT -> actual > value;
            case LTE -> actual <= value;
            case LT -> actual < value;
            case EQ -> actual == value;
            default -> throw new IllegalArgumentException("not a count operator: " + op);
        };
    }

    private static Supplier<Activity> memoize(Supplier<Activity> supplier) {
        Activity[] cached = new Activity[1];
        return () -> {
            if (cached[0] == null) {
                cached[0] = supplier.get();
            }
            return cached[0];
        };
    }
}
