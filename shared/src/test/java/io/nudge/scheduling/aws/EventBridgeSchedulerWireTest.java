package io.nudge.scheduling.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.nudge.json.Json;
import io.nudge.scheduling.ScheduleResult;
import io.nudge.testing.WireTest;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.scheduler.SchedulerClient;

/**
 * The adapter with a real SDK client against WireMock. EventBridge Scheduler is REST-JSON in SDK 2.40.2:
 * CreateSchedule is {@code POST /schedules/{Name}} with the rest of the request as a JSON body (plus a ClientToken
 * the SDK generates), DeleteSchedule is {@code DELETE /schedules/{Name}?clientToken=..&groupName=..}; errors carry
 * their type in {@code x-amzn-ErrorType}. Retries are off so each case is one call.
 */
class EventBridgeSchedulerWireTest extends WireTest {
    static final String SLOT_PATH = "/schedules/slot-202612241800";

    @Test
    void create_schedule_is_a_rest_json_post_with_every_field() throws IOException {
        wire.stubFor(post(urlPathEqualTo(SLOT_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ScheduleArn\":\"arn:aws:scheduler:us-east-1:123456789012:schedule/nudge/slot-202612241800\"}")));

        try (SchedulerClient client = client()) {
            ScheduleResult result = new EventBridgeScheduler(client, EventBridgeSchedulerTest.CONFIG)
                    .create(EventBridgeSchedulerTest.slot());

            assertThat(result).isEqualTo(new ScheduleResult.Created());
        }
        List<LoggedRequest> requests = wire.findAll(postRequestedFor(urlPathEqualTo(SLOT_PATH)));
        assertThat(requests).hasSize(1);
        LoggedRequest request = requests.getFirst();
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        assertThat(request.getHeader("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDWIRE/")
                .contains("/us-east-1/scheduler/aws4_request");
        ObjectNode body = (ObjectNode) Json.parse(request.getBodyAsString());
        assertThat(body.remove("ClientToken").asText()).matches("[0-9a-f-]{36}");
        assertThat(body).isEqualTo(Json.parse("""
                {"ActionAfterCompletion": "DELETE",
                 "FlexibleTimeWindow": {"Mode": "OFF"},
                 "GroupName": "nudge",
                 "ScheduleExpression": "at(2026-12-24T18:00:00)",
                 "ScheduleExpressionTimezone": "UTC",
                 "State": "ENABLED",
                 "Target": {
                   "Arn": "arn:aws:lambda:eu-central-1:123456789012:function:nudge-schedule-sends",
                   "RoleArn": "arn:aws:iam::123456789012:role/nudge-scheduler",
                   "Input": "{\\"slot\\":\\"202612241800\\"}",
                   "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
                   "DeadLetterConfig": {"Arn": "arn:aws:sqs:eu-central-1:123456789012:nudge-scheduler-dlq"}}}"""));
    }

    @Test
    void a_409_conflict_means_the_schedule_already_exists() {
        wire.stubFor(post(urlPathEqualTo(SLOT_PATH)).willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-amzn-ErrorType", "ConflictException")
                .withBody("{\"Message\":\"Schedule slot-202612241800 already exists.\"}")));

        try (SchedulerClient client = client()) {
            ScheduleResult result = new EventBridgeScheduler(client, EventBridgeSchedulerTest.CONFIG)
                    .create(EventBridgeSchedulerTest.slot());

            assertThat(result).isEqualTo(new ScheduleResult.AlreadyExists());
        }
        wire.verify(1, postRequestedFor(urlPathEqualTo(SLOT_PATH)));
    }

    @Test
    void deleting_a_missing_schedule_names_its_group_and_is_fine() {
        wire.stubFor(delete(urlPathEqualTo(SLOT_PATH)).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-amzn-ErrorType", "ResourceNotFoundException")
                .withBody("{\"Message\":\"Schedule slot-202612241800 does not exist.\"}")));

        try (SchedulerClient client = client()) {
            new EventBridgeScheduler(client, EventBridgeSchedulerTest.CONFIG).delete("slot-202612241800");
        }
        wire.verify(1, deleteRequestedFor(urlPathEqualTo(SLOT_PATH)).withQueryParam("groupName", equalTo("nudge")));
    }

    SchedulerClient client() {
        return pointedAt(SchedulerClient.builder(), wireEndpoint());
    }
}
