package io.nudge.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.model.Channel;
import io.nudge.store.DefinitionStore;
import io.nudge.template.CompiledTemplate;
import io.nudge.template.TemplateParser;
import io.nudge.trigger.TriggerDefinition;
import io.nudge.trigger.TriggerParser;
import io.nudge.validation.InvalidInputException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Saving, reading and deleting triggers and templates, each validated before it is stored. */
public final class DefinitionService {
    private final DefinitionStore store;
    private final io.nudge.channel.webhook.WebhookDestinations destinations;
    private final Clock clock;

    /** Webhook templates may only name destinations open to everyone (nothing allow-listed). */
    public DefinitionService(DefinitionStore store, Clock clock) {
        this(store, io.nudge.channel.webhook.WebhookDestinations.none(), clock);
    }

    public DefinitionService(DefinitionStore store, io.nudge.channel.webhook.WebhookDestinations destinations, Clock clock) {
        this.store = store;
        this.destinations = destinations;
        this.clock = clock;
    }

    public record Saved(ObjectNode document, boolean created) {}

    /**
     * A webhook template's secret is write-only: left out, the stored one is kept (an editor cannot read it back to
     * send it again); {@code "secret": null} removes it. What is returned is what reads show: {@code secretSet}.
     */
    public Saved putTemplate(String id, JsonNode body) {
        JsonNode document = body;
        if (body instanceof ObjectNode given && Channel.WEBHOOK.wire().equals(given.path("channel").asText()) && !given.has("secret")) {
            Optional<JsonNode> kept = store.find(DefinitionStore.TEMPLATE, id).map(s -> s.document().get("secret")).filter(JsonNode::isTextual);
            if (kept.isPresent()) {
                document = given.deepCopy().set("secret", kept.get());
            }
        }
        CompiledTemplate template = TemplateParser.parseForSave(id, document, destinations);
        ObjectNode doc = TemplateParser.toJson(template.definition());
        boolean created = store.put(DefinitionStore.TEMPLATE, id, doc, clock.instant());
        return new Saved(TemplateParser.redacted(doc), created);
    }

    public Saved putTrigger(String id, JsonNode body) {
        TriggerDefinition trigger = validateTrigger(id, body);
        ObjectNode doc = TriggerParser.toJson(trigger);
        boolean created = store.put(DefinitionStore.TRIGGER, id, doc, clock.instant());
        return new Saved(doc, created);
    }

    /** A trigger checked as {@link #putTrigger} checks it (its template and segments must exist), not stored. */
    public TriggerDefinition validateTrigger(String id, JsonNode body) {
        TriggerDefinition trigger = TriggerParser.parse(id, body, this::templateChannel);
        trigger.topic().ifPresent(topic -> requireTopic(topic, trigger.channel(), "/topic"));
        for (int i = 0; i < trigger.conditions().size(); i++) {
            var c = trigger.conditions().get(i);
            if (c.path().equals(TriggerParser.SEGMENT_PATH) && store.find("segment", c.segments().get(1)).isEmpty()) {
                throw new InvalidInputException("unknown_segment", "/conditions/" + i + "/segment", "no segment with id " + c.segments().get(1));
            }
        }
        return trigger;
    }

    /** @throws InvalidInputException {@code unknown_topic} at {@code pointer} when no such topic covers {@code channel} */
    public void requireTopic(String topicId, io.nudge.model.Channel channel, String pointer) {
        Optional<io.nudge.topics.TopicDefinition> topic = new io.nudge.topics.TopicService(store, clock).find(topicId);
        if (topic.isEmpty()) {
            throw new InvalidInputException("unknown_topic", pointer, "no topic with id " + topicId);
        }
        if (!topic.get().covers(channel)) {
            throw new InvalidInputException("unknown_topic", pointer, "topic " + topicId + " is not about " + channel.wire()
                    + " (its channels: " + topic.get().channels().stream().map(io.nudge.model.Channel::wire).sorted().toList() + ")");
        }
    }

    public Optional<ObjectNode> get(String kind, String id) {
        return store.find(kind, id).map(DefinitionStore.Stored::document).map(doc -> shown(kind, doc));
    }

    public List<ObjectNode> list(String kind) {
        return store.list(kind).stream().map(DefinitionStore.Stored::document).map(doc -> shown(kind, doc)).toList();
    }

    /** A definition as the API shows it: a template's secret never. */
    private static ObjectNode shown(String kind, ObjectNode doc) {
        return DefinitionStore.TEMPLATE.equals(kind) ? TemplateParser.redacted(doc) : doc;
    }

    public boolean deleteTrigger(String id) {
        return store.delete(DefinitionStore.TRIGGER, id);
    }

    /** A template still used by a trigger or a journey is not deleted: it would fail every send. */
    public boolean deleteTemplate(String id) {
        List<String> users = new java.util.ArrayList<>(store.list(DefinitionStore.TRIGGER).stream()
                .filter(t -> id.equals(t.document().path("template").asText()))
                .map(DefinitionStore.Stored::id).toList());
        io.nudge.journey.JourneyService.usingTemplate(store, id).forEach(j -> users.add("journey " + j));
        if (!users.isEmpty()) {
            throw new InvalidInputException("template_in_use", "id",
                    "template " + id + " is used by trigger(s) " + String.join(", ", users) + "; change or delete them first");
        }
        return store.delete(DefinitionStore.TEMPLATE, id);
    }

    private Optional<Channel> templateChannel(String templateId) {
        return store.find(DefinitionStore.TEMPLATE, templateId)
                .flatMap(t -> Channel.fromWire(t.document().path("channel").asText()));
    }
}
