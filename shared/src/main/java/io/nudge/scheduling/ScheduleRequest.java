package io.nudge.scheduling;

import java.time.ZoneId;
import java.util.Objects;

/**
 * One EventBridge Scheduler schedule, as Nudge asks for it.
 *
 * @param name        deterministic, [0-9a-zA-Z-_.]{1,64}: the same slot or campaign always has the same name
 * @param expression  {@code at(yyyy-mm-ddThh:mm:ss)}, {@code rate(5 minutes)} or {@code cron(0 10 ? * MON *)}
 * @param timezone    the zone the expression is read in (UTC for slots)
 * @param target      which function the schedule invokes
 * @param input       the JSON the target receives as its event
 * @param deleteAfterCompletion true for one-time schedules (slots): Scheduler deletes them once they ran
 */
public record ScheduleRequest(String name, String expression, ZoneId timezone, Target target, String input,
        boolean deleteAfterCompletion) {
    public ScheduleRequest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(timezone, "timezone");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(input, "input");
        if (!name.matches("[0-9a-zA-Z_.-]{1,64}")) {
            throw new IllegalArgumentException("schedule names are 1-64 characters of 0-9 a-z A-Z _ . -");
        }
    }

    /** The functions schedules can invoke; each deployment (or the local runner) maps them to real targets. */
    public enum Target { SCHEDULE_SENDS, RUN_CAMPAIGN }
}
