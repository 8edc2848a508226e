package io.nudge.scheduling;

/** What creating a schedule did. Both mean "the schedule exists now". */
public sealed interface ScheduleResult {
    record Created() implements ScheduleResult {}

    /** A schedule of that name existed already (Scheduler's ConflictException): success, not an error. */
    record AlreadyExists() implements ScheduleResult {}
}
