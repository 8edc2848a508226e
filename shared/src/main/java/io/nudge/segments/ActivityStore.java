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
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Per-user behaviour counters in the State table, item {@code activity#<userId>}: one number attribute per
 * "c:<event>|<yyyy-mm-dd>" (items written earlier hold them in a map {@code counts}, still read), and {@code lastSeenAt}. evaluate-triggers records each event as it arrives (ingest
 * stays one write). Each update also removes the same event's bucket of 181 days before, so the item stays bounded
 * (≤ 181 buckets per event name), and pushes the item's TTL out, so users gone for good disappear.
 *
 * <p>The increment is {@code ADD #k :one} on a top-level attribute: atomic, and it creates the item when there is
 * none, so every event is one unconditional write. A replayed stream record counts twice — counters are for
 * audiences, not billing.
 */
public final class ActivityStore {
    static final int KEEP_DAYS = 181;
    /** Counters are top-level attributes {@code c:<event>|<yyyy-mm-dd>}, so that ADD can increment them. */
    static final String COUNTER = "c:";
    private final DynamoDbClient dynamo;
    private final String table;

    public ActivityStore(DynamoDbClient dynamo, String stateTable) {
        this.dynamo = dynamo;
        this.table = stateTable;
    }

    public void record(Event event) {
        LocalDate day = event.timestamp().atZone(ZoneOffset.UTC).toLocalDate();
        String key = COUNTER + Activity.key(event.name(), day);
        String old = COUNTER + Activity.key(event.name(), day.minusDays(KEEP_DAYS));
        long expiresAt = event.timestamp().plus(Duration.ofDays(KEEP_DAYS + 1)).getEpochSecond();
        // One unconditional write whether the item exists or not: 1 write unit (a conditional update that fails on a
        // new user's missing map, then a put, cost 2).
        dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("pk", s(pk(event.userId()))))
                .updateExpression("ADD #k :one SET lastSeenAt = :t, expiresAt = :exp REMOVE #old")
                .expressionAttributeNames(Map.of("#k", key, "#old", old))
                .expressionAttributeValues(Map.of(":one", n(1), ":t", s(Times.format(event.timestamp())), ":exp", n(expiresAt)))
                .build());
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
            // items written before counters became top-level attributes
            m.m().forEach((k, v) -> counts.put(k, Long.parseLong(v.n())));
        }
        item.forEach((name, v) -> {
            if (name.startsWith(COUNTER) && v.n() != null) {
                counts.merge(name.substring(COUNTER.length()), Long.parseLong(v.n()), Long::sum);
            }
        });
        Optional<Instant> lastSeen = Optional.ofNullable(item.get("lastSeenAt")).map(v -> Times.parse(v.s()));
        return new Activity(counts, lastSeen);
    }

    private static String pk(String userId) {
        return "activity#" + userId;
    }
}
