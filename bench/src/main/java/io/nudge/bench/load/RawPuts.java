package io.nudge.bench.load;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import io.nudge.aws.AwsClients;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

/**
 * DynamoDB Local's own ceiling: plain PutItem calls of an event-sized item (~300 bytes, 1 WCU) from {@code threads}
 * threads through the same SDK client configuration the runner uses, into a table of their own.
 */
final class RawPuts {
    private RawPuts() {}

    static double perSecond(URI endpoint, int threads, double seconds, String table) throws InterruptedException {
        DynamoDbClient dynamo = AwsClients.dynamoDbAt(endpoint);
        dynamo.createTable(CreateTableRequest.builder().tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                .build());
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
                    item.put("id", s("raw-" + thread + "-" + i++));
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
        dynamo.close();
        return puts.get() / elapsed;
    }
}
