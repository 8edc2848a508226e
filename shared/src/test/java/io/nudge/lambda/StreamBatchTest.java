package io.nudge.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.config.Tables;
import io.nudge.store.MessageStore;
import io.nudge.testing.MutableClock;
import io.nudge.testing.Samples;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.Services;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Bugs are not bad data: only a record that fails parsing at the boundary is dead-lettered; the rest is retried. */
class StreamBatchTest {
    private static final String SEQUENCE = "31000000000027463902180";
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private Tables tables;
    private StreamBatch batch;

    @BeforeEach
    void setUp() {
        tables = TestDynamo.freshTables();
        batch = Services.builder(TestDynamo.client(), tables).clock(clock).build().streamBatch("deliver");
    }

    /** The READY message sample, without {@code removed} in its new image. */
    private static DynamodbEvent readyMessage(String... removed) {
        ObjectNode event = (ObjectNode) Samples.json("ddb-messages-ready.json");
        for (String field : removed) {
            ((ObjectNode) event.at("/Records/0/dynamodb/NewImage")).remove(field);
        }
        return StreamEventJson.parse(event);
    }

    private List<Map<String, AttributeValue>> deadLetters() {
        return TestDynamo.client().scan(b -> b.tableName(tables.deadLetters()).consistentRead(true)).items();
    }

    private static List<String> failedFrom(StreamsEventResponse response) {
        return response.getBatchItemFailures().stream().map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    @Test
    void a_record_whose_handler_hits_a_null_pointer_is_retried_not_dead_lettered() {
        StreamsEventResponse response = batch.process(readyMessage(), () -> { }, image -> {
            MessageStore.fromItem(image);
            throw new NullPointerException("a defect in the handler");
        });

        assertThat(failedFrom(response)).containsExactly(SEQUENCE);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void an_illegal_argument_or_class_cast_from_our_code_is_retried_too() {
        assertThat(failedFrom(batch.process(readyMessage(), () -> { }, image -> {
            throw new IllegalArgumentException("a defect");
        }))).containsExactly(SEQUENCE);
        assertThat(failedFrom(batch.process(readyMessage(), () -> { }, image -> {
            throw new ClassCastException("a defect");
        }))).containsExactly(SEQUENCE);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void a_record_that_does_not_parse_as_a_message_is_dead_lettered_whole_and_not_retried() {
        StreamsEventResponse response = batch.process(readyMessage("createdAt"), () -> { }, MessageStore::fromItem);

        assertThat(failedFrom(response)).isEmpty();
        assertThat(deadLetters()).singleElement().satisfies(letter ->
                assertThat(letter.toString()).contains("not a message record: NullPointerException"));
    }

    @Test
    void permanent_means_a_parse_failure_at_the_boundary_or_dynamodb_refusing_the_content_only() {
        assertThat(PermanentFailure.isPermanent(new BadRecord("not a message record", new NullPointerException()))).isTrue();
        assertThat(PermanentFailure.isPermanent(new PermanentFailure("unknown template"))).isTrue();
        assertThat(PermanentFailure.isPermanent(software.amazon.awssdk.services.dynamodb.model.DynamoDbException.builder()
                .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder().errorCode("ValidationException").build())
                .build())).isTrue();

        assertThat(PermanentFailure.isPermanent(new NullPointerException())).isFalse();
        assertThat(PermanentFailure.isPermanent(new IllegalArgumentException())).isFalse();
        assertThat(PermanentFailure.isPermanent(new ClassCastException())).isFalse();
        assertThat(PermanentFailure.isPermanent(new java.time.DateTimeException("x"))).isFalse();
        assertThat(PermanentFailure.isPermanent(software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException.builder()
                .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build())
                .build())).isFalse();
    }
}
