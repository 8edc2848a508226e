package io.nudge.ratelimit;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A per-key request rate: {@code perSecond} on average, with bursts up to {@code burst} requests.
 * Written {@code 100/s burst 200} (also {@code /m}, {@code /h}; the burst defaults to twice the per-second rate, at
 * least 1). {@link #VARIABLE} sets the default of every key; a key may carry its own.
 */
public record RateLimit(double perSecond, int burst) {
    public static final String VARIABLE = "NUDGE_KEY_RATE_LIMIT";
    /** Generous: a backend posting batches of events stays far below it; a runaway loop does not. */
    public static final RateLimit DEFAULT = new RateLimit(1000, 2000);
    private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*/\\s*([smh])(?:\\s+burst\\s+(\\d+))?");

    public RateLimit {
        if (!(perSecond > 0) || perSecond > 1_000_000) {
            throw new IllegalArgumentException("the rate must be above 0 and at most 1000000/s");
        }
        if (burst < 1 || burst > 10_000_000) {
            throw new IllegalArgumentException("the burst must be 1 to 10000000");
        }
    }

    /** @throws IllegalArgumentException naming the expected format */
    public static RateLimit parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("a rate limit is written like '100/s burst 200' (per s, m or h; burst optional)");
        }
        double per = Double.parseDouble(m.group(1)) / switch (m.group(2)) {
            case "s" -> 1;
            case "m" -> 60;
            default -> 3600;
        };
        int burst = m.group(3) != null ? parseBurst(m.group(3)) : (int) Math.max(1, Math.min(10_000_000, Math.ceil(2 * per)));
        return new RateLimit(per, burst);
    }

    private static int parseBurst(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the burst must be 1 to 10000000");
        }
    }

    /**
     * {@link #VARIABLE}: empty when it is {@code off} (no limit), {@link #DEFAULT} when unset; fails at init, naming the
     * variable, when malformed.
     */
    public static Optional<RateLimit> fromEnvironment(Map<String, String> env) {
        String value = env.get(VARIABLE);
        if (value == null || value.isBlank()) {
            return Optional.of(DEFAULT);
        }
        if (value.strip().equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("environment variable " + VARIABLE + " is malformed: " + e.getMessage());
        }
    }

    /** The canonical spelling, as {@link #parse} reads it. */
    public String wire() {
        String rate = perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) + "/s"
                : perSecond * 60 == Math.rint(perSecond * 60) ? Long.toString(Math.round(perSecond * 60)) + "/m"
                : Long.toString(Math.round(perSecond * 3600)) + "/h";
        return rate + " burst " + burst;
    }
}
