package io.nudge.local;

import static io.nudge.store.AttributeValues.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.campaigns.CampaignRunService;
import io.nudge.campaigns.CampaignRunner;
import io.nudge.json.Json;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Channel;
import io.nudge.model.Priority;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Measurement, not a test of behaviour (run on purpose: -Dtest=CampaignThroughputBench -Dnudge.bench=true
 * [-Dnudge.bench.users=100000]): a campaign to N users in the local runner, messages created per second by run-campaign,
 * raw conditional PutItem/s of message-sized items on the same DynamoDB Local, and the heap after each phase.
 */
@EnabledIfSystemProperty(named = "nudge.bench", matches = "true")
class CampaignThroughputBench {
    @TempDir
    Path data;

    @Test
    void campaign_throughput_against_raw_conditional_puts() throws Exception {
        int users = Integer.getInteger("nudge.bench.users", 100_000);
        try (LocalRunner runner = LocalRunner.start(new LocalOptions(data, true, "127.0.0.1", 0, Optional.empty(),
                LocalOptions.Channels.OUTBOX, Optional.of("bench-key"), "Acme <hello@acme.test>", Duration.ofSeconds(60), Clock.systemUTC()))) {
            var services = runner.services();
            DynamoDbClient dynamo = services.dynamo();
            long t0 = System.nanoTime();
            seedUsers(dynamo, services.tables().users(), users);
            double seedSeconds = (System.nanoTime() - t0) / 1e9;
            new io.nudge.definitions.DefinitionService(services.definitions(), Clock.systemUTC())
                    .putTemplate("digest_a", Json.parse("{\"channel\":\"email\",\"subject\":\"S\",\"text\":\"T\"}"));
            new io.nudge.definitions.DefinitionService(services.definitions(), Clock.systemUTC())
                    .putTemplate("digest_b", Json.parse("{\"channel\":\"email\",\"subject\":\"S\",\"text\":\"T\"}"));
            services.segments().put("pro", Json.parse("{\"all\":[{\"path\":\"user.attributes.plan\",\"op\":\"eq\",\"value\":\"pro\"}]}"));
            services.campaigns(new io.nudge.testing.RecordingScheduler(), r -> { }).put("digest", Json.parse(
                    "{\"segment\":\"pro\",\"channel\":\"email\",\"holdout\":10,\"variants\":[{\"id\":\"A\",\"template\":\"digest_a\",\"weight\":50},"
                            + "{\"id\":\"B\",\"template\":\"digest_b\",\"weight\":50}]}"));
            long heapBefore = heap();

            long t1 = System.nanoTime();
            CampaignRunService.Outcome outcome = services.campaignRun(r -> { }, LocalRunner.CAMPAIGN_SCAN_SEGMENTS)
                    .run(new CampaignRunner.Request("digest", "bench"), () -> Long.MAX_VALUE);
            double runSeconds = (System.nanoTime() - t1) / 1e9;
            long heapAfter = heap();
            var tally = ((CampaignRunService.Completed) outcome).tally();
            assertThat(tally.scanned()).isEqualTo(users);

            int raw = Math.min(20_000, users / 2);
            double rawSeconds = rawConditionalPuts(dynamo, raw, LocalRunner.CAMPAIGN_SCAN_SEGMENTS);
            double created = tally.messagesCreated() / runSeconds;
            double rawRate = raw / rawSeconds;
            String report = String.format(java.util.Locale.ROOT,
                    "users=%d seed=%.1fs | run-campaign: %.1fs, scanned=%d, messages=%d, heldOut=%d -> %.0f messages/s, %.0f users/s"
                            + " | raw conditional PutItem (message-sized, %d threads): %d in %.1fs -> %.0f/s | ratio campaign/raw = %.2f"
                            + " | heap after GC: before run %d MiB, after run %d MiB",
                    users, seedSeconds, runSeconds, tally.scanned(), tally.messagesCreated(), tally.heldOut(), created,
                    tally.scanned() / runSeconds, LocalRunner.CAMPAIGN_SCAN_SEGMENTS, raw, rawSeconds, rawRate, created / rawRate,
                    heapBefore >> 20, heapAfter >> 20);
            System.out.println("BENCH " + report);
            java.nio.file.Files.writeString(Path.of(System.getProperty("nudge.bench.out", "target/campaign-bench.txt")), report + "\n");
        }
    }

    private static long heap() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Users with a plan and no address: deliver suppresses their messages at once (invalid_address), no outbox files. */
    private static void seedUsers(DynamoDbClient dynamo, String table, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> done = new ArrayList<>();
        for (int start = 0; start < count; start += 25) {
            int from = start;
            done.add(pool.submit(() -> {
                List<WriteRequest> batch = new ArrayList<>();
                for (int i = from; i < Math.min(count, from + 25); i++) {
                    Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item = new HashMap<>();
                    item.put("userId", s("user-" + i));
                    item.put("attributes", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromM(
                            Map.of("plan", s(i % 3 == 2 ? "free" : "pro"))));
                    item.put("consent", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromM(Map.of()));
                    item.put("createdAt", s("2026-11-01T00:00:00.000Z"));
                    item.put("updatedAt", s("2026-11-01T00:00:00.000Z"));
                    item.put("revision", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN("1"));
                    batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
                }
                var left = Map.of(table, batch);
                while (!left.isEmpty()) {
                    var response = dynamo.batchWriteItem(BatchWriteItemRequest.builder().requestItems(left).build());
                    left = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
                    left = left.isEmpty() || left.values().stream().allMatch(List::isEmpty) ? Map.of() : left;
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    private static double rawConditionalPuts(DynamoDbClient dynamo, int count, int threads) throws Exception {
        String table = "nudge-BenchRaw";
        dynamo.createTable(CreateTableRequest.builder().tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build()).build());
        var store = new io.nudge.store.MessageStore(dynamo, table, Duration.ofSeconds(1));
        Instant now = Instant.now();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int worker = w;
            done.add(pool.submit(() -> {
                for (int i = worker; i < count; i += threads) {
                    var context = Json.object();
                    context.putObject("campaign").put("id", "digest").put("runId", "bench").put("arm", "A");
                    Message m = new Message("raw-" + i, "user-" + i, "digest", "bench", Channel.EMAIL, Priority.MARKETING, "digest_a",
                            MessageStatus.READY, Optional.empty(), context, Optional.empty(), Optional.empty(), Optional.empty(),
                            Optional.empty(), Optional.empty(), now, List.of(new HistoryEntry(MessageStatus.READY, "campaign", now)));
                    dynamo.putItem(PutItemRequest.builder().tableName(table).item(store.toItem(m))
                            .conditionExpression("attribute_not_exists(id)").build());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        return (System.nanoTime() - t) / 1e9;
    }
}
