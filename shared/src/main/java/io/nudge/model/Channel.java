package io.nudge.model;

import java.util.Locale;
import java.util.Optional;

public enum Channel {
    EMAIL, SMS, PUSH,
    /** An HTTP request to a team's own endpoint: it reaches no person, so it has no consent, address list or quiet hours. */
    WEBHOOK;

    /** Computed once: wire() is called for every evaluation context and stats key (bench/results/jmh.md profile). */
    private final String wire = name().toLowerCase(Locale.ROOT);

    public String wire() {
        return wire;
    }

    /** Whether a person receives it: consent, suppression, quiet hours and frequency caps apply. */
    public boolean reachesAPerson() {
        return this != WEBHOOK;
    }

    public static Optional<Channel> fromWire(String value) {
        for (Channel c : values()) {
            if (c.wire().equals(value)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
