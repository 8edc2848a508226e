package io.nudge.outbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.journey.JourneyInstance;
import io.nudge.json.Json;
import java.util.Locale;
import java.util.Optional;

/** The stream-out events of a journey instance: one entry and one end each, their ids derived from the instance. */
public final class JourneyEvents {
    private JourneyEvents() {}

    public static OutboundEvent entered(JourneyInstance instance) {
        ObjectNode data = common(instance);
        data.put("step", instance.path().isEmpty() ? instance.step() : instance.path().get(0).step());
        if (instance.entry().path("id").isTextual()) {
            data.put("eventId", instance.entry().get("id").asText());
        }
        if (instance.entry().path("name").isTextual()) {
            data.put("event", instance.entry().get("name").asText());
        }
        return event(instance, OutboundType.JOURNEY_ENTERED, instance.enteredAt(), data);
    }

    /** {@code ended} is the instance as its ending write stored it (status COMPLETED or EXITED). */
    public static OutboundEvent exited(JourneyInstance ended) {
        ObjectNode data = common(ended);
        data.put("status", ended.status().name().toLowerCase(Locale.ROOT));
        data.put("step", ended.step());
        ended.endReason().ifPresent(r -> data.put("reason", r));
        return event(ended, OutboundType.JOURNEY_EXITED, ended.endedAt().orElse(ended.enteredAt()), data);
    }

    private static ObjectNode common(JourneyInstance instance) {
        ObjectNode data = Json.object();
        data.put("instanceId", instance.id());
        data.put("version", instance.version());
        return data;
    }

    private static OutboundEvent event(JourneyInstance instance, OutboundType type, java.time.Instant at, ObjectNode data) {
        return new OutboundEvent(Ids.derive("outbound", type.wire(), instance.id()), type, at, instance.userId(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(instance.journeyId()), Optional.empty(), data, Optional.empty());
    }
}
