package io.nudge.journey;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import io.nudge.lambda.BadRecord;
import io.nudge.model.Times;
import io.nudge.scheduling.Slots;
import io.nudge.store.AttributeValues;
import io.nudge.store.TableDefinitions;
import java.time.Duration;
import java.util.ArrayList;
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

/**
 * The JourneyInstances table, owner of the instance records. An item is the instance as JSON ({@code doc}) beside the
 * attributes its key, its condition and its four keys-only indexes read: {@code activeUser} (set while active: the
 * instances an event of the user may wake or end), {@code activeJourney} (set while active: what deleting the journey
 * ends), {@code userId}+{@code enteredAt} (all of a user's instances) and
 * {@code slotKey} (set while waiting for a time: the instances a slot wakes). Every write after the first is a
 * conditional put from the seq it read.
 */
public final class JourneyInstanceStore {
    /** An ended instance stays readable this long (its path explains what happened), then expires. */
    static final Duration KEEP_ENDED = Duration.ofDays(90);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration slotWidth;

    public JourneyInstanceStore(DynamoDbClient dynamo, String table, Duration slotWidth) {
        this.dynamo = dynamo;
        this.table = table;
        this.slotWidth = slotWidth;
    }

    /** False when it exists already (a replayed entry). */
    public boolean create(JourneyInstance instance) {
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(toItem(instance))
                    .conditionExpression("attribute_not_exists(id)").build());
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    /** Writes {@code next} if the stored instance is still at the seq {@code next} was made from; false when another writer won. */
    public boolean write(JourneyInstance next) {
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(toItem(next))
                    .conditionExpression("#seq = :expected")
                    .expressionAttributeNames(Map.of("#seq", "seq"))
                    .expressionAttributeValues(Map.of(":expected", n(next.seq() - 1))).build());
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    public Optional<JourneyInstance> find(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                .consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /** The user's active instances, read consistently (the index only finds them). */
    public List<JourneyInstance> activeFor(String userId) {
        List<JourneyInstance> out = new ArrayList<>();
        for (Map<String, AttributeValue> key : dynamo.query(QueryRequest.builder().tableName(table)
                .indexName(TableDefinitions.JOURNEYS_ACTIVE_BY_USER).keyConditionExpression("activeUser = :u")
                .expressionAttributeValues(Map.of(":u", s(userId))).build()).items()) {
            find(key.get("id").s()).filter(JourneyInstance::active).ifPresent(out::add);
        }
        return out;
    }

    /** Erasure: the instance is gone (a slot or an event that looks it up later finds nothing to move). */
    public void delete(String id) {
        dynamo.deleteItem(DeleteItemRequest.builder().tableName(table).key(Map.of("id", s(id))).build());
    }

    /** Ids of a journey's active instances, at most {@code limit} (deleting a journey ends them). */
    public List<String> activeOf(String journeyId, int limit) {
        List<String> ids = new ArrayList<>();
        for (var page : dynamo.queryPaginator(QueryRequest.builder().tableName(table).indexName(TableDefinitions.JOURNEYS_ACTIVE_BY_JOURNEY)
                .keyConditionExpression("activeJourney = :j").expressionAttributeValues(Map.of(":j", s(journeyId))).build())) {
            for (Map<String, AttributeValue> key : page.items()) {
                if (ids.size() >= limit) {
                    return ids;
                }
                ids.add(key.get("id").s());
            }
        }
        return ids;
    }

    /** The user's instances, newest entry first, at most {@code limit}. */
    public List<JourneyInstance> forUser(String userId, int limit) {
        List<JourneyInstance> out = new ArrayList<>();
        for (Map<String, AttributeValue> key : dynamo.query(QueryRequest.builder().tableName(table)
                .indexName(TableDefinitions.JOURNEYS_BY_USER).keyConditionExpression("userId = :u")
                .expressionAttributeValues(Map.of(":u", s(userId))).scanIndexForward(false).limit(limit).build()).items()) {
            find(key.get("id").s()).ifPresent(out::add);
        }
        return out;
    }

    /** Ids of the instances waiting in this slot's shard. */
    public List<String> inSlot(long slot, int shard) {
        List<String> ids = new ArrayList<>();
        dynamo.queryPaginator(QueryRequest.builder().tableName(table).indexName(TableDefinitions.JOURNEYS_BY_SLOT)
                        .keyConditionExpression("slotKey = :k").expressionAttributeValues(Map.of(":k", s(Slots.key(slot, shard)))).build())
                .items().forEach(item -> ids.add(item.get("id").s()));
        return ids;
    }

    /** The slot a waiting instance's due time falls in. */
    public long slotOf(JourneyInstance instance) {
        return Slots.slotOf(instance.dueAt().orElseThrow(), slotWidth);
    }

    public Map<String, AttributeValue> toItem(JourneyInstance instance) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(instance.id()));
        item.put("seq", n(instance.seq()));
        item.put("userId", s(instance.userId()));
        item.put("enteredAt", s(Times.format(instance.enteredAt())));
        item.put("phase", s(instance.phase().name()));
        item.put("doc", AttributeValues.fromJson(JourneyInstanceJson.toJson(instance)));
        if (instance.active()) {
            item.put("activeUser", s(instance.userId()));
            item.put("activeJourney", s(instance.journeyId()));
        }
        if (instance.active() && instance.phase() == JourneyInstance.Phase.WAIT && instance.dueAt().isPresent()) {
            long slot = slotOf(instance);
            item.put("slot", s(Long.toString(slot)));
            item.put("slotKey", s(Slots.key(slot, Slots.shardOf(instance.id()))));
        }
        instance.endedAt().ifPresent(ended -> item.put("expiresAt", n(ended.plus(KEEP_ENDED).getEpochSecond())));
        return item;
    }

    /** A stored item or a stream image; a shape no instance has is a {@link BadRecord}. */
    public static JourneyInstance fromItem(Map<String, AttributeValue> item) {
        try {
            return JourneyInstanceJson.fromJson(AttributeValues.toJson(item.get("doc")));
        } catch (NullPointerException | IllegalArgumentException | ClassCastException | java.time.DateTimeException e) {
            throw new BadRecord("not a journey instance record", e);
        }
    }
}
