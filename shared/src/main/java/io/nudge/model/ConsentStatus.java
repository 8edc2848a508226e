package io.nudge.model;

import java.util.Optional;

public enum ConsentStatus {
    OPTED_IN("opted_in"), OPTED_OUT("opted_out");

    private final String wire;

    ConsentStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<ConsentStatus> fromWire(String value) {
        for (ConsentStatus s : values()) {
            if (s.wire.equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
