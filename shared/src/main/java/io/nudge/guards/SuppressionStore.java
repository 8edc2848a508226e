package io.nudge.guards;

import static io.nudge.store.AttributeValues.s;

import io.nudge.model.Channel;
import io.nudge.model.Times;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/** The Suppressions table: (channel, normalised address) → reason, source, time. */
public final class SuppressionStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public SuppressionStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public Optional<Suppression> find(Channel channel, String address) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(key(channel, Suppression.normalise(channel, address))).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /** Adds or replaces; a later, stronger reason (complained after bounced) wins because it is newer. */
    public void put(Suppression suppression) {
        Map<String, AttributeValue> item = new HashMap<>(key(suppression.channel(), Suppression.normalise(suppression.channel(), suppression.address())));
        item.put("reason", s(suppression.reason().wire()));
        item.put("source", s(suppression.source()));
        item.put("at", s(Times.format(suppression.at())));
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(item).build());
    }

    /**
     * Adds {@code suppression} unless the address is already suppressed for one of {@code keep} (a bounce must not
     * overwrite a complaint, nor replay a suppression someone lifted and set again by hand).
     * @return false when an entry with a kept reason was there
     */
    public boolean putUnless(Suppression suppression, java.util.Set<SuppressionReason> keep) {
        Map<String, AttributeValue> item = new HashMap<>(key(suppression.channel(), Suppression.normalise(suppression.channel(), suppression.address())));
        item.put("reason", s(suppression.reason().wire()));
        item.put("source", s(suppression.source()));
        item.put("at", s(Times.format(suppression.at())));
        PutItemRequest.Builder put = PutItemRequest.builder().tableName(table).item(item);
        if (!keep.isEmpty()) {
            Map<String, AttributeValue> values = new HashMap<>();
            List<String> names = new java.util.ArrayList<>();
            int i = 0;
            for (SuppressionReason reason : keep) {
                values.put(":k" + i, s(reason.wire()));
                names.add(":k" + i++);
            }
            put.conditionExpression("attribute_not_exists(address) OR NOT (reason IN (" + String.join(", ", names) + "))")
                    .expressionAttributeValues(values);
        }
        try {
            dynamo.putItem(put.build());
            return true;
        } catch (ConditionalCheckFailedException kept) {
            return false;
        }
    }

    public boolean delete(Channel channel, String address) {
        try {
            dynamo.deleteItem(DeleteItemRequest.builder().tableName(table).key(key(channel, Suppression.normalise(channel, address)))
                    .conditionExpression("attribute_exists(address)").build());
            return true;
        } catch (ConditionalCheckFailedException absent) {
            return false;
        }
    }

    /** A page of one channel's suppressions, in address order, after {@code after} when given. */
    public List<Suppression> list(Channel channel, Optional<String> after, int limit) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                .keyConditionExpression("channel = :c")
                .expressionAttributeValues(Map.of(":c", s(channel.wire()))).limit(limit);
        after.ifPresent(a -> query.exclusiveStartKey(key(channel, a)));
        return dynamo.query(query.build()).items().stream().map(SuppressionStore::fromItem).toList();
    }

    private static Map<String, AttributeValue> key(Channel channel, String address) {
        return Map.of("channel", s(channel.wire()), "address", s(address));
    }

    private static Suppression fromItem(Map<String, AttributeValue> item) {
        return new Suppression(Channel.fromWire(item.get("channel").s()).orElseThrow(), item.get("address").s(),
                SuppressionReason.fromWire(item.get("reason").s()).orElse(SuppressionReason.MANUAL),
                item.get("source").s(), Times.parse(item.get("at").s()));
    }
}
