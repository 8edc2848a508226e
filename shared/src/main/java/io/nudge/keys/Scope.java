package io.nudge.keys;

import java.util.Locale;
import java.util.Optional;

/** {@code ingest} may post events and upsert users; {@code admin} may do everything. */
public enum Scope {
    INGEST, ADMIN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean allows(Scope required) {
        return this == ADMIN || this == required;
    }

    public static Optional<Scope> fromWire(String value) {
        for (Scope s : values()) {
            if (s.wire().equals(value)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
