package io.nudge.topics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.store.DefinitionStore;
import io.nudge.validation.InvalidInputException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Topics as the API saves them (Definitions, kind {@value #KIND}); one still named by a trigger, campaign or journey stays. */
public final class TopicService {
    public static final String KIND = "topic";

    private final DefinitionStore store;
    private final Clock clock;

    public TopicService(DefinitionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public record Saved(ObjectNode document, boolean created) {}

    public Saved put(String id, JsonNode body) {
        TopicDefinition topic = TopicParser.parse(id, body);
        ObjectNode doc = topic.toJson();
        return new Saved(doc, store.put(KIND, id, doc, clock.instant()));
    }

    public Optional<TopicDefinition> find(String id) {
        return store.find(KIND, id).map(s -> TopicParser.fromStored(s.id(), s.document()));
    }

    public List<ObjectNode> list() {
        return store.list(KIND).stream().map(DefinitionStore.Stored::document).toList();
    }

    /** @throws InvalidInputException {@code topic_in_use} while a trigger, a campaign or a journey's send step names it */
    public boolean delete(String id) {
        List<String> users = new ArrayList<>();
        store.list(DefinitionStore.TRIGGER).stream().filter(t -> id.equals(t.document().path("topic").asText(null)))
                .forEach(t -> users.add("trigger " + t.id()));
        store.list("campaign").stream().filter(c -> id.equals(c.document().path("topic").asText(null)))
                .forEach(c -> users.add("campaign " + c.id()));
        store.list("journey").stream().filter(j -> j.document().path("steps").findValuesAsText("topic").contains(id))
                .map(j -> "journey " + j.id().replaceAll("#\\d+$", "")).distinct().forEach(users::add);
        if (!users.isEmpty()) {
            throw new InvalidInputException("topic_in_use", "id",
                    "topic " + id + " is named by " + String.join(", ", users) + "; change or delete them first");
        }
        return store.delete(KIND, id);
    }
}
