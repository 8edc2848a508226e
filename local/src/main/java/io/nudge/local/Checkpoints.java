package io.nudge.local;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Where each stream shard was read up to, kept in DynamoDB Local itself so a restart resumes there. Under load a
 * poller reads a batch every few milliseconds: its checkpoint is written at most once per {@link #INTERVAL_NANOS} and
 * whenever the poller finds nothing new, so a killed runner hands over again at most the last second's records, which
 * the handlers take as the duplicates at-least-once delivery brings anyway (Lambda also retries whole batches).
 */
final class Checkpoints {
    static final long INTERVAL_NANOS = 1_000_000_000L;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Map<String, String> latest = new ConcurrentHashMap<>();
    private final Map<String, Written> written = new ConcurrentHashMap<>();

    private record Written(String sequence, long atNanos) {}

    Checkpoints(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        try {
            dynamo.createTable(CreateTableRequest.builder().tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(KeySchemaElement.builder().attributeName("shard").keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("shard").attributeType(ScalarAttributeType.S).build())
                    .build());
        } catch (ResourceInUseException exists) {
            // kept from an earlier run: that is the point
        }
    }

    /** The shard has been handled up to {@code sequence}: kept now, written when it is time. */
    void advance(String shard, String sequence) {
        latest.put(shard, sequence);
        Written last = written.get(shard);
        long now = System.nanoTime();
        if (last == null || now - last.atNanos() >= INTERVAL_NANOS) {
            write(shard, sequence, now);
        }
    }

    /** Writes every checkpoint of keys starting with {@code owner} (one poller's) that moved since it was last written. */
    void flush(String owner) {
        latest.forEach((shard, sequence) -> {
            Written last = written.get(shard);
            if (shard.startsWith(owner) && (last == null || !last.sequence().equals(sequence))) {
                write(shard, sequence, System.nanoTime());
            }
        });
    }

    Optional<String> get(String shard) {
        String kept = latest.get(shard);
        if (kept != null) {
            return Optional.of(kept);
        }
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("shard", AttributeValue.fromS(shard))).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item.get("sequence").s());
    }

    private void write(String shard, String sequence, long nowNanos) {
        put(shard, sequence);
        written.put(shard, new Written(sequence, nowNanos));
    }

    void put(String shard, String sequence) {
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(Map.of(
                "shard", AttributeValue.fromS(shard), "sequence", AttributeValue.fromS(sequence))).build());
    }
}
