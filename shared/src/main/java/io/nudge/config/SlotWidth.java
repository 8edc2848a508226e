package io.nudge.config;

import java.time.Duration;
import java.util.Map;

/** How wide a time slot is: 60 s on AWS (EventBridge Scheduler's precision), 1 s locally. */
public final class SlotWidth {
    public static final String ENV = "NUDGE_SLOT_SECONDS";

    private SlotWidth() {}

    public static Duration fromEnvironment(Map<String, String> env) {
        String value = Env.require(env, ENV);
        try {
            long seconds = Long.parseLong(value);
            if (seconds < 1 || seconds > 3600) {
                throw new IllegalStateException(ENV + " must be from 1 to 3600, not " + value);
            }
            return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(ENV + " must be a number of seconds, not " + value);
        }
    }
}
