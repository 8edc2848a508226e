package io.nudge.outbound;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.privacy.Person;
import io.nudge.privacy.PersonalRecords;
import io.nudge.store.TableDefinitions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

/**
 * Events a subscription has not taken yet, one queue per subscription and user (WebhookDeliveries table,
 * {@code pk} = {@code queue#<subscription>#<user>}, {@code sk} = enqueue time and event id): a user's later events
 * wait behind an earlier one that failed, so a receiver gets them in order once it answers again. Each item carries
 * its event whole, and a due time in the {@code due} index (sharded), which the retry run reads. Only the head's due
 * time decides when a queue is taken; an item behind it carries a backstop ({@link #BACKSTOP} after the head's), so
 * an item is never left without one, whatever crash or race removed the head before it.
 */
public final class DeliveryQueue implements PersonalRecords {
    static final int SHARDS = 4;
    /** A queued item is gone after this even if nothing took it (the retry gives up after a day; this is the backstop). */
    static final Duration EXPIRY = Duration.ofDays(3);
    /** How long after the head's due time an item behind it comes due by itself: the retry run meets it by then anyway. */
    static final Duration BACKSTOP = Duration.ofMinutes(5);
    /**
     * Orders items enqueued in the same millisecond by this process (a user's events of one batch, one after the
     * other): the sort key is the time, then this counter, then the event id; never the id's hash alone.
     */
    private static final java.util.concurrent.atomic.AtomicLong ENQUEUED = new java.util.concurrent.atomic.AtomicLong();

    /** One waiting event of one subscription and user. */
    public record Queued(String pk, String sk, String subscriptionId, OutboundEvent event, int attempts, Instant firstAt,
            Instant dueAt, Optional<String> lastError) {}

    private final DynamoDbClient dynamo;
    private final String table;
    private final Supplier<List<String>> subscriptionIds;

    /** @param subscriptionIds every subscription's id (erasure looks in each one's queue of the user) */
    public DeliveryQueue(DynamoDbClient dynamo, String table, Supplier<List<String>> subscriptionIds) {
        this.dynamo = dynamo;
        this.table = table;
        this.subscriptionIds = subscriptionIds;
    }

    static String pk(String subscriptionId, String userId) {
        return String.join("#", "queue", subscriptionId, userId);
    }

    /** The first waiting event of this subscription and user, if any (a consistent read). */
    public Optional<Queued> head(String subscriptionId, String userId) {
        List<Queued> first = items(pk(subscriptionId, userId), 1);
        return first.isEmpty() ? Optional.empty() : Optional.of(first.get(0));
    }

    /** The queue's items in order, at most {@code limit}. */
    public List<Queued> items(String pk, int limit) {
        QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(pk))).limit(limit).build());
        return page.items().stream().map(DeliveryQueue::fromItem).toList();
    }

    /** Queues {@code event} for the subscription, due at {@code dueAt}; {@code attempts} made so far. */
    public void enqueue(String subscriptionId, OutboundEvent event, int attempts, Instant now, Instant dueAt, Optional<String> error) {
        String pk = pk(subscriptionId, event.userId());
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(pk));
        item.put("sk", s(padded(now) + String.format("%06d", ENQUEUED.incrementAndGet() % 1_000_000) + "#" + event.id()));
        item.put("subscriptionId", s(subscriptionId));
        item.put("event", s(Json.write(event.toJson(false))));
        event.address().ifPresent(a -> item.put("address", s(a)));
        item.put("attempts", n(attempts));
        item.put("firstAt", n(now.toEpochMilli()));
        item.put("dueShard", s(shard(pk)));
        item.put("dueAt", s(padded(dueAt)));
        error.ifPresent(e -> item.put("lastError", s(e)));
        item.put("expiresAt", n(now.plus(EXPIRY).getEpochSecond()));
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    /**
     * After a failed attempt: counted, due again at {@code dueAt}, kept {@link #EXPIRY} from now. False when the item is
     * gone (taken meanwhile).
     */
    public boolean reschedule(Queued queued, int attempts, Instant dueAt, String error, Instant now) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key(queued))
                    .updateExpression("SET attempts = :a, dueAt = :d, lastError = :e, expiresAt = :x")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(":a", n(attempts), ":d", s(padded(dueAt)), ":e", s(error),
                            ":x", n(now.plus(EXPIRY).getEpochSecond()))));
            return true;
        } catch (ConditionalCheckFailedException gone) {
            return false;
        }
    }

    /** Not due before {@code dueAt} (an item behind a head that waits), kept {@link #EXPIRY} from now. */
    public void delay(Queued queued, Instant dueAt, Instant now) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key(queued)).updateExpression("SET dueAt = :d, expiresAt = :x")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(":d", s(padded(dueAt)), ":x", n(now.plus(EXPIRY).getEpochSecond()))));
        } catch (ConditionalCheckFailedException gone) {
            // taken meanwhile
        }
    }

    public void remove(Queued queued) {
        dynamo.deleteItem(b -> b.tableName(table).key(key(queued)));
    }

    /** Items due by {@code now} in one shard of the index, oldest due first (eventually consistent: read again before use). */
    public List<Queued> due(int shard, Instant now, int limit) {
        QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table).indexName(TableDefinitions.WEBHOOK_DELIVERIES_DUE)
                .keyConditionExpression("dueShard = :s AND dueAt <= :now")
                .expressionAttributeValues(Map.of(":s", s(String.join("#", "due", String.valueOf(shard))), ":now", s(padded(now)))).limit(limit).build());
        return page.items().stream().map(DeliveryQueue::fromItem).toList();
    }

    private static Map<String, AttributeValue> key(Queued queued) {
        return Map.of("pk", s(queued.pk()), "sk", s(queued.sk()));
    }

    static String shard(String pk) {
        return String.join("#", "due", String.valueOf(Math.floorMod(Ids.sha256Hex(pk).hashCode(), SHARDS)));
    }

    /** Epoch milliseconds, 13 digits: sorts as text in time order. */
    static String padded(Instant at) {
        return String.format("%013d", Math.max(0, at.toEpochMilli()));
    }

    static Queued fromItem(Map<String, AttributeValue> item) {
        OutboundEvent event = OutboundStore.fromItem(item);
        return new Queued(item.get("pk").s(), item.get("sk").s(), item.get("subscriptionId").s(), event,
                Integer.parseInt(item.get("attempts").n()), Instant.ofEpochMilli(Long.parseLong(item.get("firstAt").n())),
                Instant.ofEpochMilli(Long.parseLong(item.get("dueAt").s())),
                Optional.ofNullable(item.get("lastError")).map(AttributeValue::s));
    }

    @Override
    public String name() {
        return "webhookQueue";
    }

    @Override
    public Set<String> statePrefixes() {
        return Set.of();
    }

    @Override
    public Optional<com.fasterxml.jackson.databind.JsonNode> export(Person person, Instant now) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (String id : subscriptionIds.get()) {
            items(pk(id, person.userId()), 1000).forEach(q -> list.add(q.event().toJson(true).put("subscriptionId", id)));
        }
        return list.isEmpty() ? Optional.empty() : Optional.of(list);
    }

    @Override
    public Erased erase(Person person, Instant now) {
        int deleted = 0;
        for (String id : subscriptionIds.get()) {
            List<Queued> queued;
            do {
                queued = items(pk(id, person.userId()), 100);
                queued.forEach(this::remove);
                deleted += queued.size();
            } while (!queued.isEmpty());
        }
        return new Erased.Deleted(deleted);
    }

}
