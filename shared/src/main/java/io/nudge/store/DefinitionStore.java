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
 * The Definitions table: triggers and templates as documents (kind, id), journeys as numbered versions (kind,
 * id#version), and one version counter bumped on every change so functions can cache all definitions and refresh
 * them with one small read.
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

    /** @return true when written, false when a definition with this id exists */
    public boolean putIfAbsent(String kind, String id, ObjectNode document, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("kind", s(kind));
        item.put("id", s(id));
        item.put("doc", s(Json.write(document)));
        item.put("updatedAt", s(Times.format(now)));
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item).conditionExpression("attribute_not_exists(id)").build());
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
        bumpVersion();
        return true;
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
     * A numbered version of a document (journeys): one item per version, written once and never replaced, so whatever
     * runs a version can always read it; {@code deletedAt} is set on the latest version when the document is deleted.
     */
    public record Version(String id, int version, ObjectNode document, Instant updatedAt, Optional<Instant> deletedAt) {}

    /** Digits of the version in its key, so versions sort by number. */
    private static final int VERSION_DIGITS = 10;
    private static final char VERSION_SEPARATOR = '#';

    /**
     * Stores version {@code version} of {@code id} unless it exists (one conditional put).
     *
     * @return false when another writer stored that version first
     */
    public boolean putVersion(String kind, String id, int version, ObjectNode document, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("kind", s(kind));
        item.put("id", s(versionKey(id, version)));
        item.put("doc", s(Json.write(document)));
        item.put("updatedAt", s(Times.format(now)));
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item).conditionExpression("attribute_not_exists(id)").build());
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
        bumpVersion();
        return true;
    }

    /** The highest version of {@code id}, deleted or not: one query read. */
    public Optional<Version> latestVersion(String kind, String id) {
        return dynamo.query(QueryRequest.builder().tableName(table)
                        .keyConditionExpression("kind = :k AND begins_with(id, :p)")
                        .expressionAttributeValues(Map.of(":k", s(kind), ":p", s(id + VERSION_SEPARATOR)))
                        .scanIndexForward(false).limit(1).consistentRead(true).build())
                .items().stream().findFirst().map(DefinitionStore::versionFromItem);
    }

    public Optional<Version> findVersion(String kind, String id, int version) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(key(kind, versionKey(id, version))).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(versionFromItem(item));
    }

    /** Every version of every document of {@code kind}, by id then version (one paged query). */
    public List<Version> versions(String kind) {
        return dynamo.queryPaginator(QueryRequest.builder().tableName(table)
                        .keyConditionExpression("kind = :k")
                        .expressionAttributeValues(Map.of(":k", s(kind)))
                        .consistentRead(true).build())
                .items().stream().map(DefinitionStore::versionFromItem).toList();
    }

    /**
     * Marks {@code version} (the latest) deleted, keeping it readable.
     *
     * @return false when it does not exist or is already deleted
     */
    public boolean markDeleted(String kind, String id, int version, Instant now) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(key(kind, versionKey(id, version)))
                    .updateExpression("SET deletedAt = :now")
                    .conditionExpression("attribute_exists(id) AND attribute_not_exists(deletedAt)")
                    .expressionAttributeValues(Map.of(":now", s(Times.format(now)))).build());
        } catch (ConditionalCheckFailedException absent) {
            return false;
        }
        bumpVersion();
        return true;
    }

    private static String versionKey(String id, int version) {
        if (version < 1) {
            throw new IllegalArgumentException("version must be 1 or more, not " + version);
        }
        String number = Integer.toString(version);
        return id + VERSION_SEPARATOR + "0".repeat(VERSION_DIGITS - number.length()) + number;
    }

    private static Version versionFromItem(Map<String, AttributeValue> item) {
        Stored stored = fromItem(item);
        int at = stored.id().lastIndexOf(VERSION_SEPARATOR);
        return new Version(stored.id().substring(0, at), Integer.parseInt(stored.id().substring(at + 1)), stored.document(),
                stored.updatedAt(), Optional.ofNullable(item.get("deletedAt")).map(d -> Times.parse(d.s())));
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
