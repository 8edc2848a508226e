package io.nudge.local;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * How long an end-to-end test waits for asynchronous work (stream → handler) before failing. Generous, because the
 * wait ends as soon as the condition holds and a shared 2-core machine can be slow; it never stands in for a delay.
 */
final class ItTime {
    static final long DEADLINE_SECONDS = 60;

    private ItTime() {}

    /**
     * An Etc/GMT zone whose local hour is now {@code hour} (Etc/GMT signs are inverted): users put there are inside or
     * outside quiet hours whatever time the test runs.
     */
    static String zoneAt(int hour) {
        int utc = Instant.now().atZone(ZoneOffset.UTC).getHour();
        int offset = ((hour - utc) % 24 + 24) % 24;
        if (offset > 14) {
            offset -= 24;
        }
        return offset == 0 ? "Etc/GMT" : "Etc/GMT" + (offset > 0 ? "-" + offset : "+" + (-offset));
    }
}
