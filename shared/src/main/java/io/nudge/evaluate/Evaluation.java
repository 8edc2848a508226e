package io.nudge.evaluate;

import java.util.List;

/** Why each candidate trigger did or did not fire for one event. */
public record Evaluation(String eventId, List<Decision> decisions) {
    public Evaluation {
        decisions = List.copyOf(decisions);
    }

    public sealed interface Decision {
        String triggerId();
    }

    /** A message was written (or already existed from an earlier delivery of the same event). */
    public record Matched(String triggerId, String messageId, boolean created) implements Decision {}

    /** The first condition that failed, by index and path. */
    public record NotMatched(String triggerId, int conditionIndex, String path) implements Decision {}

    public record Disabled(String triggerId) implements Decision {}
}
