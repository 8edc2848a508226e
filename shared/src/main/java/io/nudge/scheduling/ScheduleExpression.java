package io.nudge.scheduling;

import io.nudge.validation.InvalidInputException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An EventBridge Scheduler schedule expression, parsed: {@code at(yyyy-mm-ddThh:mm:ss)}, {@code rate(value unit)} or
 * the six-field {@code cron(minutes hours day-of-month month day-of-week year)}. Parsing rejects what EventBridge
 * would reject, so a bad expression is answered at the API rather than failing at CreateSchedule; the local runner
 * uses {@link #nextFireAfter} to fire schedules when EventBridge would.
 *
 * <p>Daylight saving time, as EventBridge Scheduler documents it: a cron time that does not exist on a spring-forward
 * day is skipped; a cron time that occurs twice on a fall-back day fires once (at its first occurrence). What an
 * {@code at()} inside the gap does is not documented; here it fires at the first valid instant after the gap, so a
 * one-time schedule is never lost. Rates are fixed durations (a day is 24 hours) and ignore the zone.
 */
public sealed interface ScheduleExpression permits AtExpression, RateExpression, CronExpression {
    /**
     * @throws InvalidInputException (code {@code invalid_schedule}, field {@code /schedule/expression}) naming what is wrong
     */
    static ScheduleExpression parse(String text) {
        if (text == null || text.isEmpty()) {
            throw InvalidSchedule.because("a schedule expression is required: at(...), rate(...) or cron(...)");
        }
        Matcher m = Pattern.compile("(at|rate|cron)\\((.*)\\)", Pattern.DOTALL).matcher(text);
        if (!m.matches()) {
            throw InvalidSchedule.because("expected at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(six fields)");
        }
        return switch (m.group(1)) {
            case "at" -> AtExpression.parse(text, m.group(2));
            case "rate" -> RateExpression.parse(text, m.group(2));
            default -> CronExpression.parse(text, m.group(2));
        };
    }

    /**
     * The first fire time strictly after {@code after}: empty when an {@code at()} is not after it, or a cron has no
     * further time (its years are over, or its days never occur).
     *
     * @param zone  the schedule's time zone (ScheduleExpressionTimezone)
     * @param start when the schedule starts (EventBridge's StartDate, by default its creation): a rate fires at
     *              start + period, start + 2 periods, ...; required for a rate, ignored by at and cron
     */
    Optional<Instant> nextFireAfter(Instant after, ZoneId zone, Instant start);

    /** True for {@code at()}: it fires once. */
    boolean oneTime();

    /** The expression exactly as given. */
    String text();
}
