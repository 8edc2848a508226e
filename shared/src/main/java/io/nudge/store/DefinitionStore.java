package io.nudge.store;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.model.Times;
import java.time.Instant;
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
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The Definitions table: triggers and templates as documents (kind, id), and one version counter bumped on every
 * change so functions can cache all definitions and refresh them with one small read.
 */
public final class DefinitionStore {
    public static final String TRIGGER = "trigger";
    public static final String TEMPLATE = "template";
    private static final String META = "meta";

    private final DynamoDbClient dynamo;
    private final String table;

    public DefinitionStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public record Stored(String kind, String id, ObjectNode document, Instant updatedAt) {}

    /** @return true when the definition was created, false when it replaced one */
    public boolean put(String kind, String id, ObjectNode document, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("kind", s(kind));
        item.put("id", s(id));
        item.put("doc", s(Json.write(document)));
        item.put("updatedAt", s(Times.format(now)));
        Map<String, AttributeValue> old = dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                .returnValues(ReturnValue.ALL_OLD).build()).attributes();
        bumpVersion();
        return old == null || old.isEmpty();
    }

    public Optional<Stored> find(String kind, String id) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(key(kind, id)).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    public boolean delete(String kind, String id) {
        try {
            dynamo.deleteItem(DeleteItemRequest.builder().tableName(table).key(key(kind, id))
                    .conditionExpression("attribute_exists(id)").build());
        } catch (ConditionalCheckFailedException absent) {
            return false;
        }
        bumpVersion();
        return true;
    }

    public List<Stored> list(String kind) {
        return dynamo.queryPaginator(QueryRequest.builder().tableName(table)
                        .keyConditionExpression("kind = :k")
                        .expressionAttributeValues(Map.of(":k", s(kind)))
                        .consistentRead(true).build())
                .items().stream().map(DefinitionStore::fromItem).toList();
    }

    /**
     * One strongly consistent read: the number every cache compares against. With {@link #cacheVersionFor} the
     * number read is reused for that long (every catalog of a function, every batch), so a change made elsewhere
     * takes effect that much later; a change made through this store is seen at once.
     */
    public long version() {
        long maxAge = versionMaxAgeNanos;
        long now = System.nanoTime();
        VersionRead last = lastVersion;
        if (maxAge > 0 && last != null && now - last.readAt() < maxAge) {
            return last.version();
        }
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(key(META, "version")).consistentRead(true).build()).item();
        long version = item == null || item.isEmpty() ? 0 : Long.parseLong(item.get("version").n());
        lastVersion = new VersionRead(version, now);
        return version;
    }

    /** Reuse a version read for {@code maxAge} (functions: one read a second instead of one per catalog and batch). */
    public DefinitionStore cacheVersionFor(java.time.Duration maxAge) {
        versionMaxAgeNanos = maxAge.toNanos();
        return this;
    }

    private record VersionRead(long version, long readAt) {}

    private volatile long versionMaxAgeNanos;
    private volatile VersionRead lastVersion;

    private void bumpVersion() {
        lastVersion = null;
        dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(key(META, "version"))
                .updateExpression("ADD version :one")
                .expressionAttributeValues(Map.of(":one", n(1))).build());
    }

    private static Map<String, AttributeValue> key(String kind, String id) {
        return Map.of("kind", s(kind), "id", s(id));
    }

    private static Stored fromItem(Map<String, AttributeValue> item) {
        try {
            return new Stored(item.get("kind").s(), item.get("id").s(),
                    (ObjectNode) Json.parse(item.get("doc").s()), Times.parse(item.get("updatedAt").s()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("definition " + item.get("id").s() + " holds invalid JSON", e);
        }
    }

}
