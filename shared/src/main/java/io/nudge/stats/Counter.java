package io.nudge.stats;

import java.util.Locale;

/** The counters people read. Suppressions are counted per reason as "suppressed.<reason>". */
public enum Counter {
    TRIGGERED, SCHEDULED, CANCELLED, DEFERRED, SENT, DELIVERED, BOUNCED, COMPLAINED, OPENED, CLICKED, CONVERTED,
    UNSUBSCRIBED, FAILED, UNKNOWN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static String suppressed(String reason) {
        return "suppressed." + reason;
    }
}
