package io.nudge.guards;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A nightly window (default 21:00–08:00) in the user's time zone when marketing waits. */
public record QuietHours(LocalTime start, LocalTime end) {
    private static final Pattern WINDOW = Pattern.compile("([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])");

    public QuietHours {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }

    public static QuietHours defaults() {
        return new QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0));
    }

    /** "21:00-08:00"; empty when the text is not such a window. */
    public static Optional<QuietHours> parse(String text) {
        Matcher m = WINDOW.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new QuietHours(LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))),
                LocalTime.of(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)))));
    }

    /**
     * When {@code now} falls inside the window in {@code zone}, the instant the window ends (the next {@code end} local
     * time; across a DST change java.time resolves it); empty outside the window.
     */
    public Optional<Instant> endIfInside(Instant now, ZoneId zone) {
        if (start.equals(end)) {
            return Optional.empty();
        }
        ZonedDateTime local = now.atZone(zone);
        LocalTime time = local.toLocalTime();
        boolean overnight = start.isAfter(end);
        boolean inside = overnight ? !time.isBefore(start) || time.isBefore(end) : !time.isBefore(start) && time.isBefore(end);
        if (!inside) {
            return Optional.empty();
        }
        LocalDate endDate = overnight && !time.isBefore(start) ? local.toLocalDate().plusDays(1) : local.toLocalDate();
        return Optional.of(ZonedDateTime.of(endDate, end, zone).toInstant());
    }

    public String wire() {
        return start + "-" + end;
    }
}
