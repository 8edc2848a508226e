package io.nudge.channel;

import java.util.Locale;
import java.util.Optional;

/** Where a push token came from: Firebase (Android, and iOS through Firebase), APNs production or APNs sandbox. */
public enum PushPlatform {
    FCM, APNS, APNS_SANDBOX;

    /** {@code fcm}, {@code apns}, {@code apns_sandbox}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PushPlatform> fromWire(String value) {
        for (PushPlatform p : values()) {
            if (p.wire().equals(value)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
