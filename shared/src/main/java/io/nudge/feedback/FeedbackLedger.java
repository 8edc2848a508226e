package io.nudge.feedback;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import io.nudge.ids.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Which notifications were applied, in the State table, so the same notification twice changes nothing the second
 * time. The record id is derived from event type + provider message id + recipient (+ what tells two opens or clicks
 * apart), kept 30 days.
 *
 * <p>Claim, apply, complete — as Powertools' idempotency does it: a conditional put marks the key in progress with
 * a short lease. A duplicate that finds it done is a no-op; one that finds it in progress (a concurrent delivery of
 * the same notification) is retried later; a lease that ran out (the first attempt crashed) may be taken over, and
 * the effects, each a conditional write, run again safely. A transient failure releases the claim before rethrowing.
 */
public final class FeedbackLedger {
    public static final Duration RETENTION = Duration.ofDays(30);
    static final Duration LEASE = Duration.ofMinutes(2);

    public sealed interface Claim {
        record Claimed() implements Claim {}

        record Done(String outcome) implements Claim {}

        record InProgress() implements Claim {}
    }

    private final DynamoDbClient dynamo;
    private final String table;

    public FeedbackLedger(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(table, "table");
    }

    /** The State key for one notification about one recipient; the parts are hashed (no address in a key). */
    public static String key(String... parts) {
        return "feedback#" + Ids.derive("feedback", parts);
    }

    public Claim claim(String key, Instant now) {
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table)
                    .item(Map.of("pk", s(key), "state", s("pending"), "leaseUntil", n(now.plus(LEASE).toEpochMilli()),
                            "at", s(now.toString()), "expiresAt", n(now.plus(RETENTION).getEpochSecond())))
                    .conditionExpression("attribute_not_exists(pk) OR expiresAt < :nowSeconds OR (#state = :pending AND leaseUntil < :nowMillis)")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":pending", s("pending"), ":nowSeconds", n(now.getEpochSecond()),
                            ":nowMillis", n(now.toEpochMilli())))
                    .build());
            return new Claim.Claimed();
        } catch (ConditionalCheckFailedException taken) {
            Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                    .key(Map.of("pk", s(key))).consistentRead(true).build()).item();
            if (item != null && item.containsKey("state") && "done".equals(item.get("state").s())) {
                return new Claim.Done(item.containsKey("outcome") ? item.get("outcome").s() : "");
            }
            return new Claim.InProgress();
        }
    }

    /** Marks the notification applied, with a short account of what it did. */
    public void complete(String key, String outcome) {
        dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("pk", s(key)))
                .updateExpression("SET #state = :done, outcome = :outcome REMOVE leaseUntil")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":done", s("done"), ":outcome", s(outcome.isEmpty() ? "-" : outcome)))
                .build());
    }

    /** Gives a claim back after a transient failure, so the retry applies the notification. Best effort. */
    public void release(String key) {
        try {
            dynamo.deleteItem(DeleteItemRequest.builder().tableName(table).key(Map.of("pk", s(key)))
                    .conditionExpression("#state = :pending")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":pending", s("pending"))).build());
        } catch (RuntimeException releaseFailed) {
            // the lease runs out by itself; the retry then takes it over
        }
    }
}
