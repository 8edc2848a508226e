package io.nudge.scheduling;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code at(yyyy-mm-ddThh:mm:ss)}: one local date and time, read in the schedule's zone. */
record AtExpression(String text, LocalDateTime time) implements ScheduleExpression {
    private static final Pattern SHAPE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}");
    // STRICT with uuuu: 2026-02-30 is an error, not quietly 2026-02-28.
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);

    static AtExpression parse(String text, String inner) {
        if (!SHAPE.matcher(inner).matches()) {
            throw InvalidSchedule.because("at(...) takes a date and time as yyyy-mm-ddThh:mm:ss,"
                    + " e.g. at(2026-12-24T18:00:00)");
        }
        try {
            return new AtExpression(text, LocalDateTime.parse(inner, FORMAT));
        } catch (DateTimeParseException e) {
            throw InvalidSchedule.because("at(" + inner + ") is not a real date and time");
        }
    }

    @Override
    public Optional<Instant> nextFireAfter(Instant after, ZoneId zone, Instant start) {
        Objects.requireNonNull(after, "after");
        Instant fire = instant(time, zone);
        return fire.isAfter(after) ? Optional.of(fire) : Optional.empty();
    }

    @Override
    public boolean oneTime() {
        return true;
    }

    /**
     * In a spring-forward gap: the first valid instant after it (EventBridge does not document this case; a one-time
     * schedule must not be lost). In a fall-back overlap: the first occurrence.
     */
    static Instant instant(LocalDateTime local, ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
        if (offsets.isEmpty()) {
            ZoneOffsetTransition gap = zone.getRules().getTransition(local);
            return gap.getInstant();
        }
        return local.toInstant(offsets.getFirst());
    }
}
