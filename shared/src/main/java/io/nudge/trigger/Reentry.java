package io.nudge.trigger;

import java.time.Duration;
import java.util.Objects;

/** What happens when a user fires a trigger again while or after it messaged them. */
public sealed interface Reentry {
    /** Every matching event gets its message. */
    record Always() implements Reentry {}

    /** At most one message per user, ever. */
    record Once() implements Reentry {}

    /** At most one message per user per window, counted from the event that got one. */
    record OncePer(Duration window) implements Reentry {
        public OncePer {
            Objects.requireNonNull(window, "window");
        }
    }

    /** A new event cancels the user's pending message of this trigger and schedules a new one (debounce). */
    record Replace() implements Reentry {}

    static String wire(Reentry reentry) {
        return switch (reentry) {
            case Always a -> "always";
            case Once o -> "once";
            case OncePer p -> "once_per:" + p.window();
            case Replace r -> "replace";
        };
    }
}
