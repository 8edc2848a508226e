package io.nudge.topics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.model.Times;
import io.nudge.privacy.Person;
import io.nudge.privacy.PersonalRecords;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import static io.nudge.store.AttributeValues.s;

/**
 * Every change of a person's topic choices, oldest first, with its source and time: the profile keeps only the latest
 * per topic and channel; this is the history the export shows. One State item per person
 * ({@code topicchoices#<user>}), the last {@value #KEPT} changes.
 */
public final class TopicChoiceLog implements PersonalRecords {
    static final String PREFIX = "topicchoices";
    static final int KEPT = 50;

    private final DynamoDbClient dynamo;
    private final String table;

    public TopicChoiceLog(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(String userId) {
        return Map.of("pk", s(String.join("#", PREFIX, userId)));
    }

    public void append(String userId, String topic, Channel channel, TopicStatus status, String source, Instant at) {
        AttributeValue change = AttributeValue.fromM(Map.of("topic", s(topic), "channel", s(channel.wire()), "status", s(status.wire()),
                "source", s(source), "at", s(Times.format(at))));
        UpdateItemResponse written = dynamo.updateItem(b -> b.tableName(table).key(key(userId))
                .updateExpression("SET changes = list_append(if_not_exists(changes, :none), :change)")
                .expressionAttributeValues(Map.of(":none", AttributeValue.fromL(List.of()), ":change", AttributeValue.fromL(List.of(change))))
                .returnValues(ReturnValue.UPDATED_NEW));
        int size = written.attributes().get("changes").l().size();
        if (size > KEPT) {
            // the oldest go: one REMOVE of the first items (a concurrent append only makes the list a little longer)
            StringBuilder remove = new StringBuilder("REMOVE ");
            for (int i = 0; i < size - KEPT; i++) {
                remove.append(i == 0 ? "" : ", ").append("changes[").append(i).append(']');
            }
            dynamo.updateItem(b -> b.tableName(table).key(key(userId)).updateExpression(remove.toString()));
        }
    }

    /** One change; its {@link #key} orders the timeline's third stream (its id: topic, channel, status). */
    public record Change(String topic, Channel channel, TopicStatus status, String source, Instant at) {
        public io.nudge.store.TimeKey key() {
            return new io.nudge.store.TimeKey(Times.format(at), topic + "." + channel.wire() + "." + status.wire());
        }
    }

    /** The person's changes newest first, those after {@code after} (a timeline cursor's position), at most {@code limit}. */
    public List<Change> newestFor(String userId, Optional<io.nudge.store.TimeKey> after, int limit) {
        java.util.Comparator<Change> newestFirst = java.util.Comparator.comparing((Change c) -> c.key().at())
                .thenComparing(c -> c.key().id()).reversed();
        return changes(userId).stream()
                .map(c -> new Change(c.get("topic").s(), Channel.fromWire(c.get("channel").s()).orElse(Channel.EMAIL),
                        TopicStatus.fromWire(c.get("status").s()).orElse(TopicStatus.UNSUBSCRIBED), c.get("source").s(), Times.parse(c.get("at").s())))
                .sorted(newestFirst)
                .filter(c -> after.map(a -> (c.key().at() + "|" + c.key().id()).compareTo(a.at() + "|" + a.id()) < 0).orElse(true))
                .limit(limit).toList();
    }

    public List<Map<String, AttributeValue>> changes(String userId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key(userId)).consistentRead(true)).item();
        return item == null || !item.containsKey("changes") ? List.of() : item.get("changes").l().stream().map(AttributeValue::m).toList();
    }

    @Override
    public String name() {
        return "topicChoices";
    }

    @Override
    public Set<String> statePrefixes() {
        return Set.of(PREFIX);
    }

    @Override
    public Optional<JsonNode> export(Person person, Instant now) {
        List<Map<String, AttributeValue>> changes = changes(person.userId());
        if (changes.isEmpty()) {
            return Optional.empty();
        }
        ArrayNode list = Json.MAPPER.createArrayNode();
        changes.forEach(c -> list.addObject().put("topic", c.get("topic").s()).put("channel", c.get("channel").s())
                .put("status", c.get("status").s()).put("source", c.get("source").s()).put("at", c.get("at").s()));
        return Optional.of(list);
    }

    @Override
    public Erased erase(Person person, Instant now) {
        boolean had = !changes(person.userId()).isEmpty();
        dynamo.deleteItem(b -> b.tableName(table).key(key(person.userId())));
        return new Erased.Deleted(had ? 1 : 0);
    }
}
