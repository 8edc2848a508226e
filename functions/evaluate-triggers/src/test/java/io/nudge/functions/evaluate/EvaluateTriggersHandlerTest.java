package io.nudge.functions.evaluate;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.nudge.config.Tables;
import io.nudge.definitions.DefinitionService;
import io.nudge.model.MessageStatus;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.Services;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handler fed real DynamoDB stream payloads from events/, against DynamoDB Local. */
class EvaluateTriggersHandlerTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T08:00:01Z");
    private Services services;
    private EvaluateTriggersHandler handler;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("welcome", json("{'channel':'email','subject':'Hi','text':'Hello'}"));
        definitions.putTrigger("welcome", json("{'event':'signed_up','channel':'email','template':'welcome',"
                + "'conditions':[{'path':'event.properties.plan','op':'eq','value':'pro'}]}"));
        handler = new EvaluateTriggersHandler(services);
    }

    @Test
    void an_inserted_event_that_matches_writes_a_ready_message() {
        DynamodbEvent event = EventLoader.loadDynamoDbEvent("events/ddb-events-insert-signed-up.json");

        StreamsEventResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(services.messages().forUser("u-1", 10)).singleElement().satisfies(m -> {
            assertThat(m.status()).isEqualTo(MessageStatus.READY);
            assertThat(m.eventId()).isEqualTo("evt-1");
        });
        handler.handleRequest(event, null);
        assertThat(services.messages().forUser("u-1", 10)).hasSize(1);
    }

    @Test
    void a_record_that_can_never_succeed_is_dead_lettered_and_not_retried() {
        DynamodbEvent event = EventLoader.loadDynamoDbEvent("events/ddb-events-insert-bad-record.json");

        StreamsEventResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        var deadLetters = services.dynamo().scan(b -> b.tableName(services.tables().deadLetters())).items();
        assertThat(deadLetters).singleElement().satisfies(item -> {
            assertThat(item.get("source").s()).isEqualTo("evaluate-triggers");
            assertThat(item.get("reason").s()).contains("no");
            assertThat(item.get("payload").s()).contains(event.getRecords().get(0).getEventID());
        });
    }

    @Test
    void a_transient_failure_is_reported_from_the_failing_record_on() {
        DynamodbEvent event = EventLoader.loadDynamoDbEvent("events/ddb-events-insert-signed-up.json");
        Tables missing = Tables.withPrefix("never-created-");
        Services broken = Services.builder(TestDynamo.client(), missing).clock(clock).build();
        EvaluateTriggersHandler failing = new EvaluateTriggersHandler(broken.evaluate(), services.streamBatch("evaluate-triggers"));

        StreamsEventResponse response = failing.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(0).getDynamodb().getSequenceNumber());
    }
}
