package io.nudge.config;

import java.time.Duration;
import java.util.Map;

/** How wide a time slot is: 60 s on AWS (EventBridge Scheduler's precision), 1 s locally. */
public final class SlotWidth {
    public static final String ENV = "NUDGE_SLOT_SECONDS";

    private SlotWidth() {}

    public static Duration fromEnvironment(Map<String, String> env) {
        return Duration.ofSeconds(Env.wholeNumber(ENV, Env.require(env, ENV), 1, 3600, "seconds"));
    }
}
