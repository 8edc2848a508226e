package io.nudge.evaluate;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * once_per windows in the State table: one item per (trigger, user) holding until when the user is covered and which
 * event took the window. Taking it is one conditional put, so two events racing can never both get a message; the
 * event that holds the window may take it again (a replayed stream record must still create its message).
 */
public final class ReentryStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public ReentryStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public boolean take(String triggerId, String userId, String eventId, Instant eventTime, Duration window) {
        Instant until = eventTime.plus(window);
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table)
                    .item(Map.of("pk", s("reentry#" + triggerId + "#" + userId), "until", n(until.toEpochMilli()),
                            "eventId", s(eventId), "expiresAt", n(until.plus(Duration.ofDays(1)).getEpochSecond())))
                    .conditionExpression("attribute_not_exists(pk) OR #until <= :now OR eventId = :event")
                    .expressionAttributeNames(Map.of("#until", "until"))
                    .expressionAttributeValues(Map.of(":now", n(eventTime.toEpochMilli()), ":event", s(eventId)))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException covered) {
            return false;
        }
    }
}
