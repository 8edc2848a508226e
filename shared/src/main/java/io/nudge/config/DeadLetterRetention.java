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
        String value = Env.optional(env, ENV).orElse(null);
        if (value == null) {
            return DEFAULT;
        }
        try {
            long days = Long.parseLong(value);
            if (days >= 1 && days <= MAX_DAYS) {
                return Duration.ofDays(days);
            }
        } catch (NumberFormatException notANumber) {
            // the message below says what is expected
        }
        throw new IllegalStateException("environment variable " + ENV + " must be a whole number of days from 1 to " + MAX_DAYS
                + ", not '" + value + "'");
    }
}
