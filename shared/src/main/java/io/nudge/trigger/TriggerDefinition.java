package io.nudge.trigger;

import io.nudge.model.Channel;
import io.nudge.model.Priority;
import java.util.List;
import java.util.Objects;

/** "When {event} happens and every condition holds, send {template} on {channel}." */
public record TriggerDefinition(
        String id,
        String event,
        List<Condition> conditions,
        Channel channel,
        String template,
        Priority priority,
        boolean enabled) {
    public TriggerDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(event, "event");
        conditions = List.copyOf(conditions);
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(priority, "priority");
    }
}
