package io.nudge.trigger;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

/** "Deliver at the next {@code localTime} in the user's zone" ({@code defaultZone} for users without one). */
public record SendAt(LocalTime localTime, ZoneId defaultZone) {
    public SendAt {
        Objects.requireNonNull(localTime, "localTime");
        Objects.requireNonNull(defaultZone, "defaultZone");
    }

    /**
     * The first instant at or after {@code notBefore} whose wall-clock time in {@code zone} is {@code localTime}.
     * On a spring-forward day a time inside the gap moves forward by the gap (02:30 → 03:30), as java.time does.
     */
    public Instant next(Instant notBefore, ZoneId zone) {
        ZonedDateTime start = notBefore.atZone(zone);
        ZonedDateTime candidate = ZonedDateTime.of(start.toLocalDate(), localTime, zone);
        if (candidate.toInstant().isBefore(notBefore)) {
            candidate = ZonedDateTime.of(start.toLocalDate().plusDays(1), localTime, zone);
        }
        return candidate.toInstant();
    }
}
