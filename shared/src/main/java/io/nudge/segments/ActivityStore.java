package io.nudge.segments;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import io.nudge.model.Event;
import io.nudge.model.Times;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Per-user behaviour counters in the State table, item {@code activity#<userId>}: a map {@code counts} of
 * "<event>|<yyyy-mm-dd>" → number, and {@code lastSeenAt}. evaluate-triggers records each event as it arrives (ingest
 * stays one write). Each update also removes the same event's bucket of 181 days before, so the item stays bounded
 * (≤ 181 buckets per event name), and pushes the item's TTL out, so users gone for good disappear.
 *
 * <p>The increment is {@code SET counts.#k = if_not_exists(counts.#k, 0) + 1}: DynamoDB's ADD works on top-level
 * attributes only; this is the same atomic increment on a map entry. A replayed stream record counts twice — counters
 * are for audiences, not billing.
 */
public final class ActivityStore {
    static final int KEEP_DAYS = 181;
    private final DynamoDbClient dynamo;
    private final String table;

    public ActivityStore(DynamoDbClient dynamo, String stateTable) {
        this.dynamo = dynamo;
        this.table = stateTable;
    }

    public void record(Event event) {
        LocalDate day = event.timestamp().atZone(ZoneOffset.UTC).toLocalDate();
        String key = Activity.key(event.name(), day);
        String old = Activity.key(event.name(), day.minusDays(KEEP_DAYS));
        long expiresAt = event.timestamp().plus(Duration.ofDays(KEEP_DAYS + 1)).getEpochSecond();
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("pk", s(pk(event.userId()))))
                        .updateExpression("SET counts.#k = if_not_exists(counts.#k, :zero) + :one, lastSeenAt = :t, expiresAt = :exp "
                                + "REMOVE counts.#old")
                        .conditionExpression("attribute_exists(counts)")
                        .expressionAttributeNames(Map.of("#k", key, "#old", old))
                        .expressionAttributeValues(Map.of(":zero", n(0), ":one", n(1), ":t", s(Times.format(event.timestamp())),
                                ":exp", n(expiresAt))).build());
                return;
            } catch (ConditionalCheckFailedException noItem) {
                try {
                    dynamo.putItem(PutItemRequest.builder().tableName(table)
                            .item(Map.of("pk", s(pk(event.userId())), "counts", AttributeValue.fromM(Map.of(key, n(1))),
                                    "lastSeenAt", s(Times.format(event.timestamp())), "expiresAt", n(expiresAt)))
                            .conditionExpression("attribute_not_exists(pk)").build());
                    return;
                } catch (ConditionalCheckFailedException raced) {
                    // another event of this user created it first: update it
                }
            }
        }
        throw new IllegalStateException("activity counters kept racing");
    }

    public Activity find(String userId) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("pk", s(pk(userId)))).build()).item();
        if (item == null || item.isEmpty()) {
            return Activity.NONE;
        }
        Map<String, Long> counts = new HashMap<>();
        AttributeValue m = item.get("counts");
        if (m != null && m.hasM()) {
            m.m().forEach((k, v) -> counts.put(k, Long.parseLong(v.n())));
        }
        Optional<Instant> lastSeen = Optional.ofNullable(item.get("lastSeenAt")).map(v -> Times.parse(v.s()));
        return new Activity(counts, lastSeen);
    }

    private static String pk(String userId) {
        return "activity#" + userId;
    }
}
