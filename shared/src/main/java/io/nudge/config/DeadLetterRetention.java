package io.nudge.config;

import java.time.Duration;
import java.util.Map;

/**
 * How long a dead letter is kept before the DeadLetters table's TTL removes it: long enough to look at and replay
 * a bad record, short enough that the personal data a payload may carry (addresses, user ids) does not stay for good.
 */
public final class DeadLetterRetention {
    public static final String ENV = "NUDGE_DEAD_LETTER_RETENTION_DAYS";
    public static final Duration DEFAULT = Duration.ofDays(30);
    private static final int MAX_DAYS = 3650;

    private DeadLetterRetention() {}

    /** {@link #DEFAULT} when unset; a value that is not a whole number of days from 1 to 3650 fails at init. */
    public static Duration fromEnvironment(Map<String, String> env) {
        return Env.optional(env, ENV).map(value -> Duration.ofDays(Env.wholeNumber(ENV, value, 1, MAX_DAYS, "days"))).orElse(DEFAULT);
    }
}
