package io.nudge.scheduling;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import io.nudge.model.Times;
import io.nudge.store.TableDefinitions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * One record per time slot: CREATING (a caller won the right to create its schedule), SCHEDULED (the schedule
 * exists), FIRED (the slot was released; anything arriving later is released at once). Unfired slots carry the
 * sparse {@code unfired} attribute, so a firing slot also finds earlier slots that never fired.
 */
public final class SlotStore {
    private static final String UNFIRED = "u";
    private static final Duration RETENTION = Duration.ofDays(7);

    private final DynamoDbClient dynamo;
    private final String table;

    public SlotStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public sealed interface Claim {
        /** This caller must create the slot's schedule. */
        record Won() implements Claim {}

        /** Another caller is creating it (or failed to); {@code since} tells a stuck claim from a busy one. */
        record Creating(Instant since) implements Claim {}

        record Scheduled() implements Claim {}

        record Fired() implements Claim {}
    }

    /** The conditional put that elects the single caller of CreateSchedule for a slot. */
    public Claim claim(long slot, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("slot", s(key(slot)));
        item.put("state", s("CREATING"));
        item.put("unfired", s(UNFIRED));
        item.put("claimedAt", s(Times.format(now)));
        item.put("expiresAt", n(Instant.ofEpochSecond(slot).plus(RETENTION).getEpochSecond()));
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(slot)").build());
            return new Claim.Won();
        } catch (ConditionalCheckFailedException taken) {
            Map<String, AttributeValue> existing = dynamo.getItem(GetItemRequest.builder().tableName(table)
                    .key(Map.of("slot", s(key(slot)))).consistentRead(true).build()).item();
            return switch (existing.get("state").s()) {
                case "FIRED" -> new Claim.Fired();
                case "SCHEDULED" -> new Claim.Scheduled();
                default -> new Claim.Creating(Times.parse(existing.get("claimedAt").s()));
            };
        }
    }

    /** CREATING → SCHEDULED; a slot that fired meanwhile stays FIRED. */
    public void markScheduled(long slot) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("slot", s(key(slot))))
                    .updateExpression("SET #state = :scheduled")
                    .conditionExpression("#state = :creating")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":scheduled", s("SCHEDULED"), ":creating", s("CREATING"))).build());
        } catch (ConditionalCheckFailedException firedMeanwhile) {
            // nothing to do: FIRED wins
        }
    }

    /**
     * Marks the slot FIRED whatever it was (it may have no record if its messages' records were never processed), so
     * messages arriving from now on are released at once. It stays in the unfired index until {@link #markReleased}:
     * a firing that dies before its messages are released is found again by the sweep.
     */
    public void markFired(long slot, Instant now) {
        dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("slot", s(key(slot))))
                .updateExpression("SET #state = :fired, firedAt = if_not_exists(firedAt, :now), expiresAt = :exp, unfired = :u")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":fired", s("FIRED"), ":now", s(Times.format(now)),
                        ":exp", n(Instant.ofEpochSecond(slot).plus(RETENTION).getEpochSecond()), ":u", s(UNFIRED))).build());
    }

    /** The slot's messages were released: it leaves the unfired index. */
    public void markReleased(long slot) {
        dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("slot", s(key(slot))))
                .updateExpression("REMOVE unfired").build());
    }

    /** Slots at or before {@code slot} that have not fired: late or lost schedules, released with the current one. */
    public List<Long> unfiredUpTo(long slot) {
        List<Long> slots = new ArrayList<>();
        dynamo.queryPaginator(QueryRequest.builder().tableName(table).indexName(TableDefinitions.SLOTS_UNFIRED)
                        .keyConditionExpression("unfired = :u AND slot <= :s")
                        .expressionAttributeValues(Map.of(":u", s(UNFIRED), ":s", s(key(slot)))).build())
                .items().forEach(item -> slots.add(Long.parseLong(item.get("slot").s())));
        return slots;
    }

    /** Zero-padded so slots sort as strings in the index. */
    static String key(long slot) {
        return String.format("%012d", slot);
    }
}
