package io.nudge.scheduling;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code cron(minutes hours day-of-month month day-of-week year)}, EventBridge's six fields, read in the schedule's
 * zone. Candidate local times are walked in order; a time in a spring-forward gap is skipped and a time in a
 * fall-back overlap fires once, as EventBridge Scheduler documents.
 */
record CronExpression(String text, ValueSet minutes, ValueSet hours, DayRule days, ValueSet months, ValueSet years)
        implements ScheduleExpression {
    private static final LocalDate END = LocalDate.of(CronField.YEAR.max(), 12, 31);

    static CronExpression parse(String text, String inner) {
        String[] fields = inner.split(" ", -1);
        if (fields.length != 6) {
            throw InvalidSchedule.because("cron(...) takes 6 fields separated by single spaces:"
                    + " minutes hours day-of-month month day-of-week year; got " + fields.length);
        }
        return new CronExpression(text,
                CronField.MINUTES.parse(fields[0]),
                CronField.HOURS.parse(fields[1]),
                DayRule.parse(fields[2], fields[4]),
                CronField.MONTH.parse(fields[3]),
                CronField.YEAR.parse(fields[5]));
    }

    @Override
    public Optional<Instant> nextFireAfter(Instant after, ZoneId zone, Instant start) {
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(zone, "zone");
        LocalDateTime from = LocalDateTime.ofInstant(after, zone);
        LocalDate date = from.toLocalDate();
        while (!date.isAfter(END)) {
            if (!years.contains(date.getYear())) {
                int year = years.next(date.getYear());
                if (year < 0) {
                    return Optional.empty();
                }
                date = LocalDate.of(year, 1, 1);
                continue;
            }
            if (!months.contains(date.getMonthValue())) {
                date = date.withDayOfMonth(1).plusMonths(1);
                continue;
            }
            if (days.matches(date)) {
                Optional<Instant> fire = firstTimeOn(date, from, after, zone);
                if (fire.isPresent()) {
                    return fire;
                }
            }
            date = date.plusDays(1);
        }
        return Optional.empty();
    }

    private Optional<Instant> firstTimeOn(LocalDate date, LocalDateTime from, Instant after, ZoneId zone) {
        for (int hour = hours.next(0); hour >= 0; hour = hours.next(hour + 1)) {
            for (int minute = minutes.next(0); minute >= 0; minute = minutes.next(minute + 1)) {
                LocalDateTime local = date.atTime(hour, minute);
                if (!local.isAfter(from)) {
                    continue;
                }
                Optional<Instant> fire = instant(local, zone, after);
                if (fire.isPresent()) {
                    return fire;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Gap: none (skipped). Overlap: the first occurrence, or the second when {@code after} lies between them (the
     * schedule was created, or last fired, during the repeated hour). Walking local times forward from the last
     * fire never comes back to a local time already fired, so each local time fires once.
     */
    private static Optional<Instant> instant(LocalDateTime local, ZoneId zone, Instant after) {
        List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
        for (ZoneOffset offset : offsets) {
            Instant candidate = local.toInstant(offset);
            if (candidate.isAfter(after)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean oneTime() {
        return false;
    }
}
