package io.nudge.scheduling.aws;

import io.nudge.scheduling.ScheduleRequest;
import io.nudge.scheduling.ScheduleResult;
import io.nudge.scheduling.Scheduler;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.ConflictException;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.DeadLetterConfig;
import software.amazon.awssdk.services.scheduler.model.DeleteScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindow;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.RetryPolicy;
import software.amazon.awssdk.services.scheduler.model.ScheduleState;
import software.amazon.awssdk.services.scheduler.model.Target;
import software.amazon.awssdk.services.scheduler.model.UpdateScheduleRequest;

/**
 * The {@link Scheduler} port on EventBridge Scheduler. Schedules live in one group and invoke a Lambda target with
 * the request's input as the event, retried by Scheduler and then sent to the dead-letter queue. Every other failure
 * (throttling, 5xx, validation) propagates: the caller's stream or invocation retries, or dead-letters it.
 */
public final class EventBridgeScheduler implements Scheduler {
    private final SchedulerClient client;
    private final Config config;

    public EventBridgeScheduler(SchedulerClient client, Config config) {
        this.client = Objects.requireNonNull(client, "client");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * @param targetArns             the Lambda function ARN each target invokes
     * @param maximumRetryAttempts   Scheduler's retries of a failed invocation, 0-185
     * @param maximumEventAgeSeconds how long Scheduler keeps retrying, 60-86400
     */
    public record Config(String groupName, String roleArn, String deadLetterArn,
            Map<ScheduleRequest.Target, String> targetArns, int maximumRetryAttempts, int maximumEventAgeSeconds) {
        public Config {
            Objects.requireNonNull(groupName, "groupName");
            Objects.requireNonNull(roleArn, "roleArn");
            Objects.requireNonNull(deadLetterArn, "deadLetterArn");
            Objects.requireNonNull(targetArns, "targetArns");
            targetArns = Map.copyOf(targetArns);
            if (maximumRetryAttempts < 0 || maximumRetryAttempts > 185) {
                throw new IllegalArgumentException("maximumRetryAttempts must be 0-185, was " + maximumRetryAttempts);
            }
            if (maximumEventAgeSeconds < 60 || maximumEventAgeSeconds > 86_400) {
                throw new IllegalArgumentException("maximumEventAgeSeconds must be 60-86400, was " + maximumEventAgeSeconds);
            }
        }

        String arnOf(ScheduleRequest.Target target) {
            String arn = targetArns.get(target);
            if (arn == null) {
                throw new IllegalStateException("no target ARN configured for " + target);
            }
            return arn;
        }
    }

    @Override
    public ScheduleResult create(ScheduleRequest request) {
        try {
            client.createSchedule(createRequest(request));
            return new ScheduleResult.Created();
        } catch (ConflictException exists) {
            return new ScheduleResult.AlreadyExists();
        }
    }

    /**
     * Update first, create when there is none: upserts serve recurring campaign schedules, which change far more
     * often than they are new, so the usual case is one call; and UpdateSchedule replaces every property, which is
     * what "replace" means. If another writer creates the schedule between our update and create, the create
     * conflicts and one more update applies this request on top.
     */
    @Override
    public void upsert(ScheduleRequest request) {
        try {
            client.updateSchedule(updateRequest(request));
            return;
        } catch (ResourceNotFoundException missing) {
            // not there yet: create it below
        }
        try {
            client.createSchedule(createRequest(request));
        } catch (ConflictException createdMeanwhile) {
            client.updateSchedule(updateRequest(request));
        }
    }

    @Override
    public void delete(String name) {
        Objects.requireNonNull(name, "name");
        try {
            client.deleteSchedule(DeleteScheduleRequest.builder().name(name).groupName(config.groupName()).build());
        } catch (ResourceNotFoundException alreadyGone) {
            // deleting a schedule that does not exist is fine (the port's contract)
        }
    }

    CreateScheduleRequest createRequest(ScheduleRequest request) {
        return CreateScheduleRequest.builder()
                .name(request.name())
                .groupName(config.groupName())
                .scheduleExpression(request.expression())
                .scheduleExpressionTimezone(timezone(request.timezone()))
                .flexibleTimeWindow(FlexibleTimeWindow.builder().mode(FlexibleTimeWindowMode.OFF).build())
                .state(ScheduleState.ENABLED)
                .actionAfterCompletion(afterCompletion(request))
                .target(target(request))
                .build();
    }

    UpdateScheduleRequest updateRequest(ScheduleRequest request) {
        return UpdateScheduleRequest.builder()
                .name(request.name())
                .groupName(config.groupName())
                .scheduleExpression(request.expression())
                .scheduleExpressionTimezone(timezone(request.timezone()))
                .flexibleTimeWindow(FlexibleTimeWindow.builder().mode(FlexibleTimeWindowMode.OFF).build())
                .state(ScheduleState.ENABLED)
                .actionAfterCompletion(afterCompletion(request))
                .target(target(request))
                .build();
    }

    private Target target(ScheduleRequest request) {
        return Target.builder()
                .arn(config.arnOf(request.target()))
                .roleArn(config.roleArn())
                .input(request.input())
                .retryPolicy(RetryPolicy.builder()
                        .maximumRetryAttempts(config.maximumRetryAttempts())
                        .maximumEventAgeInSeconds(config.maximumEventAgeSeconds())
                        .build())
                .deadLetterConfig(DeadLetterConfig.builder().arn(config.deadLetterArn()).build())
                .build();
    }

    private static ActionAfterCompletion afterCompletion(ScheduleRequest request) {
        return request.deleteAfterCompletion() ? ActionAfterCompletion.DELETE : ActionAfterCompletion.NONE;
    }

    /** Scheduler takes IANA names: {@code ZoneOffset.UTC}'s id is "Z", which it would reject. */
    static String timezone(ZoneId zone) {
        return zone.normalized().equals(ZoneOffset.UTC) ? "UTC" : zone.getId();
    }
}
