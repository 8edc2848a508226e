package io.nudge.topics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A topic people can choose to hear about or not ("Product updates"), on some of the channels that reach a person.
 * {@code defaultStatus} is what a person who never chose is: subscribed (they hear about it until they say no) or
 * unsubscribed (only those who said yes).
 */
public record TopicDefinition(String id, String name, Optional<String> description, TopicStatus defaultStatus, Set<Channel> channels) {
    public TopicDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(defaultStatus, "defaultStatus");
        channels = Set.copyOf(EnumSet.copyOf(channels));
    }

    public boolean covers(Channel channel) {
        return channels.contains(channel);
    }

    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("id", id);
        json.put("name", name);
        description.ifPresent(d -> json.put("description", d));
        json.put("default", defaultStatus.wire());
        var list = json.putArray("channels");
        channels.stream().sorted().forEach(c -> list.add(c.wire()));
        return json;
    }
}
