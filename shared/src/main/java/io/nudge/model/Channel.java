package io.nudge.model;

import java.util.Locale;
import java.util.Optional;

public enum Channel {
    EMAIL, SMS, PUSH;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
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
