package io.nudge.journey;

import io.nudge.trigger.CancelRule;
import io.nudge.trigger.Condition;
import io.nudge.trigger.Reentry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A journey: an entry event (with conditions), a graph of steps from {@code start}, the events that end an instance
 * wherever it is ({@code exitOn}) and a conversion goal. Stored by version: an instance runs the version it entered.
 * {@code steps} keeps the document's order (a LinkedHashMap copy), which is also the order validation reports in.
 */
public record JourneyDefinition(
        String id,
        int version,
        String name,
        boolean enabled,
        Entry entry,
        Reentry reentry,
        List<CancelRule> exitOn,
        Optional<JourneyConversion> conversion,
        String start,
        Map<String, JourneyStep> steps) {
    public JourneyDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(reentry, "reentry");
        exitOn = List.copyOf(exitOn);
        Objects.requireNonNull(conversion, "conversion");
        Objects.requireNonNull(start, "start");
        steps = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(steps));
        if (!steps.containsKey(start)) {
            throw new IllegalArgumentException("start step " + start + " is not a step");
        }
    }

    /** "When {event} happens and every condition holds, the user enters." */
    public record Entry(String event, List<Condition> conditions) {
        public Entry {
            Objects.requireNonNull(event, "event");
            conditions = List.copyOf(conditions);
        }
    }

    /** The goal: the event within the window after entry counts once (last touch: the latest send step); exit ends it. */
    public record JourneyConversion(String event, Duration within, boolean exit) {
        public JourneyConversion {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(within, "within");
        }
    }

    public JourneyStep step(String stepId) {
        JourneyStep step = steps.get(stepId);
        if (step == null) {
            throw new IllegalArgumentException("journey " + id + " v" + version + " has no step " + stepId);
        }
        return step;
    }
}
