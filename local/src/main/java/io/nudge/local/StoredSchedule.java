package io.nudge.local;

import io.nudge.scheduling.ScheduleRequest;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One schedule as the local scheduler keeps it.
 *
 * @param createdAt when it was created or last replaced: a rate counts its periods from here (EventBridge's StartDate)
 * @param nextFire  when it is due next; empty once a one-time schedule has run (or a cron has no further time)
 * @param failures  failed invocations of the fire now due, reset when it moves on
 * @param version   bumped by every write: the condition of the next one, so concurrent fireDue calls fire once
 */
record StoredSchedule(ScheduleRequest request, Instant createdAt, Optional<Instant> nextFire, int failures, long version) {
    StoredSchedule {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(nextFire, "nextFire");
    }

    String name() {
        return request.name();
    }
}
