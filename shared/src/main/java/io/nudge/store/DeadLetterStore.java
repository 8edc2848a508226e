package io.nudge.store;

import static io.nudge.store.AttributeValues.s;

import io.nudge.ids.Ids;
import io.nudge.model.Times;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Records that can never succeed (bad shape, unknown reference), kept whole with the reason, so the
 * handler can return success for them without losing anything. Keyed by source + record id: a replay overwrites itself.
 */
public final class DeadLetterStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DeadLetterStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public void put(String source, String recordId, String reason, String payload, Instant at) {
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(Map.of(
                "id", s(Ids.derive("dlq", source, recordId)),
                "source", s(source),
                "recordId", s(recordId),
                "reason", s(reason),
                "payload", s(payload),
                "at", s(Times.format(at)))).build());
    }
}
