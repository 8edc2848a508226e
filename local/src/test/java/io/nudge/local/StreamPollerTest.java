package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/** The local stream poller against DynamoDB Local's real streams: every record reaches the handler. */
class StreamPollerTest {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static AmazonDynamoDBLocal local;
    private static DynamoDbClient dynamo;
    private static DynamoDbStreamsClient streams;

    @BeforeAll
    static void start() {
        local = DynamoDBEmbedded.create();
        dynamo = local.dynamoDbClient();
        streams = local.dynamoDbStreamsClient();
    }

    @AfterAll
    static void stop() {
        local.shutdown();
    }

    /** The deliver and schedule-sends pollers read one stream: one must not resume from where the other stopped. */
    @Test
    void two_pollers_of_one_stream_each_resume_from_their_own_checkpoint() throws Exception {
        String table = streamTable();
        Checkpoints checkpoints = new Checkpoints(dynamo, table + "-checkpoints");
        for (int i = 0; i < 20; i++) {
            put(table, "m" + i, i % 2 == 0 ? "READY" : "SCHEDULED");
        }
        Seen scheduled = new Seen();
        StreamPoller scheduleSends = poller("schedule-sends", table, checkpoints, "SCHEDULED", scheduled);
        drain(scheduleSends);
        assertThat(scheduled.ids).hasSize(10);

        // deliver starts later (a restart, or a poller that fell behind and re-reads from its checkpoint)
        Seen ready = new Seen();
        drain(poller("deliver", table, checkpoints, "READY", ready));
        assertThat(ready.ids).hasSize(10).allMatch(id -> Integer.parseInt(id.substring(1)) % 2 == 0);

        // and after a restart neither hands anything over again
        Seen again = new Seen();
        drain(poller("deliver", table, checkpoints, "READY", again));
        drain(poller("schedule-sends", table, checkpoints, "SCHEDULED", again));
        assertThat(again.ids).isEmpty();
    }

    /** Shards roll over (every 4 hours in DynamoDB Local) while writers are busy: no record is skipped. */
    @Test
    void records_written_across_shard_roll_overs_all_reach_the_handler() throws Exception {
        String table = streamTable();
        Checkpoints checkpoints = new Checkpoints(dynamo, table + "-checkpoints");
        Seen seen = new Seen();
        StreamPoller poller = poller("deliver", table, checkpoints, "READY", seen);
        Thread reader = Thread.ofPlatform().daemon().start(poller);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            writers.add(Thread.ofPlatform().daemon().start(() -> {
                for (int i = 0; writing.get(); i++) {
                    put(table, "w" + writer + "-" + i, "READY");
                    written.incrementAndGet();
                }
            }));
        }
        for (int rollOver = 0; rollOver < 5; rollOver++) {
            Thread.sleep(150);
            local.triggerShardRollovers();
        }
        writing.set(false);
        for (Thread writer : writers) {
            writer.join();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(ItTime.DEADLINE_SECONDS).toNanos();
        while (seen.ids.size() < written.get() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        poller.stop();
        reader.join(5_000);
        String arn = dynamo.describeTable(DescribeTableRequest.builder().tableName(table).build()).table().latestStreamArn();
        assertThat(streams.describeStream(DescribeStreamRequest.builder().streamArn(arn).build()).streamDescription().shards())
                .hasSizeGreaterThan(5);
        assertThat(seen.ids).hasSize(written.get());
        assertThat(seen.duplicates.get()).isZero();
    }

    @Test
    void replay_hands_every_batch_over_twice_reversed_first() throws Exception {
        String table = streamTable();
        Checkpoints checkpoints = new Checkpoints(dynamo, table + "-checkpoints");
        for (int i = 0; i < 3; i++) {
            put(table, "m" + i, "READY");
        }
        List<List<String>> batches = new ArrayList<>();
        StreamPoller poller = new StreamPoller("deliver", table, dynamo, streams, checkpoints, TableWrites.unobserved(),
                r -> LocalRunner.hasStatus(r, "READY"), (event, context) -> {
                    batches.add(event.getRecords().stream().map(r -> r.getDynamodb().getKeys().get("id").getS()).toList());
                    return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
                }, true);
        drain(poller);
        assertThat(batches).containsExactly(List.of("m2", "m1", "m0"), List.of("m0", "m1", "m2"));
    }

    private static StreamPoller poller(String name, String table, Checkpoints checkpoints, String status, Seen seen) {
        return new StreamPoller(name, table, dynamo, streams, checkpoints, r -> LocalRunner.hasStatus(r, status), seen);
    }

    /** Polls until a poll reads nothing twice in a row (the shard's end or nothing new). */
    private static void drain(StreamPoller poller) throws InterruptedException {
        int quiet = 0;
        for (int i = 0; i < 1_000 && quiet < 2; i++) {
            quiet = poller.pollOnce() ? 0 : quiet + 1;
        }
    }

    private static String streamTable() {
        String name = "poller-" + TABLES.incrementAndGet();
        dynamo.createTable(CreateTableRequest.builder().tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                .streamSpecification(StreamSpecification.builder().streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE).build())
                .build());
        return name;
    }

    private static void put(String table, String id, String status) {
        dynamo.putItem(PutItemRequest.builder().tableName(table)
                .item(Map.of("id", AttributeValue.fromS(id), "status", AttributeValue.fromS(status))).build());
    }

    private static final class Seen implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
        final Set<String> ids = ConcurrentHashMap.newKeySet();
        final AtomicInteger duplicates = new AtomicInteger();

        @Override
        public StreamsEventResponse handleRequest(DynamodbEvent event, com.amazonaws.services.lambda.runtime.Context context) {
            for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
                if (!ids.add(record.getDynamodb().getKeys().get("id").getS())) {
                    duplicates.incrementAndGet();
                }
            }
            return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
        }
    }


    @Test
    void an_idle_poller_backs_off_to_at_most_200_ms_between_polls() {
        long idle = 10;
        java.util.List<Long> waits = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            waits.add(idle);
            idle = StreamPoller.nextIdle(idle);
        }
        org.assertj.core.api.Assertions.assertThat(waits).containsExactly(10L, 20L, 40L, 80L, 160L, 200L, 200L);
    }
}
