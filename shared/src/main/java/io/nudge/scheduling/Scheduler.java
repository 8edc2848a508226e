package io.nudge.scheduling;

/**
 * The port to EventBridge Scheduler. Implementations: the AWS one (CreateSchedule, …) and the local runner's,
 * which keeps schedules in DynamoDB Local and fires them on time with the same input.
 * Transient failures are thrown (the caller's stream or invocation retries); nothing is swallowed.
 */
public interface Scheduler {
    ScheduleResult create(ScheduleRequest request);

    /** Creates or replaces (recurring campaign schedules change when a campaign is saved). */
    void upsert(ScheduleRequest request);

    /** Deleting a schedule that does not exist is fine. */
    void delete(String name);
}
