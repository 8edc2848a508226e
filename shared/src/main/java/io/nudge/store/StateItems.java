package io.nudge.store;

import java.util.Collection;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Deleting State-table items by key, for the owners that erase a person's records: each owner still builds its own
 * keys; this only says how many of them existed.
 */
public final class StateItems {
    private StateItems() {}

    /** Deletes every item named by these {@code pk} values; returns how many existed. */
    public static int delete(DynamoDbClient dynamo, String table, Collection<String> keys) {
        int deleted = 0;
        for (String key : keys) {
            Map<String, AttributeValue> old = dynamo.deleteItem(b -> b.tableName(table)
                    .key(Map.of("pk", AttributeValue.fromS(key))).returnValues(ReturnValue.ALL_OLD)).attributes();
            deleted += old != null && !old.isEmpty() ? 1 : 0;
        }
        return deleted;
    }
}
