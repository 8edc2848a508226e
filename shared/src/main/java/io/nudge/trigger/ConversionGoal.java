package io.nudge.trigger;

import java.time.Duration;
import java.util.Objects;

/**
 * "The message worked if the user does {event} within {within} of it": such an event is attributed to the user's
 * most recent SENT or DELIVERED message of the trigger sent within the window before it (last touch), once.
 */
public record ConversionGoal(String event, Duration within) {
    public ConversionGoal {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(within, "within");
    }
}
