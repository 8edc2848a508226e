package io.nudge.model;

import java.util.Locale;
import java.util.Optional;

/** Marketing messages pass every guard; transactional ones (receipts, password resets) skip caps and quiet hours. */
public enum Priority {
    MARKETING, TRANSACTIONAL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Priority> fromWire(String value) {
        for (Priority p : values()) {
            if (p.wire().equals(value)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
