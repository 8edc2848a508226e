package io.nudge.outbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.nudge.json.Json;
import io.nudge.lambda.BadRecord;
import io.nudge.privacy.Person;
import io.nudge.privacy.PersonalRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

/**
 * The Outbound table: one item per event of the stream out, keyed by the user ({@code userId}) and the event's id
 * ({@code id}). Keyed by user so that the table's stream, like a Kinesis shard, hands one user's events to
 * emit-events in the order they were written. The put is conditional on the id: the retry that re-applies a change
 * writes the same record again and changes nothing (no second stream record). Items expire after
 * {@link #RETENTION}: by then emit-events has either delivered them or queued them with their body.
 */
public final class OutboundStore implements PersonalRecords {
    public static final Duration RETENTION = Duration.ofDays(3);

    private final DynamoDbClient dynamo;
    private final String table;

    public OutboundStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** @return true when this call wrote it, false when the same event was recorded before */
    public boolean putIfAbsent(OutboundEvent event, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("userId", s(event.userId()));
        item.put("id", s(event.id()));
        item.put("type", s(event.type().wire()));
        item.put("event", s(Json.write(event.toJson(false))));
        event.address().ifPresent(a -> item.put("address", s(a)));
        item.put("expiresAt", n(now.plus(RETENTION).getEpochSecond()));
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(id)").build());
            return true;
        } catch (ConditionalCheckFailedException recordedBefore) {
            return false;
        }
    }

    /** From a stored item or a stream image; {@link BadRecord} when it is not one. */
    public static OutboundEvent fromItem(Map<String, AttributeValue> item) {
        AttributeValue body = item.get("event");
        if (body == null || body.s() == null) {
            throw new BadRecord("not an outbound event record");
        }
        JsonNode json;
        try {
            json = Json.parse(body.s());
        } catch (JsonProcessingException e) {
            throw new BadRecord("the outbound event is not JSON", e);
        }
        return OutboundEvent.fromJson(json, Optional.ofNullable(item.get("address")).map(AttributeValue::s));
    }

    /** The user's events still held, oldest id first (ids are hashes: no order in time). */
    public List<OutboundEvent> of(String userId) {
        List<OutboundEvent> found = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("userId = :u").expressionAttributeValues(Map.of(":u", s(userId)))
                    .exclusiveStartKey(start).build());
            page.items().forEach(item -> found.add(fromItem(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return found;
    }

    @Override
    public String name() {
        return "outboundEvents";
    }

    @Override
    public Set<String> statePrefixes() {
        return Set.of();
    }

    @Override
    public Optional<JsonNode> export(Person person, Instant now) {
        List<OutboundEvent> events = of(person.userId());
        if (events.isEmpty()) {
            return Optional.empty();
        }
        ArrayNode list = Json.MAPPER.createArrayNode();
        events.forEach(e -> list.add(e.toJson(true)));
        return Optional.of(list);
    }

    @Override
    public Erased erase(Person person, Instant now) {
        int deleted = 0;
        for (OutboundEvent event : of(person.userId())) {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of("userId", s(person.userId()), "id", s(event.id()))));
            deleted++;
        }
        return new Erased.Deleted(deleted);
    }
}
