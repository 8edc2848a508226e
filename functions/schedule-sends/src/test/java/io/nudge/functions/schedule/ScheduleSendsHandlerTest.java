package io.nudge.functions.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;
import io.nudge.lambda.StreamEventJson;
import io.nudge.lambda.StreamImages;
import io.nudge.model.MessageStatus;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.Services;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handler fed the raw payloads in events/: a Messages stream batch, and EventBridge Scheduler firing a slot. */
class ScheduleSendsHandlerTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T08:00:31Z");
    private final RecordingScheduler scheduler = new RecordingScheduler();
    private Services services;
    private ScheduleSendsHandler handler;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        handler = new ScheduleSendsHandler(services.slots(scheduler), services.streamBatch("schedule-sends"), services.deadLetters(), clock);
    }

    private static String event(String file) throws Exception {
        return Files.readString(Path.of(ScheduleSendsHandlerTest.class.getResource("/events/" + file).toURI()));
    }

    private JsonNode invoke(String payload) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.MAPPER.readTree(out.toByteArray());
    }

    private String storeTheScheduledMessage() throws Exception {
        var record = StreamEventJson.parse(Json.parse(event("ddb-messages-scheduled.json"))).getRecords().get(0);
        services.dynamo().putItem(b -> b.tableName(services.tables().messages()).item(StreamImages.toSdk(record.getDynamodb().getNewImage())));
        return record.getDynamodb().getNewImage().get("id").getS();
    }

    @Test
    void a_scheduled_message_on_the_stream_gets_its_slots_schedule() throws Exception {
        JsonNode response = invoke(event("ddb-messages-scheduled.json"));

        assertThat(response.get("batchItemFailures")).isEmpty();
        assertThat(scheduler.createCalls).singleElement().satisfies(request -> {
            assertThat(request.name()).isEqualTo("nudge-slot-1795510860");
            assertThat(request.expression()).isEqualTo("at(2026-11-24T09:01:00)");
            assertThat(request.input()).isEqualTo(event("scheduler-slot-fired.json").replaceAll("\\s", ""));
        });
        invoke(event("ddb-messages-scheduled.json"));
        assertThat(scheduler.createCalls).hasSize(1);
    }

    @Test
    void the_scheduler_firing_the_slot_releases_its_message_once() throws Exception {
        String id = storeTheScheduledMessage();
        clock.set(java.time.Instant.parse("2026-11-24T09:01:00Z"));

        JsonNode first = invoke(event("scheduler-slot-fired.json"));
        JsonNode second = invoke(event("scheduler-slot-fired.json"));

        assertThat(first.get("released").asInt()).isEqualTo(1);
        assertThat(second.get("released").asInt()).isZero();
        assertThat(services.messages().find(id).orElseThrow().status()).isEqualTo(MessageStatus.READY);
    }

    @Test
    void a_payload_that_is_neither_is_dead_lettered_not_thrown() throws Exception {
        JsonNode response = invoke("{\"hello\":\"world\"}");

        assertThat(response.get("deadLettered").asBoolean()).isTrue();
        assertThat(services.dynamo().scan(b -> b.tableName(services.tables().deadLetters())).items())
                .singleElement().satisfies(item -> assertThat(item.get("payload").s()).contains("hello"));
    }

    @Test
    void payloads_whose_string_hash_codes_collide_are_both_dead_lettered() throws Exception {
        // "Aa" and "BB" have the same String.hashCode, so these two payloads do too
        assertThat("{\"hello\":\"Aa\"}".hashCode()).isEqualTo("{\"hello\":\"BB\"}".hashCode());
        invoke("{\"hello\":\"Aa\"}");
        invoke("{\"hello\":\"BB\"}");
        invoke("{\"hello\":\"Aa\"}");

        assertThat(services.dynamo().scan(b -> b.tableName(services.tables().deadLetters()).consistentRead(true)).items())
                .extracting(item -> item.get("payload").s()).containsExactlyInAnyOrder("{\"hello\":\"Aa\"}", "{\"hello\":\"BB\"}");
    }
}
