package io.nudge.guards;

import java.util.Optional;

/** Why an address is on the suppression list. */
public enum SuppressionReason {
    BOUNCED, COMPLAINED, UNSUBSCRIBED, MANUAL;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<SuppressionReason> fromWire(String value) {
        for (SuppressionReason r : values()) {
            if (r.wire().equals(value)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
