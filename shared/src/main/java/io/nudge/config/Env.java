package io.nudge.config;

import java.util.Map;
import java.util.Optional;

/** Reading configuration fails at init, naming the variable, never at the first request. */
public final class Env {
    private Env() {}

    public static String require(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value.trim();
    }

    public static Optional<String> optional(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /**
     * A whole number from {@code min} to {@code max}, or a failure naming the variable, the unit and the value.
     * (Read at init: a misconfigured function fails its first start, not a request.)
     */
    public static long wholeNumber(String name, String value, long min, long max, String unit) {
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // the message below says what is expected
        }
        throw new IllegalStateException("environment variable " + name + " must be a whole number of " + unit + " from " + min
                + " to " + max + ", not '" + value + "'");
    }
}
