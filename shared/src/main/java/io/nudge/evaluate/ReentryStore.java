package io.nudge.evaluate;

import static io.nudge.store.AttributeValues.n;
import io.nudge.store.StateItems;
import static io.nudge.store.AttributeValues.s;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.model.Message;
import io.nudge.privacy.Person;
import io.nudge.privacy.PersonalRecords;
import io.nudge.store.DefinitionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * once_per windows in the State table: one item per (trigger, user) holding until when the user is covered and which
 * event took the window. Taking it is one conditional put, so two events racing can never both get a message; the
 * event that holds the window may take it again (a replayed stream record must still create its message).
 */
public final class ReentryStore implements PersonalRecords {
    private static final String PREFIX = "reentry";
    private final DynamoDbClient dynamo;
    private final String table;
    private final Optional<DefinitionStore> definitions;

    /** For taking windows; erasure needs the trigger definitions (the other constructor). */
    public ReentryStore(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(table, "table");
        this.definitions = Optional.empty();
    }

    /** @param definitions the triggers whose windows erasure looks for (a key holds the trigger id) */
    public ReentryStore(DynamoDbClient dynamo, String table, DefinitionStore definitions) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(table, "table");
        this.definitions = Optional.of(definitions);
    }

    public boolean take(String triggerId, String userId, String eventId, Instant eventTime, Duration window) {
        Instant until = eventTime.plus(window);
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table)
                    .item(Map.of("pk", s(key(triggerId, userId)), "until", n(until.toEpochMilli()),
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

    /**
     * Whether {@link #take} would refuse now: the same condition, read instead of written (a trigger test).
     */
    public boolean covered(String triggerId, String userId, String eventId, Instant eventTime) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("pk", s(key(triggerId, userId)))).consistentRead(true).build()).item();
        if (item == null || item.isEmpty() || !item.containsKey("until")) {
            return false;
        }
        boolean open = Long.parseLong(item.get("until").n()) <= eventTime.toEpochMilli();
        boolean same = item.containsKey("eventId") && eventId.equals(item.get("eventId").s());
        return !open && !same;
    }

    @Override
    public String name() {
        return "reentry";
    }

    @Override
    public Set<String> statePrefixes() {
        return Set.of(PREFIX);
    }

    /** Not in the export: the event that took a window is exported, and the window follows from its trigger. */
    @Override
    public Optional<JsonNode> export(Person person, Instant now) {
        return Optional.empty();
    }

    /** The windows of every trigger defined now and of every trigger that made one of the person's messages. */
    @Override
    public Erased erase(Person person, Instant now) {
        Set<String> triggers = new TreeSet<>();
        definitions.orElseThrow(() -> new IllegalStateException("erasing once_per windows needs the trigger definitions"))
                .list(DefinitionStore.TRIGGER).forEach(trigger -> triggers.add(trigger.id()));
        person.messages().stream().map(Message::triggerId).forEach(triggers::add);
        return new Erased.Deleted(StateItems.delete(dynamo, table,
                triggers.stream().map(triggerId -> key(triggerId, person.userId())).toList()));
    }

    private static String key(String triggerId, String userId) {
        return PREFIX + "#" + triggerId + "#" + userId;
    }
}
