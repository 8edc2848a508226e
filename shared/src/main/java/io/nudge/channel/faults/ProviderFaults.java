package io.nudge.channel.faults;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * How often a fault-injecting provider misbehaves, as shares of send attempts, and the seed that makes it repeatable.
 * Written {@code throttle=0.2,timeout=0.05,permanent=0.02,seed=42} ({@code --provider-faults}, NUDGE_PROVIDER_FAULTS).
 *
 * <ul>
 *   <li>{@code throttle}: the provider refuses because of our rate (SES TooManyRequests, SNS Throttled) — retryable;</li>
 *   <li>{@code connect_timeout}: the connection is never made, so the request never left — retryable;</li>
 *   <li>{@code timeout}: no answer after the request was written, and the provider did take it (the worst case) —
 *       the outcome is unknown and the message is never sent again;</li>
 *   <li>{@code permanent}: the provider refuses this message for good (MessageRejected) — FAILED with the reason.</li>
 * </ul>
 *
 * <p>Each attempt's fault is a pure function of the seed, the attempt's key (channel and message id) and how many
 * attempts that key had before ({@link #faultOf}): the same seed gives the same faults to the same messages whatever
 * the threads' interleaving, so a test can compute what must happen.
 */
public record ProviderFaults(double throttle, double connectTimeout, double timeout, double permanent, long seed) {
    public static final String ENV = "NUDGE_PROVIDER_FAULTS";

    public enum Fault { NONE, THROTTLE, CONNECT_TIMEOUT, TIMEOUT, PERMANENT }

    public ProviderFaults {
        share("throttle", throttle);
        share("connect_timeout", connectTimeout);
        share("timeout", timeout);
        share("permanent", permanent);
        if (throttle + connectTimeout + timeout + permanent > 1.0 + 1e-9) {
            throw new IllegalArgumentException("provider faults add up to more than 1");
        }
    }

    /** Empty for blank, {@code off} or {@code none}; otherwise every {@code key=value}, each key known. */
    public static Optional<ProviderFaults> parse(String spec) {
        if (spec == null || spec.isBlank() || spec.strip().equalsIgnoreCase("off") || spec.strip().equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String pair = part.strip();
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("provider faults: '" + pair + "' is not key=value"
                        + " (keys: throttle, connect_timeout, timeout, permanent, seed)");
            }
            String key = pair.substring(0, eq).strip().toLowerCase(Locale.ROOT).replace('-', '_');
            if (values.put(key, pair.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException("provider faults: " + key + " given twice");
            }
        }
        double throttle = 0;
        double connect = 0;
        double timeout = 0;
        double permanent = 0;
        long seed = 1;
        for (Map.Entry<String, String> e : values.entrySet()) {
            switch (e.getKey()) {
                case "throttle" -> throttle = number(e.getKey(), e.getValue());
                case "connect_timeout" -> connect = number(e.getKey(), e.getValue());
                case "timeout" -> timeout = number(e.getKey(), e.getValue());
                case "permanent" -> permanent = number(e.getKey(), e.getValue());
                case "seed" -> {
                    try {
                        seed = Long.parseLong(e.getValue());
                    } catch (NumberFormatException bad) {
                        throw new IllegalArgumentException("provider faults: seed must be a whole number, not '" + e.getValue() + "'");
                    }
                }
                default -> throw new IllegalArgumentException("provider faults: unknown key '" + e.getKey()
                        + "' (keys: throttle, connect_timeout, timeout, permanent, seed)");
            }
        }
        return Optional.of(new ProviderFaults(throttle, connect, timeout, permanent, seed));
    }

    /** The fault of attempt {@code attempt} (0 = the first) of {@code key}. */
    public Fault faultOf(String key, int attempt) {
        double u = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ fnv64(key) ^ (attempt + 1) * 0xBF58476D1CE4E5B9L).nextDouble();
        double edge = throttle;
        if (u < edge) {
            return Fault.THROTTLE;
        }
        edge += connectTimeout;
        if (u < edge) {
            return Fault.CONNECT_TIMEOUT;
        }
        edge += timeout;
        if (u < edge) {
            return Fault.TIMEOUT;
        }
        edge += permanent;
        return u < edge ? Fault.PERMANENT : Fault.NONE;
    }

    /** Whether a fault ends the attempts of a message (true) or leads to another attempt (false). */
    public static boolean retryable(Fault fault) {
        return fault == Fault.THROTTLE || fault == Fault.CONNECT_TIMEOUT;
    }

    @Override
    public String toString() {
        return "throttle=" + throttle + ",connect_timeout=" + connectTimeout + ",timeout=" + timeout
                + ",permanent=" + permanent + ",seed=" + seed;
    }

    private static double number(String key, String value) {
        double v;
        try {
            v = Double.parseDouble(value);
        } catch (NumberFormatException bad) {
            throw new IllegalArgumentException("provider faults: " + key + " must be a number from 0 to 1, not '" + value + "'");
        }
        share(key, v);
        return v;
    }

    private static void share(String key, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("provider faults: " + key + " must be from 0 to 1, not " + v);
        }
    }

    private static long fnv64(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
