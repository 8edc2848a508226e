package io.nudge.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.config.Tables;
import io.nudge.json.Json;
import io.nudge.store.DeadLetterStore;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The asynchronous adapter over DynamoDB Local: each record handled, permanent ones kept, transient ones thrown last. */
class AsyncInvocationTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:05Z");
    private final List<String> ran = new CopyOnWriteArrayList<>();
    private Tables tables;
    private AsyncInvocation invocation;

    @BeforeEach
    void setUp() {
        tables = TestDynamo.freshTables();
        invocation = new AsyncInvocation("test", new DeadLetterStore(TestDynamo.client(), tables.deadLetters(), Duration.ofDays(1)), clock);
    }

    private List<Map<String, AttributeValue>> deadLetters() {
        return TestDynamo.client().scan(b -> b.tableName(tables.deadLetters()).consistentRead(true)).items();
    }

    /** An SNS event with one notification per message, ids m0, m1, … */
    private static String sns(String... messages) {
        ObjectNode event = Json.object();
        ArrayNode records = event.putArray("Records");
        for (int i = 0; i < messages.length; i++) {
            records.addObject().put("EventSource", "aws:sns").putObject("Sns").put("Type", "Notification").put("MessageId", "m" + i)
                    .put("Message", messages[i]);
        }
        return Json.write(event);
    }

    /** Runs a record: "later" fails transiently, "bad" permanently, anything else is done. */
    private String work(AsyncInvocation.Record record) {
        ran.add(record.body());
        return switch (record.body()) {
            case "later" -> throw new IllegalStateException("not ready: " + record.id());
            case "bad" -> throw new PermanentFailure("bad " + record.id());
            default -> record.body();
        };
    }

    @Test
    void a_transient_failure_does_not_keep_the_records_after_it_from_running_and_the_first_is_thrown_last() {
        assertThatThrownBy(() -> invocation.records(sns("later", "a", "later", "b"), "neither", this::work))
                .isInstanceOf(IllegalStateException.class).hasMessage("not ready: m0");

        assertThat(ran).containsExactly("later", "a", "later", "b");
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void a_permanent_failure_is_dead_lettered_alone_with_its_id_and_the_others_are_done() {
        List<AsyncInvocation.Handled<String>> handled = invocation.records(sns("a", "bad", "b"), "neither", this::work);

        assertThat(handled).containsExactly(new AsyncInvocation.Done<>("a"), handled.get(1), new AsyncInvocation.Done<>("b"));
        assertThat(handled.get(1)).isInstanceOfSatisfying(AsyncInvocation.DeadLettered.class,
                d -> assertThat(d.reason()).isEqualTo("bad m1"));
        assertThat(deadLetters()).singleElement().satisfies(item -> {
            assertThat(item.get("recordId").s()).isEqualTo("m1");
            assertThat(item.get("payload").s()).as("that notification alone, as an event to replay")
                    .contains("\"MessageId\":\"m1\"").doesNotContain("\"m0\"", "\"m2\"");
        });
        assertThat(AsyncInvocation.tally(handled, done -> "applied", "applied", "ignored", "deadLettered"))
                .isEqualTo(Json.object().put("applied", 2).put("ignored", 0).put("deadLettered", 1));
    }

    @Test
    void a_payload_that_is_not_json_or_not_records_is_dead_lettered_whole_and_a_repeat_keeps_the_first() {
        assertThat(invocation.records("not json", "neither", this::work)).singleElement()
                .isInstanceOf(AsyncInvocation.DeadLettered.class);
        assertThat(invocation.records("{\"hello\":1}", "neither", this::work)).singleElement()
                .isEqualTo(new AsyncInvocation.DeadLettered<String>("neither", deadLetterOf("{\"hello\":1}")));
        clock.advance(Duration.ofMinutes(1));
        assertThat(invocation.json("{\"hello\":1}", json -> { throw new PermanentFailure("again"); }))
                .isInstanceOfSatisfying(AsyncInvocation.DeadLettered.class,
                        d -> assertThat(d.put()).isInstanceOf(DeadLetterStore.AlreadyKept.class));

        assertThat(deadLetters()).extracting(item -> item.get("reason").s() + " at " + item.get("at").s())
                .containsExactlyInAnyOrder("the invocation payload is not JSON at 2026-11-24T09:00:05.000Z",
                        "neither at 2026-11-24T09:00:05.000Z");
        assertThat(ran).isEmpty();
    }

    private DeadLetterStore.Put deadLetterOf(String payload) {
        String id = deadLetters().stream().filter(item -> payload.equals(item.get("payload").s())).findFirst().orElseThrow().get("id").s();
        return new DeadLetterStore.Kept(id);
    }

    @Test
    void a_single_invocation_is_done_dead_lettered_or_thrown() {
        assertThat(invocation.one("{}", () -> 42)).isEqualTo(new AsyncInvocation.Done<>(42));
        assertThat(invocation.one("{\"x\":1}", () -> { throw new PermanentFailure("no"); }))
                .isInstanceOf(AsyncInvocation.DeadLettered.class);
        assertThatThrownBy(() -> invocation.one("{\"x\":2}", () -> { throw new IllegalStateException("down"); }))
                .hasMessage("down");

        assertThat(deadLetters()).singleElement().satisfies(item -> {
            assertThat(item.get("payload").s()).isEqualTo("{\"x\":1}");
            assertThat(item).doesNotContainKey("recordId");
        });
    }
}
