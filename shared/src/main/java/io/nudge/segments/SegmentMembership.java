package io.nudge.segments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.model.Event;
import io.nudge.model.UserProfile;
import io.nudge.trigger.Condition;
import io.nudge.trigger.TriggerDefinition;
import io.nudge.trigger.TriggerParser;
import java.time.Clock;
import java.util.List;

/**
 * What evaluate-triggers does for segments and campaigns: records each event in the user's activity counters (and
 * campaign goal conversions, {@link io.nudge.campaigns.GoalConversions}), and puts the result of
 * every segment a candidate trigger refers to into the context as {@code segment.<id>} (true/false), where the
 * trigger's {@code {"segment":…}} condition reads it. An unknown (deleted) segment is false.
 */
public class SegmentMembership {
    /** Does nothing: for services built without segments. */
    public static final SegmentMembership NONE = new SegmentMembership(null, null, null, null);

    private final ActivityStore activity;
    private final SegmentCatalog segments;
    private final io.nudge.campaigns.GoalConversions conversions;
    private final Clock clock;

    /** @param conversions campaign goal events (per arm, holdout included); null for none */
    public SegmentMembership(ActivityStore activity, SegmentCatalog segments, io.nudge.campaigns.GoalConversions conversions,
            Clock clock) {
        this.activity = activity;
        this.segments = segments;
        this.conversions = conversions;
        this.clock = clock;
    }

    public void refresh() {
        if (segments != null) {
            segments.refresh();
        }
        if (conversions != null) {
            conversions.refresh();
        }
    }

    /** Every event: the user's activity counters, and a campaign goal conversion when it is one. */
    public void record(Event event) {
        if (activity != null) {
            activity.record(event);
        }
        if (conversions != null) {
            conversions.record(event);
        }
    }

    public void annotate(ObjectNode context, List<TriggerDefinition> candidates, UserProfile user) {
        if (segments == null) {
            return;
        }
        ObjectNode results = null;
        for (TriggerDefinition trigger : candidates) {
            for (Condition c : trigger.conditions()) {
                if (!c.path().equals(TriggerParser.SEGMENT_PATH)) {
                    continue;
                }
                if (results == null) {
                    results = context.putObject(TriggerParser.SEGMENT_PATH);
                }
                String id = c.segments().get(1);
                if (!results.has(id)) {
                    results.put(id, segments.find(id)
                            .map(s -> SegmentEvaluator.test(s, user, activity, clock.instant()))
                            .orElse(false));
                }
            }
        }
    }
}
