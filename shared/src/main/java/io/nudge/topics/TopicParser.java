package io.nudge.topics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.model.Channel;
import io.nudge.validation.Fields;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import static io.nudge.validation.InvalidInputException.invalid;

/** {@code PUT /v1/topics/{id}}'s body, checked field by field; every error names its JSON pointer. */
public final class TopicParser {
    private static final Set<String> FIELDS = Set.of("name", "description", "default", "channels");

    private TopicParser() {}

    public static TopicDefinition parse(String id, JsonNode body) {
        if (!Ids.isAdminId(id)) {
            throw invalid("id", "topic ids are 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        ObjectNode doc = Fields.requireObject(body, "");
        Fields.rejectUnknown(doc, FIELDS, "");
        String name = Fields.requireString(doc, "name", "").strip();
        if (name.isEmpty() || name.length() > 100) {
            throw invalid("/name", "/name must be 1-100 characters");
        }
        Optional<String> description = Fields.optionalString(doc, "description", "").map(String::strip).filter(d -> !d.isEmpty());
        if (description.map(d -> d.length() > 500).orElse(false)) {
            throw invalid("/description", "/description must be at most 500 characters");
        }
        TopicStatus status = TopicStatus.fromWire(Fields.requireString(doc, "default", ""))
                .orElseThrow(() -> invalid("/default", "/default must be subscribed or unsubscribed"));
        JsonNode list = doc.get("channels");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw invalid("/channels", "/channels must be a non-empty array of email, sms and push");
        }
        Set<Channel> channels = EnumSet.noneOf(Channel.class);
        for (int i = 0; i < list.size(); i++) {
            String pointer = "/channels/" + i;
            JsonNode value = list.get(i);
            Channel channel = Channel.fromWire(value.isTextual() ? value.asText() : "").filter(Channel::reachesAPerson)
                    .orElseThrow(() -> invalid(pointer, pointer + " must be email, sms or push (a webhook reaches no person)"));
            channels.add(channel);
        }
        return new TopicDefinition(id, name, description, status, channels);
    }

    /** A stored document back (it was checked when saved). */
    public static TopicDefinition fromStored(String id, JsonNode doc) {
        ObjectNode copy = Fields.requireObject(doc, "").deepCopy();
        copy.remove("id");
        return parse(id, copy);
    }
}
