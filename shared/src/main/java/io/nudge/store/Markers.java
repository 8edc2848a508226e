package io.nudge.store;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * "This happened once" records in the State table (a message's first open, its first click, its conversion): one
 * conditional put decides, so a replay or a concurrent duplicate can never count twice. An item past its
 * {@code expiresAt} counts as absent even before TTL deletes it.
 */
public final class Markers {
    private final DynamoDbClient dynamo;
    private final String table;

    public Markers(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(table, "table");
    }

    /** @return true for the first caller (the one that should count), false when the marker exists */
    public boolean putIfAbsent(String key, Map<String, AttributeValue> attributes, Instant expiresAt, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(attributes);
        item.put("pk", s(key));
        item.put("expiresAt", n(expiresAt.getEpochSecond()));
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(pk) OR expiresAt < :now")
                    .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond())))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    /** The marker's attributes, unless it is absent or expired. */
    public java.util.Optional<Map<String, AttributeValue>> find(String key, Instant now) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("pk", s(key))).consistentRead(true).build()).item();
        if (item == null || item.isEmpty()) {
            return java.util.Optional.empty();
        }
        AttributeValue expires = item.get("expiresAt");
        if (expires != null && expires.n() != null && Long.parseLong(expires.n()) < now.getEpochSecond()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(item);
    }
}
