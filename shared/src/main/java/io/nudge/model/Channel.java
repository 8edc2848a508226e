package io.nudge.model;

import java.util.Locale;
import java.util.Optional;

public enum Channel {
    EMAIL, SMS, PUSH;

    /** Computed once: wire() is called for every evaluation context and stats key (bench/results/jmh.md profile). */
    private final String wire = name().toLowerCase(Locale.ROOT);

    public String wire() {
        return wire;
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
