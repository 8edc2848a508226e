package io.nudge.scheduling;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code rate(value unit)}: every {@code period} from the schedule's start, the first fire one period after it.
 * A day is 24 hours on the clock, also across DST changes, as EventBridge Scheduler documents.
 */
record RateExpression(String text, Duration period) implements ScheduleExpression {
    private static final Pattern SHAPE = Pattern.compile("(\\d{1,9}) ([a-z]+)");

    static RateExpression parse(String text, String inner) {
        Matcher m = SHAPE.matcher(inner);
        if (!m.matches()) {
            throw InvalidSchedule.because("rate(...) takes a whole number and a unit, e.g. rate(5 minutes)");
        }
        long value = Long.parseLong(m.group(1));
        String unit = m.group(2);
        Duration one = switch (unit) {
            case "minute", "minutes" -> Duration.ofMinutes(1);
            case "hour", "hours" -> Duration.ofHours(1);
            case "day", "days" -> Duration.ofDays(1);
            default -> throw InvalidSchedule.because(
                    "rate(...) unit '" + unit + "' is not one of minute(s), hour(s), day(s)");
        };
        if (value < 1) {
            throw InvalidSchedule.because("rate(...) value must be 1 or more");
        }
        boolean singular = !unit.endsWith("s");
        if (value == 1 && !singular) {
            throw InvalidSchedule.because("rate(1 ...) takes the singular unit: rate(1 " + unit.substring(0, unit.length() - 1) + ")");
        }
        if (value > 1 && singular) {
            throw InvalidSchedule.because("rate(" + value + " ...) takes the plural unit: rate(" + value + " " + unit + "s)");
        }
        return new RateExpression(text, one.multipliedBy(value));
    }

    @Override
    public Optional<Instant> nextFireAfter(Instant after, ZoneId zone, Instant start) {
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(start, "start");
        Instant first = start.plus(period);
        if (first.isAfter(after)) {
            return Optional.of(first);
        }
        long periodsPassed = Duration.between(start, after).dividedBy(period);
        return Optional.of(start.plus(period.multipliedBy(periodsPassed + 1)));
    }

    @Override
    public boolean oneTime() {
        return false;
    }
}
