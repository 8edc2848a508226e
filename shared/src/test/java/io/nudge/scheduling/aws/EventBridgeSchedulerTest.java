package io.nudge.scheduling.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.scheduling.ScheduleRequest;
import io.nudge.scheduling.ScheduleResult;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.ConflictException;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.DeadLetterConfig;
import software.amazon.awssdk.services.scheduler.model.DeleteScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.DeleteScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindow;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.InternalServerException;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.RetryPolicy;
import software.amazon.awssdk.services.scheduler.model.ScheduleState;
import software.amazon.awssdk.services.scheduler.model.Target;
import software.amazon.awssdk.services.scheduler.model.ThrottlingException;
import software.amazon.awssdk.services.scheduler.model.UpdateScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.UpdateScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ValidationException;

class EventBridgeSchedulerTest {
    static final String SENDS_ARN = "arn:aws:lambda:eu-central-1:123456789012:function:nudge-schedule-sends";
    static final String CAMPAIGN_ARN = "arn:aws:lambda:eu-central-1:123456789012:function:nudge-run-campaign";
    static final String ROLE_ARN = "arn:aws:iam::123456789012:role/nudge-scheduler";
    static final String DLQ_ARN = "arn:aws:sqs:eu-central-1:123456789012:nudge-scheduler-dlq";
    static final EventBridgeScheduler.Config CONFIG = new EventBridgeScheduler.Config("nudge", ROLE_ARN, DLQ_ARN,
            Map.of(ScheduleRequest.Target.SCHEDULE_SENDS, SENDS_ARN, ScheduleRequest.Target.RUN_CAMPAIGN, CAMPAIGN_ARN),
            3, 3600);

    final FakeSchedulerClient client = new FakeSchedulerClient();
    final EventBridgeScheduler scheduler = new EventBridgeScheduler(client, CONFIG);

    static ScheduleRequest slot() {
        return new ScheduleRequest("slot-202612241800", "at(2026-12-24T18:00:00)", ZoneOffset.UTC,
                ScheduleRequest.Target.SCHEDULE_SENDS, "{\"slot\":\"202612241800\"}", true);
    }

    static ScheduleRequest campaign() {
        return new ScheduleRequest("campaign-weekly_digest", "cron(0 10 ? * MON *)", ZoneId.of("Europe/Berlin"),
                ScheduleRequest.Target.RUN_CAMPAIGN, "{\"campaignId\":\"weekly_digest\"}", false);
    }

    static Target target(String arn, String input) {
        return Target.builder()
                .arn(arn)
                .roleArn(ROLE_ARN)
                .input(input)
                .retryPolicy(RetryPolicy.builder().maximumRetryAttempts(3).maximumEventAgeInSeconds(3600).build())
                .deadLetterConfig(DeadLetterConfig.builder().arn(DLQ_ARN).build())
                .build();
    }

    static CreateScheduleRequest expectedCreateOfSlot() {
        return CreateScheduleRequest.builder()
                .name("slot-202612241800")
                .groupName("nudge")
                .scheduleExpression("at(2026-12-24T18:00:00)")
                .scheduleExpressionTimezone("UTC")
                .flexibleTimeWindow(FlexibleTimeWindow.builder().mode(FlexibleTimeWindowMode.OFF).build())
                .state(ScheduleState.ENABLED)
                .actionAfterCompletion(ActionAfterCompletion.DELETE)
                .target(target(SENDS_ARN, "{\"slot\":\"202612241800\"}"))
                .build();
    }

    static UpdateScheduleRequest expectedUpdateOfCampaign() {
        return UpdateScheduleRequest.builder()
                .name("campaign-weekly_digest")
                .groupName("nudge")
                .scheduleExpression("cron(0 10 ? * MON *)")
                .scheduleExpressionTimezone("Europe/Berlin")
                .flexibleTimeWindow(FlexibleTimeWindow.builder().mode(FlexibleTimeWindowMode.OFF).build())
                .state(ScheduleState.ENABLED)
                .actionAfterCompletion(ActionAfterCompletion.NONE)
                .target(target(CAMPAIGN_ARN, "{\"campaignId\":\"weekly_digest\"}"))
                .build();
    }

    static CreateScheduleRequest expectedCreateOfCampaign() {
        UpdateScheduleRequest u = expectedUpdateOfCampaign();
        return CreateScheduleRequest.builder().name(u.name()).groupName(u.groupName())
                .scheduleExpression(u.scheduleExpression()).scheduleExpressionTimezone(u.scheduleExpressionTimezone())
                .flexibleTimeWindow(u.flexibleTimeWindow()).state(u.state())
                .actionAfterCompletion(u.actionAfterCompletion()).target(u.target()).build();
    }

    @Test
    void create_sends_one_create_schedule_with_every_field() {
        ScheduleResult result = scheduler.create(slot());

        assertThat(result).isEqualTo(new ScheduleResult.Created());
        assertThat(client.calls).containsExactly(expectedCreateOfSlot());
        CreateScheduleRequest sent = (CreateScheduleRequest) client.calls.getFirst();
        // Spelled out as well, so a wrong expectation above cannot hide a field.
        assertThat(sent.flexibleTimeWindow().mode()).isEqualTo(FlexibleTimeWindowMode.OFF);
        assertThat(sent.actionAfterCompletion()).isEqualTo(ActionAfterCompletion.DELETE);
        assertThat(sent.state()).isEqualTo(ScheduleState.ENABLED);
        assertThat(sent.target().retryPolicy().maximumRetryAttempts()).isEqualTo(3);
        assertThat(sent.target().retryPolicy().maximumEventAgeInSeconds()).isEqualTo(3600);
        assertThat(sent.target().deadLetterConfig().arn()).isEqualTo(DLQ_ARN);
        assertThat(sent.clientToken()).as("left to the SDK, which fills in a fresh one").isNull();
    }

    @Test
    void create_of_a_recurring_schedule_keeps_it_after_completion_in_its_zone() {
        scheduler.create(campaign());

        assertThat(client.calls).containsExactly(expectedCreateOfCampaign());
    }

    @Test
    void create_conflict_means_the_schedule_already_exists() {
        client.answers.add(ConflictException.builder().message("Schedule slot-202612241800 already exists.")
                .statusCode(409).build());

        assertThat(scheduler.create(slot())).isEqualTo(new ScheduleResult.AlreadyExists());
        assertThat(client.calls).containsExactly(expectedCreateOfSlot());
    }

    @Test
    void create_throttling_and_server_errors_propagate_for_the_caller_to_retry() {
        client.answers.add(ThrottlingException.builder().message("Rate exceeded").statusCode(429).build());
        client.answers.add(InternalServerException.builder().message("Internal").statusCode(500).build());

        assertThatThrownBy(() -> scheduler.create(slot())).isInstanceOf(ThrottlingException.class);
        assertThatThrownBy(() -> scheduler.create(slot())).isInstanceOf(InternalServerException.class);
    }

    @Test
    void create_validation_errors_propagate() {
        client.answers.add(ValidationException.builder().message("Invalid Schedule Expression").statusCode(400).build());

        assertThatThrownBy(() -> scheduler.create(slot())).isInstanceOf(ValidationException.class);
    }

    @Test
    void upsert_of_an_existing_schedule_is_one_update() {
        scheduler.upsert(campaign());

        assertThat(client.calls).containsExactly(expectedUpdateOfCampaign());
    }

    @Test
    void upsert_of_a_missing_schedule_updates_then_creates() {
        client.answers.add(notFound());

        scheduler.upsert(campaign());

        assertThat(client.calls).containsExactly(expectedUpdateOfCampaign(), expectedCreateOfCampaign());
    }

    @Test
    void upsert_racing_another_creator_updates_on_top_of_it() {
        client.answers.add(notFound());
        client.answers.add(ConflictException.builder().message("exists").statusCode(409).build());

        scheduler.upsert(campaign());

        assertThat(client.calls).containsExactly(
                expectedUpdateOfCampaign(), expectedCreateOfCampaign(), expectedUpdateOfCampaign());
    }

    @Test
    void upsert_failures_propagate() {
        client.answers.add(ThrottlingException.builder().message("Rate exceeded").statusCode(429).build());

        assertThatThrownBy(() -> scheduler.upsert(campaign())).isInstanceOf(ThrottlingException.class);
        assertThat(client.calls).containsExactly(expectedUpdateOfCampaign());
    }

    @Test
    void delete_names_the_schedule_in_its_group() {
        scheduler.delete("slot-202612241800");

        assertThat(client.calls).containsExactly(
                DeleteScheduleRequest.builder().name("slot-202612241800").groupName("nudge").build());
    }

    @Test
    void delete_of_a_missing_schedule_is_fine() {
        client.answers.add(notFound());

        scheduler.delete("slot-202612241800");

        assertThat(client.calls).hasSize(1);
    }

    @Test
    void delete_failures_propagate() {
        client.answers.add(InternalServerException.builder().message("Internal").statusCode(500).build());

        assertThatThrownBy(() -> scheduler.delete("slot-202612241800")).isInstanceOf(InternalServerException.class);
    }

    @Test
    void a_target_without_an_arn_fails_naming_it() {
        EventBridgeScheduler sendsOnly = new EventBridgeScheduler(client, new EventBridgeScheduler.Config("nudge",
                ROLE_ARN, DLQ_ARN, Map.of(ScheduleRequest.Target.SCHEDULE_SENDS, SENDS_ARN), 3, 3600));

        assertThatThrownBy(() -> sendsOnly.create(campaign()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("RUN_CAMPAIGN");
        assertThat(client.calls).isEmpty();
    }

    @Test
    void config_checks_the_ranges_scheduler_accepts() {
        assertThatThrownBy(() -> new EventBridgeScheduler.Config("nudge", ROLE_ARN, DLQ_ARN, Map.of(), 186, 3600))
                .hasMessageContaining("maximumRetryAttempts");
        assertThatThrownBy(() -> new EventBridgeScheduler.Config("nudge", ROLE_ARN, DLQ_ARN, Map.of(), 3, 59))
                .hasMessageContaining("maximumEventAgeSeconds");
        assertThatThrownBy(() -> new EventBridgeScheduler.Config(null, ROLE_ARN, DLQ_ARN, Map.of(), 3, 60))
                .hasMessage("groupName");
    }

    @Test
    void utc_goes_out_as_the_iana_name() {
        assertThat(EventBridgeScheduler.timezone(ZoneOffset.UTC)).isEqualTo("UTC");
        assertThat(EventBridgeScheduler.timezone(ZoneId.of("UTC"))).isEqualTo("UTC");
        assertThat(EventBridgeScheduler.timezone(ZoneId.of("America/New_York"))).isEqualTo("America/New_York");
    }

    static ResourceNotFoundException notFound() {
        return ResourceNotFoundException.builder().message("Schedule not found.").statusCode(404).build();
    }

    /** Records each request; answers with the next queued exception, or success when none is queued. */
    static final class FakeSchedulerClient implements SchedulerClient {
        final List<Object> calls = new ArrayList<>();
        final Deque<AwsServiceException> answers = new ArrayDeque<>();

        @Override
        public CreateScheduleResponse createSchedule(CreateScheduleRequest request) {
            calls.add(request);
            throwQueued();
            return CreateScheduleResponse.builder().scheduleArn("arn:aws:scheduler:::schedule/nudge/" + request.name()).build();
        }

        @Override
        public UpdateScheduleResponse updateSchedule(UpdateScheduleRequest request) {
            calls.add(request);
            throwQueued();
            return UpdateScheduleResponse.builder().scheduleArn("arn:aws:scheduler:::schedule/nudge/" + request.name()).build();
        }

        @Override
        public DeleteScheduleResponse deleteSchedule(DeleteScheduleRequest request) {
            calls.add(request);
            throwQueued();
            return DeleteScheduleResponse.builder().build();
        }

        private void throwQueued() {
            AwsServiceException next = answers.poll();
            if (next != null) {
                throw next;
            }
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {}
    }
}
