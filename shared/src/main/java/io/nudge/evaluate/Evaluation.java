package io.nudge.evaluate;

import java.time.Instant;
import java.util.List;

/** Why each candidate trigger did or did not fire for one event, and what the event cancelled. */
public record Evaluation(String eventId, List<Decision> decisions) {
    public Evaluation {
        decisions = List.copyOf(decisions);
    }

    public sealed interface Decision {
        String triggerId();
    }

    /** A READY message was written (or already existed from an earlier delivery of the same event). */
    public record Matched(String triggerId, String messageId, boolean created) implements Decision {}

    /** A SCHEDULED message was written for {@code dueAt}. */
    public record Scheduled(String triggerId, String messageId, Instant dueAt, boolean created) implements Decision {}

    /** The first condition that failed, by index and path. */
    public record NotMatched(String triggerId, int conditionIndex, String path) implements Decision {}

    public record Disabled(String triggerId) implements Decision {}

    /** Matched, but the trigger's re-entry rule (once, once_per) says this user had their message. */
    public record ReentryBlocked(String triggerId, String rule) implements Decision {}

    /** This event cancelled a pending message of the trigger (cancelOn, or replace). */
    public record Cancelled(String triggerId, String messageId, boolean won) implements Decision {}

    /**
     * The event is the conversion goal of a trigger whose message the user got within the window: attributed to the
     * most recent such message (last touch). {@code counted} is true when this event is that message's conversion
     * (counted when it was first evaluated), false when another event converted the message before.
     */
    public record Converted(String triggerId, String messageId, boolean counted) implements Decision {}
}
