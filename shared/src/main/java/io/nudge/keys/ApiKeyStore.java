package io.nudge.keys;

import static io.nudge.store.AttributeValues.s;

import io.nudge.model.Times;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/** The ApiKeys table: one item per key, keyed by an id derived from the key's hash. */
public final class ApiKeyStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public ApiKeyStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public void put(ApiKey key) {
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(toItem(key)).build());
    }

    public Optional<ApiKey> find(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("id", s(id))).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /** Keys are few (one per app or person), so a scan is the honest way to list them. */
    public List<ApiKey> list() {
        return dynamo.scanPaginator(ScanRequest.builder().tableName(table).build()).items().stream()
                .map(ApiKeyStore::fromItem)
                .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id))
                .toList();
    }

    /** @return false when no such key existed */
    public boolean delete(String id) {
        try {
            dynamo.deleteItem(DeleteItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                    .conditionExpression("attribute_exists(id)").build());
            return true;
        } catch (ConditionalCheckFailedException absent) {
            return false;
        }
    }

    private static Map<String, AttributeValue> toItem(ApiKey key) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(key.id()));
        item.put("name", s(key.name()));
        item.put("scope", s(key.scope().wire()));
        item.put("sha256", s(key.sha256()));
        item.put("createdAt", s(Times.format(key.createdAt())));
        key.rateLimit().ifPresent(limit -> item.put("rateLimit", s(limit.wire())));
        return item;
    }

    private static ApiKey fromItem(Map<String, AttributeValue> item) {
        return new ApiKey(item.get("id").s(), item.get("name").s(),
                Scope.fromWire(item.get("scope").s()).orElse(Scope.INGEST),
                item.get("sha256").s(), Times.parse(item.get("createdAt").s()),
                // a limit this version cannot read falls back to the default rather than locking the key out
                Optional.ofNullable(item.get("rateLimit")).flatMap(v -> {
                    try {
                        return Optional.of(io.nudge.ratelimit.RateLimit.parse(v.s()));
                    } catch (IllegalArgumentException unreadable) {
                        return Optional.empty();
                    }
                }));
    }
}
