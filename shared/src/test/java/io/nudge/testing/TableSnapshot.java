package io.nudge.testing;

import io.nudge.config.Tables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * What a "writes nothing" test compares before and after: every table's item count, and the Stats and State items
 * themselves (a counter added to, a reservation or token taken, changes them without changing any count).
 */
public final class TableSnapshot {
    private TableSnapshot() {}

    public static Map<String, Object> of(DynamoDbClient dynamo, Tables tables) {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        for (String table : List.of(tables.users(), tables.events(), tables.messages(), tables.definitions(), tables.apiKeys(),
                tables.deadLetters(), tables.slots(), tables.state(), tables.suppressions(), tables.stats())) {
            snapshot.put(table, dynamo.scanPaginator(b -> b.tableName(table).select(Select.COUNT)).stream()
                    .mapToInt(page -> page.count()).sum());
        }
        for (String table : List.of(tables.stats(), tables.state())) {
            snapshot.put(table + " items", dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true)).items()
                    .stream().map(Object::toString).sorted().toList());
        }
        return snapshot;
    }
}
