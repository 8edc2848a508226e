package io.nudge.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.trigger.Operator;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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

    /**
     * The first condition that failed: its index, path and operator, the value the trigger expects (none for exists and
     * not_exists) and the value the matcher found at the path. Stored with the event (personal data like the event
     * itself, erased and expired with it); never logged.
     */
    public record NotMatched(String triggerId, int conditionIndex, String path, Operator op, Optional<JsonNode> expected,
                             Actual actual) implements Decision {
        public NotMatched {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(expected, "expected");
            Objects.requireNonNull(actual, "actual");
        }
    }

    /** What a failing condition found at its path. */
    public sealed interface Actual {
        /** Larger values are not copied into the evaluation: the event item holds them already, and stays under 400 KB. */
        int MAX_CHARS = 1024;

        /** The value at the path, or {@link Missing}; a value longer than {@link #MAX_CHARS} as JSON is {@link TooLarge}. */
        static Actual of(JsonNode node) {
            if (node == null || node.isMissingNode()) {
                return new Missing();
            }
            int length = node.toString().length();
            return length > MAX_CHARS ? new TooLarge(length) : new Value(node.deepCopy());
        }
    }

    /** The path leads nowhere in the event or profile. */
    public record Missing() implements Actual {}

    public record Value(JsonNode value) implements Actual {
        public Value {
            Objects.requireNonNull(value, "value");
        }

        /** The event's or profile's own data: never in a log line or an exception message. */
        @Override
        public String toString() {
            return "Value[" + value.getNodeType() + "]";
        }
    }

    /** Present, but {@code length} characters of JSON: not copied. */
    public record TooLarge(int length) implements Actual {}

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
