package io.nudge.functions.deliver;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.nudge.channel.Channels;
import io.nudge.definitions.DefinitionService;
import io.nudge.guards.GuardSettings;
import io.nudge.lambda.StreamImages;
import io.nudge.model.MessageStatus;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingSenders;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handler fed a real Messages stream payload from events/, against DynamoDB Local. */
class DeliverHandlerTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T08:00:01Z");
    private final RecordingSenders senders = new RecordingSenders();
    private Services services;
    private DeliverHandler handler;
    private DynamodbEvent event;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        new DefinitionService(services.definitions(), clock)
                .putTemplate("welcome", json("{'channel':'email','subject':'Welcome {{ user.attributes.first_name }}','text':'Plan {{ event.properties.plan }}'}"));
        new UserService(services.users(), clock).upsert("u-1", json("{'email':'ada@example.com','attributes':{'first_name':'Ada'}}"));
        event = EventLoader.loadDynamoDbEvent("events/ddb-messages-ready.json");
        // the stream record describes an item that exists in the table
        services.dynamo().putItem(b -> b.tableName(services.tables().messages())
                .item(StreamImages.toSdk(event.getRecords().get(0).getDynamodb().getNewImage())));
        handler = new DeliverHandler(services.deliver(Channels.withoutPush(senders, senders, "hello@example.com"), GuardSettings.defaults()), services.streamBatch("deliver"));
    }

    @Test
    void a_ready_message_is_sent_and_recorded() {
        StreamsEventResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(senders.emails).singleElement().satisfies(email -> {
            assertThat(email.subject()).isEqualTo("Welcome Ada");
            assertThat(email.text()).contains("Plan pro");
        });
        String id = event.getRecords().get(0).getDynamodb().getNewImage().get("id").getS();
        assertThat(services.messages().find(id).orElseThrow().status()).isEqualTo(MessageStatus.SENT);
    }

    @Test
    void the_same_record_delivered_twice_sends_once() {
        handler.handleRequest(event, null);
        handler.handleRequest(event, null);

        assertThat(senders.emails).hasSize(1);
    }
}
