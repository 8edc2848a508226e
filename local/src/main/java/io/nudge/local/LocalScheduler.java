package io.nudge.local;

import io.nudge.log.Log;
import io.nudge.scheduling.ScheduleExpression;
import io.nudge.scheduling.ScheduleRequest;
import io.nudge.scheduling.ScheduleResult;
import io.nudge.scheduling.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The local runner's EventBridge Scheduler. Schedules are kept in a DynamoDB Local table (so a restart loses
 * nothing) and one daemon thread fires due ones every 50 ms: the target receives the schedule's input exactly as
 * Lambda would receive it as the event. Like EventBridge, a schedule that came due while the runner was stopped fires
 * late, once, on the first tick after start; a failed invocation is retried on the next ticks, then dropped.
 *
 * <p>Tests do not start the thread: they move a clock and call {@link #fireDue()}.
 */
public final class LocalScheduler implements Scheduler, AutoCloseable {
    private static final Log LOG = Log.of(LocalScheduler.class);
    static final Duration TICK = Duration.ofMillis(50);
    /** Retries after the first failed invocation of one fire, each on a later tick. */
    static final int MAX_RETRIES = 3;
    // Long enough for any local target to return; if the runner dies mid-invocation, the fire is due again after it.
    private static final Duration LEASE = Duration.ofMinutes(5);

    private final ScheduleTable table;
    private final Clock clock;
    private final Map<ScheduleRequest.Target, Consumer<String>> targets;
    private ScheduledExecutorService ticker;

    public LocalScheduler(DynamoDbClient dynamo, String tableName, Clock clock,
            Map<ScheduleRequest.Target, Consumer<String>> targets) {
        this.table = new ScheduleTable(dynamo, tableName);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.targets = Map.copyOf(Objects.requireNonNull(targets, "targets"));
        table.createIfMissing();
    }

    @Override
    public ScheduleResult create(ScheduleRequest request) {
        boolean created = table.putIfAbsent(fresh(request));
        return created ? new ScheduleResult.Created() : new ScheduleResult.AlreadyExists();
    }

    @Override
    public void upsert(ScheduleRequest request) {
        table.replace(fresh(request));
    }

    @Override
    public void delete(String name) {
        table.delete(Objects.requireNonNull(name, "name"));
    }

    /** Starts the daemon thread that calls {@link #fireDue()} every 50 ms, the first time at once. */
    public synchronized void start() {
        if (ticker != null) {
            throw new IllegalStateException("already started");
        }
        ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "nudge-local-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the thread, letting a tick in progress finish; the schedules stay in the table. */
    @Override
    public synchronized void close() {
        if (ticker == null) {
            return;
        }
        ticker.shutdown();
        try {
            if (!ticker.awaitTermination(5, TimeUnit.SECONDS)) {
                ticker.shutdownNow();
            }
        } catch (InterruptedException e) {
            ticker.shutdownNow();
            Thread.currentThread().interrupt();
        }
        ticker = null;
    }

    /**
     * Fires every schedule due at the clock's instant. Safe to call concurrently (and from another scheduler over the
     * same table): each fire is claimed with a conditional write first, so only one caller invokes its target.
     *
     * @return how many targets were invoked, successfully or not
     */
    public int fireDue() {
        Instant now = clock.instant();
        int invoked = 0;
        for (StoredSchedule due : table.due(now)) {
            Optional<StoredSchedule> claimed = table.claim(due, now.plus(LEASE));
            if (claimed.isPresent()) {
                fire(claimed.get(), due.nextFire().orElseThrow(), now);
                invoked++;
            }
        }
        return invoked;
    }

    private void tick() {
        try {
            fireDue();
        } catch (RuntimeException e) {
            // A failing tick (DynamoDB Local closing, say) must not end the thread: the next tick tries again.
            LOG.error("scheduler tick failed", e);
        }
    }

    private void fire(StoredSchedule schedule, Instant dueAt, Instant now) {
        ScheduleRequest request = schedule.request();
        try {
            Consumer<String> target = targets.get(request.target());
            if (target == null) {
                throw new IllegalStateException("no local target for " + request.target());
            }
            // EventBridge Scheduler substitutes this context attribute with the fire time; so does this one.
            target.accept(request.input().replace("<aws.scheduler.scheduled-time>", io.nudge.model.Times.format(dueAt)));
        } catch (RuntimeException e) {
            failed(schedule, dueAt, now, e);
            return;
        }
        moveOn(schedule, now);
    }

    private void failed(StoredSchedule schedule, Instant dueAt, Instant now, RuntimeException e) {
        int failures = schedule.failures() + 1;
        if (failures <= MAX_RETRIES) {
            // Metadata only: the input may carry personal data.
            LOG.warn("schedule target failed; retrying on the next tick", "schedule", schedule.name(),
                    "target", schedule.request().target(), "failures", failures, "errorType", e.getClass().getName());
            table.reschedule(schedule, Optional.of(dueAt), failures);
            return;
        }
        LOG.error("schedule target failed after retries; dropping this fire", e, "schedule", schedule.name(),
                "target", schedule.request().target(), "attempts", failures);
        moveOn(schedule, now);
    }

    /** After a fire (or giving up on it): a one-time schedule is done, a recurring one waits for its next time. */
    private void moveOn(StoredSchedule schedule, Instant now) {
        ScheduleRequest request = schedule.request();
        ScheduleExpression expression = ScheduleExpression.parse(request.expression());
        if (expression.oneTime() && request.deleteAfterCompletion()) {
            table.deleteIfUnchanged(schedule);
            return;
        }
        Optional<Instant> next = expression.oneTime()
                ? Optional.empty()
                : expression.nextFireAfter(now, request.timezone(), schedule.createdAt());
        table.reschedule(schedule, next, 0);
    }

    private StoredSchedule fresh(ScheduleRequest request) {
        Objects.requireNonNull(request, "request");
        Instant now = clock.instant();
        ScheduleExpression expression = ScheduleExpression.parse(request.expression());
        // A one-time schedule whose time has passed is due at once, not never: late schedules fire, and a slot's
        // messages must not be stranded by a few seconds of processing.
        Instant after = expression.oneTime() ? Instant.MIN : now;
        Optional<Instant> first = expression.nextFireAfter(after, request.timezone(), now);
        return new StoredSchedule(request, now, first, 0, 1);
    }
}
