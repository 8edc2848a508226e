package io.nudge.bench.load;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import io.nudge.aws.AwsClients;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import io.nudge.local.EmbeddedStore;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/**
 * DynamoDB Local's own ceiling: plain PutItem calls of an event-sized item (~300 bytes, 1 WCU) from {@code threads}
 * threads, into a table of their own: over HTTP through the same SDK client configuration the runner uses, or on a
 * {@code DynamoDBEmbedded} in this process (no HTTP, the store's own work only).
 */
final class RawPuts {
    private RawPuts() {}

    static double perSecond(URI endpoint, int threads, double seconds, String table) throws InterruptedException {
        DynamoDbClient dynamo = AwsClients.dynamoDbAt(endpoint);
        try {
            createTable(dynamo, table, false);
            return puts(dynamo, threads, seconds, table);
        } finally {
            dynamo.close();
        }
    }

    /**
     * A bare {@code DynamoDBEmbedded} in this process, on a fresh database file (persisted) or in memory, a table with a
     * stream on: PutItem/s over {@code seconds} after {@code warmUpSeconds} of the same. Shut down after (its threads
     * are not daemons).
     *
     * @param file the database file, on the disk the runner's data folder is on; empty for in memory
     */
    static double embedded(Optional<Path> file, int threads, double warmUpSeconds, double seconds) throws InterruptedException {
        AmazonDynamoDBLocal local = file.map(f -> DynamoDBEmbedded.create(f.toFile())).orElseGet(DynamoDBEmbedded::create);
        try {
            DynamoDbClient dynamo = local.dynamoDbClient();
            createTable(dynamo, "bench-RawPuts", true);
            puts(dynamo, threads, warmUpSeconds, "bench-RawPuts");
            return puts(dynamo, threads, seconds, "bench-RawPuts");
        } finally {
            local.shutdownNow();
        }
    }

    /**
     * The store as the runner opens it ({@link EmbeddedStore}: embedded, write-ahead log), on a fresh database in
     * {@code folder} (persisted) or in memory: PutItem/s over {@code seconds} after {@code warmUpSeconds}.
     */
    static double asTheRunnerOpensIt(Optional<Path> folder, int threads, double warmUpSeconds, double seconds) throws Exception {
        try (EmbeddedStore store = EmbeddedStore.open(folder)) {
            DynamoDbClient dynamo = store.dynamo();
            createTable(dynamo, "bench-RawPuts", true);
            puts(dynamo, threads, warmUpSeconds, "bench-RawPuts");
            return puts(dynamo, threads, seconds, "bench-RawPuts");
        }
    }

    private static void createTable(DynamoDbClient dynamo, String table, boolean stream) {
        CreateTableRequest.Builder create = CreateTableRequest.builder().tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build());
        if (stream) {
            create.streamSpecification(StreamSpecification.builder().streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES).build());
        }
        dynamo.createTable(create.build());
    }

    private static double puts(DynamoDbClient dynamo, int threads, double seconds, String table) throws InterruptedException {
        String run = Long.toString(System.nanoTime(), 36);
        AtomicLong puts = new AtomicLong();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(Thread.ofPlatform().start(() -> {
                long i = 0;
                while (System.nanoTime() < end) {
                    Map<String, AttributeValue> item = new HashMap<>();
                    item.put("id", s("raw-" + run + "-" + thread + "-" + i++));
                    item.put("userId", s("user-" + (i % 500)));
                    item.put("name", s("bench_ping"));
                    item.put("properties", AttributeValue.fromM(Map.of("plan", s("pro"), "total", n(42), "currency", s("EUR"),
                            "source", s("web"), "cartId", s("c-" + i), "url", s("https://shop.example/p/" + i))));
                    item.put("timestamp", s("2026-11-24T10:00:00.000Z"));
                    item.put("receivedAt", s("2026-11-24T10:00:00.000Z"));
                    item.put("expiresAt", n(1_800_000_000L));
                    dynamo.putItem(PutItemRequest.builder().tableName(table).item(item).build());
                    puts.incrementAndGet();
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        return puts.get() / elapsed;
    }
}
