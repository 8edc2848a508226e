package io.nudge.topics;

import io.nudge.model.Channel;
import io.nudge.model.Message;
import io.nudge.model.UserProfile;
import io.nudge.store.DefinitionStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The topics as deliver reads them: cached per definitions version. Whether a person hears about a message's topic on
 * its channel: their own choice, else the topic's default.
 */
public final class TopicCatalog {
    private final DefinitionStore definitions;
    private volatile Cached cached = new Cached(-1, Map.of());

    private record Cached(long version, Map<String, TopicDefinition> topics) {}

    public TopicCatalog(DefinitionStore definitions) {
        this.definitions = definitions;
    }

    public Optional<TopicDefinition> find(String id) {
        long version = definitions.version();
        Cached current = cached;
        if (current.version() != version) {
            Map<String, TopicDefinition> read = new HashMap<>();
            for (DefinitionStore.Stored stored : definitions.list(TopicService.KIND)) {
                read.put(stored.id(), TopicParser.fromStored(stored.id(), stored.document()));
            }
            current = new Cached(version, Map.copyOf(read));
            cached = current;
        }
        return Optional.ofNullable(current.topics().get(id));
    }

    /** The topic a message was made for: a trigger's, a campaign's or a journey step's, kept in its context. */
    public static Optional<String> of(Message message) {
        return message.context() != null && message.context().path("topic").isTextual()
                ? Optional.of(message.context().get("topic").asText()) : Optional.empty();
    }

    /**
     * Whether {@code user} hears about {@code topic} on {@code channel}: their choice, else the topic's default. A topic
     * that is not defined (any more), or not about this channel, stops nothing: channel consent still applies.
     */
    public boolean subscribed(UserProfile user, String topic, Channel channel) {
        Optional<TopicDefinition> definition = find(topic);
        if (definition.isEmpty() || !definition.get().covers(channel)) {
            return true;
        }
        return user.subscription(topic, channel).map(s -> s.status())
                .orElse(definition.get().defaultStatus()) == TopicStatus.SUBSCRIBED;
    }
}
