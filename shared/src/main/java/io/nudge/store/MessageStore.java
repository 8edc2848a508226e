package io.nudge.store;

import static io.nudge.store.AttributeValues.s;

import io.nudge.model.Channel;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.model.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The Messages table. Every status change is a conditional write from the expected status, so two
 * writers racing on one message (a retry, a sweep, a cancel) can never both win.
 */
public final class MessageStore {
    /** SENDING messages carry inFlight = one of these shards, so the sweep's index has no single hot key. */
    public static final int IN_FLIGHT_SHARDS = 4;

    private final DynamoDbClient dynamo;
    private final String table;

    public MessageStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** @return false when a message with this id exists already (the same trigger and event, evaluated twice) */
    public boolean createIfAbsent(Message message) {
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(toItem(message))
                    .conditionExpression("attribute_not_exists(id)").build());
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    public Optional<Message> find(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("id", s(id))).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /** READY → SENDING. Empty when someone else claimed it first, or it is no longer READY. */
    public Optional<Message> claim(String id, Instant now) {
        Map<String, AttributeValue> values = transitionValues(MessageStatus.SENDING, Optional.empty(), now);
        values.put(":expected", s(MessageStatus.READY.name()));
        values.put(":shard", s(Integer.toString(Math.floorMod(id.hashCode(), IN_FLIGHT_SHARDS))));
        try {
            Map<String, AttributeValue> item = dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                    .key(Map.of("id", s(id)))
                    .updateExpression("SET #status = :status, updatedAt = :now, claimedAt = :now, inFlight = :shard, "
                            + "history = list_append(history, :entry) REMOVE reason")
                    .conditionExpression("#status = :expected")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW).build()).attributes();
            return Optional.of(fromItem(item));
        } catch (ConditionalCheckFailedException notReady) {
            return Optional.empty();
        }
    }

    /** Stamped just before the provider call: a crash after this point must never resend (the sweep marks UNKNOWN). */
    public boolean stampAttempt(String id, Instant now, String to, Optional<String> subject) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":now", s(Times.format(now)));
        values.put(":to", s(to));
        values.put(":sending", s(MessageStatus.SENDING.name()));
        String update = "SET attemptAt = :now, #to = :to";
        if (subject.isPresent()) {
            values.put(":subject", s(subject.get()));
            update += ", subject = :subject";
        }
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                    .updateExpression(update)
                    .conditionExpression("#status = :sending")
                    .expressionAttributeNames(Map.of("#status", "status", "#to", "to"))
                    .expressionAttributeValues(values).build());
            return true;
        } catch (ConditionalCheckFailedException notSending) {
            return false;
        }
    }

    /**
     * Moves a message from {@code from} to {@code to}, appending to its history.
     * @return false when the message was not in {@code from} any more
     */
    public boolean transition(String id, MessageStatus from, MessageStatus to, Optional<String> reason,
            Optional<String> providerMessageId, Instant now) {
        Map<String, AttributeValue> values = transitionValues(to, reason, now);
        values.put(":expected", s(from.name()));
        StringBuilder set = new StringBuilder("SET #status = :status, updatedAt = :now, history = list_append(history, :entry)");
        List<String> remove = new ArrayList<>();
        if (reason.isPresent()) {
            set.append(", reason = :reason");
            values.put(":reason", s(reason.get()));
        } else {
            remove.add("reason");
        }
        providerMessageId.ifPresent(pid -> {
            set.append(", providerMessageId = :pid");
            values.put(":pid", s(pid));
        });
        if (to != MessageStatus.SENDING) {
            remove.add("inFlight");
        }
        if (to == MessageStatus.READY) {
            remove.add("claimedAt");
            remove.add("attemptAt");
        }
        String expression = set + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                    .updateExpression(expression)
                    .conditionExpression("#status = :expected")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(values).build());
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    /** A user's messages, newest first. */
    public List<Message> forUser(String userId, int limit) {
        return dynamo.query(QueryRequest.builder().tableName(table).indexName(TableDefinitions.MESSAGES_BY_USER)
                        .keyConditionExpression("userId = :u")
                        .expressionAttributeValues(Map.of(":u", s(userId)))
                        .scanIndexForward(false).limit(limit).build())
                .items().stream().map(MessageStore::fromItem).toList();
    }

    /** SENDING messages claimed before {@code cutoff}, across all in-flight shards. */
    public List<Message> inFlightClaimedBefore(Instant cutoff) {
        List<Message> found = new ArrayList<>();
        for (int shard = 0; shard < IN_FLIGHT_SHARDS; shard++) {
            dynamo.queryPaginator(QueryRequest.builder().tableName(table).indexName(TableDefinitions.MESSAGES_IN_FLIGHT)
                            .keyConditionExpression("inFlight = :shard AND claimedAt < :cutoff")
                            .expressionAttributeValues(Map.of(":shard", s(Integer.toString(shard)), ":cutoff", s(Times.format(cutoff))))
                            .build())
                    .items().forEach(item -> found.add(fromItem(item)));
        }
        return found;
    }

    private static Map<String, AttributeValue> transitionValues(MessageStatus to, Optional<String> reason, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":status", s(to.name()));
        values.put(":now", s(Times.format(now)));
        values.put(":entry", AttributeValue.fromL(List.of(historyEntry(new HistoryEntry(to, reason.orElse(null), now)))));
        return values;
    }

    private static AttributeValue historyEntry(HistoryEntry entry) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("status", s(entry.status().name()));
        if (entry.reason() != null) {
            m.put("reason", s(entry.reason()));
        }
        m.put("at", s(Times.format(entry.at())));
        return AttributeValue.fromM(m);
    }

    public static Map<String, AttributeValue> toItem(Message message) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(message.id()));
        item.put("userId", s(message.userId()));
        item.put("triggerId", s(message.triggerId()));
        item.put("eventId", s(message.eventId()));
        item.put("channel", s(message.channel().wire()));
        item.put("priority", s(message.priority().wire()));
        item.put("templateId", s(message.templateId()));
        item.put("status", s(message.status().name()));
        message.reason().ifPresent(r -> item.put("reason", s(r)));
        item.put("context", AttributeValues.fromJson(message.context()));
        message.to().ifPresent(v -> item.put("to", s(v)));
        message.subject().ifPresent(v -> item.put("subject", s(v)));
        message.providerMessageId().ifPresent(v -> item.put("providerMessageId", s(v)));
        message.attemptAt().ifPresent(v -> item.put("attemptAt", s(Times.format(v))));
        item.put("createdAt", s(Times.format(message.createdAt())));
        item.put("updatedAt", s(Times.format(message.createdAt())));
        item.put("history", AttributeValue.fromL(message.history().stream().map(MessageStore::historyEntry).toList()));
        return item;
    }

    /** Reads a stored item or a stream image; throws IllegalArgumentException on a shape no message has. */
    public static Message fromItem(Map<String, AttributeValue> item) {
        try {
            List<HistoryEntry> history = new ArrayList<>();
            AttributeValue h = item.get("history");
            if (h != null && h.hasL()) {
                for (AttributeValue entry : h.l()) {
                    Map<String, AttributeValue> m = entry.m();
                    history.add(new HistoryEntry(MessageStatus.valueOf(m.get("status").s()),
                            m.containsKey("reason") ? m.get("reason").s() : null, Times.parse(m.get("at").s())));
                }
            }
            return new Message(item.get("id").s(), item.get("userId").s(), item.get("triggerId").s(),
                    item.get("eventId").s(),
                    Channel.fromWire(item.get("channel").s()).orElseThrow(() -> new IllegalArgumentException("unknown channel")),
                    Priority.fromWire(item.get("priority").s()).orElse(Priority.MARKETING),
                    item.get("templateId").s(),
                    MessageStatus.valueOf(item.get("status").s()),
                    UserStore.string(item, "reason"),
                    AttributeValues.objectOrEmpty(item.get("context")),
                    UserStore.string(item, "to"),
                    UserStore.string(item, "subject"),
                    UserStore.string(item, "providerMessageId"),
                    UserStore.string(item, "attemptAt").map(Times::parse),
                    Times.parse(item.get("createdAt").s()),
                    history);
        } catch (NullPointerException | IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a message record: " + e.getClass().getSimpleName(), e);
        }
    }
}
