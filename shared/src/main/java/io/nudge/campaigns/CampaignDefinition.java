package io.nudge.campaigns;

import io.nudge.model.Channel;
import io.nudge.model.Priority;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A campaign: who (a segment), what (variants, each a template with a weight), how many held out, when (a Scheduler
 * expression in a zone, and optionally a local send time per user), and the goal event counted as a conversion.
 */
public record CampaignDefinition(String id, String segment, Channel channel, List<Variant> variants, int holdoutPercent,
        Optional<Schedule> schedule, Optional<LocalTime> sendAtLocalTime, Priority priority, Optional<Goal> goal, boolean enabled,
        Optional<String> description, Optional<String> topic) {
    public static final String HOLDOUT = "holdout";

    public CampaignDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(topic, "topic");
        variants = List.copyOf(variants);
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("variants must not be empty");
        }
    }

    public record Variant(String id, String template, int weight) {}

    public record Schedule(String expression, ZoneId timezone) {}

    /** A goal event within {@code window} after a message (or, for the holdout, after the run) is a conversion. */
    public record Goal(String event, Duration window) {}

    /** The zone a send-at local time falls back to for users without one: the schedule's, else UTC. */
    public ZoneId defaultZone() {
        return schedule.map(Schedule::timezone).orElse(ZoneId.of("UTC"));
    }

    /** Arm ids: the variants', then "holdout". */
    public List<String> arms() {
        List<String> arms = new java.util.ArrayList<>(variants.stream().map(Variant::id).toList());
        arms.add(HOLDOUT);
        return arms;
    }
}
