package io.nudge.store;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.nudge.json.Json;
import io.nudge.lambda.BadRecord;
import io.nudge.model.Event;
import io.nudge.model.Times;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The Events table: the stream's source. Ingest does exactly one conditional put per event. */
public final class EventStore {
    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration retention;

    public EventStore(DynamoDbClient dynamo, String table, Duration retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
    }

    /** @return false when an event with this id was already stored (a duplicate: evaluated once only) */
    public boolean putIfAbsent(Event event) {
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(toItem(event))
                    .conditionExpression("attribute_not_exists(eventId)").build());
            return true;
        } catch (ConditionalCheckFailedException duplicate) {
            return false;
        }
    }

    /** Every read of a TTL'd item checks its expiry: TTL deletes late. */
    public Optional<Event> find(String eventId, java.time.Instant now) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("eventId", s(eventId))).consistentRead(true).build()).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        AttributeValue expiresAt = item.get("expiresAt");
        if (expiresAt != null && Long.parseLong(expiresAt.n()) <= now.getEpochSecond()) {
            return Optional.empty();
        }
        return Optional.of(fromItem(item));
    }

    /**
     * Why each candidate trigger did or did not match: readable through GET /v1/events/{id}. The first evaluation that
     * decided something is kept: a stream record evaluated again (after a crash, or a retry) finds what the first one
     * did already done — the message it cancelled no longer pending — and would otherwise replace the explanation
     * with an empty one. An empty first evaluation (a cancel that arrived before its message) is replaced.
     */
    public void recordEvaluation(String eventId, ArrayNode evaluation) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("eventId", s(eventId)))
                .updateExpression("SET evaluation = :e")
                .conditionExpression("attribute_exists(eventId) AND (attribute_not_exists(evaluation) OR size(evaluation) = :none)")
                .expressionAttributeValues(Map.of(":e", AttributeValues.fromJson(evaluation), ":none", AttributeValues.n(0)))
                .build());
        } catch (ConditionalCheckFailedException expiredOrDecided) {
            // expired or erased before evaluation (the messages are what matters), or evaluated already
        }
    }

    /** The ids of a user's stored events, through the keys-only index (eventually consistent, like every GSI). */
    public java.util.List<String> idsForUser(String userId) {
        return dynamo.queryPaginator(software.amazon.awssdk.services.dynamodb.model.QueryRequest.builder().tableName(table)
                        .indexName(TableDefinitions.EVENTS_BY_USER_TIME)
                        .keyConditionExpression("userId = :u")
                        .expressionAttributeValues(Map.of(":u", s(userId))).build())
                .items().stream().map(item -> item.get("eventId").s()).toList();
    }

    /**
     * A user's events newest first (by time received) from the keys-only index, at most {@code limit}, after
     * {@code after} when given. Eventually consistent, like every GSI; the items are {@link #findAll}'s.
     */
    public java.util.List<TimeKey> newestForUser(String userId, Optional<TimeKey> after, int limit) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(TableDefinitions.EVENTS_BY_USER_TIME)
                .keyConditionExpression("userId = :u").expressionAttributeValues(Map.of(":u", s(userId)))
                .scanIndexForward(false).limit(limit);
        after.ifPresent(key -> query.exclusiveStartKey(Map.of("userId", s(userId), "receivedAt", s(key.at()), "eventId", s(key.id()))));
        return dynamo.query(query.build()).items().stream()
                .map(item -> new TimeKey(item.get("receivedAt").s(), item.get("eventId").s())).toList();
    }

    /**
     * A page of a user's events received from {@code from} to {@code until} (both included), newest first, at most
     * {@code limit}, after {@code after} when given, from the keys-only index: one Query, eventually consistent like
     * every GSI. A page shorter than {@code limit} is the last.
     */
    public java.util.List<TimeKey> receivedBetween(String userId, java.time.Instant from, java.time.Instant until, Optional<TimeKey> after,
            int limit) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(TableDefinitions.EVENTS_BY_USER_TIME)
                .keyConditionExpression("userId = :u AND receivedAt BETWEEN :from AND :until")
                .expressionAttributeValues(Map.of(":u", s(userId), ":from", s(Times.format(from)), ":until", s(Times.format(until))))
                .scanIndexForward(false).limit(limit);
        after.ifPresent(key -> query.exclusiveStartKey(Map.of("userId", s(userId), "receivedAt", s(key.at()), "eventId", s(key.id()))));
        return dynamo.query(query.build()).items().stream()
                .map(item -> new TimeKey(item.get("receivedAt").s(), item.get("eventId").s())).toList();
    }

    /** An event as stored, with the evaluation recorded for it (empty until evaluated). */
    public record Stored(Event event, ArrayNode evaluation) {}

    /**
     * The events with these ids, read consistently (BatchGetItem, 100 keys a call), by id; an event erased or expired
     * ({@code expiresAt} at or before {@code now}: TTL deletes late) is left out.
     */
    public Map<String, Stored> findAll(java.util.Collection<String> eventIds, java.time.Instant now) {
        java.util.List<String> ids = eventIds.stream().distinct().toList();
        Map<String, Stored> found = new HashMap<>();
        for (int from = 0; from < ids.size(); from += 100) {
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().consistentRead(true)
                    .keys(ids.subList(from, Math.min(ids.size(), from + 100)).stream().map(id -> Map.of("eventId", s(id))).toList())
                    .build());
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt == 10) {
                    throw new IllegalStateException("BatchGetItem kept returning unprocessed keys");
                }
                BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(request).build());
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, java.util.List.of())) {
                    AttributeValue expiresAt = item.get("expiresAt");
                    if (expiresAt == null || Long.parseLong(expiresAt.n()) > now.getEpochSecond()) {
                        found.put(item.get("eventId").s(), new Stored(fromItem(item), item.containsKey("evaluation")
                                ? (ArrayNode) AttributeValues.toJson(item.get("evaluation")) : Json.MAPPER.createArrayNode()));
                    }
                }
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return found;
    }

    /** @return false when there was no such event */
    public boolean delete(String eventId) {
        Map<String, AttributeValue> old = dynamo.deleteItem(software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest.builder()
                .tableName(table).key(Map.of("eventId", s(eventId)))
                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD).build()).attributes();
        return old != null && !old.isEmpty();
    }

    public Optional<Map<String, AttributeValue>> rawItem(String eventId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("eventId", s(eventId))).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /** The stored item of {@code event}: public for bench/'s seeding, which writes in batches. */
    public Map<String, AttributeValue> toItem(Event event) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("eventId", s(event.id()));
        item.put("userId", s(event.userId()));
        item.put("name", s(event.name()));
        item.put("properties", AttributeValues.fromJson(event.properties()));
        item.put("timestamp", s(Times.format(event.timestamp())));
        item.put("receivedAt", s(Times.format(event.receivedAt())));
        item.put("expiresAt", n(event.receivedAt().plus(retention).getEpochSecond()));
        return item;
    }

    /** Reads an event from a stored item or a stream image; throws {@link BadRecord} on a bad shape. */
    public static Event fromItem(Map<String, AttributeValue> item) {
        try {
            return read(item);
        } catch (BadRecord e) {
            throw e;
        } catch (NullPointerException | IllegalArgumentException | java.time.DateTimeException e) {
            throw new BadRecord("not an event record", e);
        }
    }

    private static Event read(Map<String, AttributeValue> item) {
        String id = required(item, "eventId");
        String userId = required(item, "userId");
        String name = required(item, "name");
        String timestamp = required(item, "timestamp");
        String receivedAt = item.containsKey("receivedAt") ? item.get("receivedAt").s() : timestamp;
        try {
            return new Event(id, userId, name, AttributeValues.objectOrEmpty(item.get("properties")),
                    Times.parse(timestamp), Times.parse(receivedAt));
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadRecord("timestamp is not an ISO-8601 instant");
        }
    }

    private static String required(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null || value.s() == null || value.s().isEmpty()) {
            throw new BadRecord("event record has no " + name);
        }
        return value.s();
    }
}
