package io.nudge.infra;

import static io.nudge.infra.TemplateFixture.SCHEDULE_SENDS;
import static io.nudge.infra.TemplateFixture.firstRecord;
import static io.nudge.infra.TemplateFixture.onlyStreamEvent;
import static io.nudge.infra.TemplateFixture.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.model.MessageStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/** template.yaml's stream mappings: failure handling, and filters that give each record to exactly one reader. */
class StreamMappingsContractTest {
    @Test
    void stream_mappings_report_item_failures_and_bound_retries_with_an_on_failure_queue() {
        Map<String, JsonNode> queues = template.resources("AWS::SQS::Queue");
        int mappings = 0;
        SoftAssertions softly = new SoftAssertions();
        for (String function : template.functions().keySet()) {
            for (Map.Entry<String, JsonNode> event : template.events(function, "DynamoDB").entrySet()) {
                mappings++;
                String name = function + "." + event.getKey();
                JsonNode p = event.getValue();
                Optional<String> table = SamTemplate.getAtt(p.path("Stream"), "StreamArn");
                softly.assertThat(table).as("%s Stream is a table's StreamArn", name).isPresent();
                table.ifPresent(t -> softly.assertThat(template.resource(t).path("Properties").has("StreamSpecification"))
                        .as("%s: %s has a stream", name, t).isTrue());
                softly.assertThat(p.path("StartingPosition").asText()).as("%s StartingPosition", name).isIn("TRIM_HORIZON", "LATEST");
                softly.assertThat(SamTemplate.asList(p.path("FunctionResponseTypes"))).map(JsonNode::asText)
                        .as("%s FunctionResponseTypes", name).contains("ReportBatchItemFailures");
                softly.assertThat(p.path("MaximumRetryAttempts").isInt() ? p.path("MaximumRetryAttempts").asInt() : -1)
                        .as("%s MaximumRetryAttempts (finite: a failing record holds the shard)", name).isBetween(0, 10);
                softly.assertThat(p.path("BisectBatchOnFunctionError").asBoolean(false)).as("%s BisectBatchOnFunctionError", name).isTrue();
                softly.assertThat(p.path("MaximumRecordAgeInSeconds").isInt() ? p.path("MaximumRecordAgeInSeconds").asInt() : -1)
                        .as("%s MaximumRecordAgeInSeconds (finite)", name).isBetween(60, 604_800);
                softly.assertThat(p.path("BatchSize").isInt()).as("%s BatchSize", name).isTrue();
                JsonNode onFailure = p.path("DestinationConfig").path("OnFailure");
                softly.assertThat(onFailure.path("Type").asText()).as("%s OnFailure Type (SAM then grants sqs:SendMessage)", name).isEqualTo("SQS");
                softly.assertThat(SamTemplate.getAtt(onFailure.path("Destination"), "Arn").filter(queues::containsKey))
                        .as("%s OnFailure Destination is a queue of this template", name).isPresent();
            }
        }
        softly.assertAll();
        assertThat(mappings).as("DynamoDB stream mappings").isEqualTo(5);
    }

    @Test
    void deliver_stream_filter_selects_only_ready_messages() throws IOException {
        JsonNode mapping = onlyStreamEvent("DeliverFunction");
        assertThat(SamTemplate.getAtt(mapping.path("Stream"), "StreamArn")).contains("MessagesTable");
        EventFilter filter = EventFilter.of(mapping.path("FilterCriteria"));
        assertThat(filter.size()).as("deliver filters").isPositive();
        JsonNode ready = firstRecord("ddb-messages-ready.json");
        assertThat(filter.selects(ready)).as("the READY sample").isTrue();
        for (MessageStatus status : MessageStatus.values()) {
            for (String eventName : List.of("INSERT", "MODIFY", "REMOVE")) {
                ObjectNode record = ready.deepCopy();
                record.put("eventName", eventName);
                ((ObjectNode) record.path("dynamodb").path("NewImage").path("status")).put("S", status.name());
                boolean shouldSelect = status == MessageStatus.READY && !eventName.equals("REMOVE");
                assertThat(filter.selects(record)).as("%s of a %s message", eventName, status).isEqualTo(shouldSelect);
            }
        }
        ObjectNode noStatus = ready.deepCopy();
        ((ObjectNode) noStatus.path("dynamodb").path("NewImage")).remove("status");
        assertThat(filter.selects(noStatus)).as("a message without status").isFalse();
    }

    @Test
    void schedule_sends_stream_filter_selects_only_scheduled_messages() throws IOException {
        JsonNode mapping = onlyStreamEvent(SCHEDULE_SENDS);
        assertThat(SamTemplate.getAtt(mapping.path("Stream"), "StreamArn")).contains("MessagesTable");
        EventFilter filter = EventFilter.of(mapping.path("FilterCriteria"));
        assertThat(filter.size()).as("schedule-sends filters").isPositive();
        JsonNode scheduled = firstRecord("ddb-messages-scheduled.json");
        assertThat(filter.selects(scheduled)).as("the SCHEDULED sample").isTrue();
        for (MessageStatus status : MessageStatus.values()) {
            for (String eventName : List.of("INSERT", "MODIFY", "REMOVE")) {
                ObjectNode record = scheduled.deepCopy();
                record.put("eventName", eventName);
                ((ObjectNode) record.path("dynamodb").path("NewImage").path("status")).put("S", status.name());
                boolean shouldSelect = status == MessageStatus.SCHEDULED && !eventName.equals("REMOVE");
                assertThat(filter.selects(record)).as("%s of a %s message", eventName, status).isEqualTo(shouldSelect);
            }
        }
        ObjectNode noStatus = scheduled.deepCopy();
        ((ObjectNode) noStatus.path("dynamodb").path("NewImage")).remove("status");
        assertThat(filter.selects(noStatus)).as("a message without status").isFalse();
    }

    @Test
    void the_messages_stream_has_two_readers_that_never_see_the_same_record() throws IOException {
        List<String> readers = new ArrayList<>();
        for (String function : template.functions().keySet()) {
            template.events(function, "DynamoDB").values().stream()
                    .filter(p -> SamTemplate.getAtt(p.path("Stream"), "StreamArn").filter("MessagesTable"::equals).isPresent())
                    .forEach(p -> readers.add(function));
        }
        assertThat(readers).as("readers of the Messages stream (a stream serves two consumers well)")
                .containsExactlyInAnyOrder("DeliverFunction", SCHEDULE_SENDS);
        EventFilter deliver = EventFilter.of(onlyStreamEvent("DeliverFunction").path("FilterCriteria"));
        EventFilter scheduleSends = EventFilter.of(onlyStreamEvent(SCHEDULE_SENDS).path("FilterCriteria"));
        JsonNode ready = firstRecord("ddb-messages-ready.json");
        JsonNode scheduled = firstRecord("ddb-messages-scheduled.json");
        assertThat(deliver.selects(scheduled)).as("deliver gets the SCHEDULED sample").isFalse();
        assertThat(scheduleSends.selects(ready)).as("schedule-sends gets the READY sample").isFalse();
    }

    @Test
    void evaluate_stream_filter_selects_only_new_events() throws IOException {
        JsonNode mapping = onlyStreamEvent("EvaluateTriggersFunction");
        assertThat(SamTemplate.getAtt(mapping.path("Stream"), "StreamArn")).contains("EventsTable");
        EventFilter filter = EventFilter.of(mapping.path("FilterCriteria"));
        for (String sample : List.of("ddb-events-insert-signed-up.json", "ddb-events-insert-bad-record.json")) {
            JsonNode insert = firstRecord(sample);
            assertThat(filter.selects(insert)).as("%s", sample).isTrue();
            for (String other : List.of("MODIFY", "REMOVE")) {
                ObjectNode record = insert.deepCopy();
                record.put("eventName", other);
                assertThat(filter.selects(record)).as("%s as %s", sample, other).isFalse();
            }
        }
    }
}
