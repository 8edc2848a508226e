package io.nudge.messages;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.Times;

/** The API's view of a message and its history. */
public final class MessageJson {
    private MessageJson() {}

    public static ObjectNode toJson(Message message) {
        ObjectNode json = Json.object();
        json.put("id", message.id());
        json.put("triggerId", message.triggerId());
        json.put("eventId", message.eventId());
        json.put("userId", message.userId());
        json.put("templateId", message.templateId());
        MessageSource.campaignArm(message).ifPresent(c -> json.put("campaignId", c.campaignId()).put("arm", c.arm()));
        MessageSource.journeyStep(message).ifPresent(j -> json.put("journeyId", j.journeyId()).put("journeyVersion", j.version())
                .put("stepId", j.stepId()).put("instanceId", j.instanceId()));
        json.put("channel", message.channel().wire());
        json.put("priority", message.priority().wire());
        json.put("status", message.status().name());
        message.reason().ifPresent(r -> json.put("reason", r));
        message.to().ifPresent(v -> json.put("to", v));
        message.subject().ifPresent(v -> json.put("subject", v));
        message.providerMessageId().ifPresent(v -> json.put("providerMessageId", v));
        if (message.status() == io.nudge.model.MessageStatus.SCHEDULED) {
            message.dueAt().ifPresent(due -> json.put("dueAt", Times.format(due)));
        }
        message.smsSegments().ifPresent(n -> json.put("smsSegments", n));
        json.put("createdAt", Times.format(message.createdAt()));
        ArrayNode history = json.putArray("history");
        for (HistoryEntry entry : message.history()) {
            ObjectNode h = history.addObject();
            h.put("status", entry.status().name());
            if (entry.reason() != null) {
                h.put("reason", entry.reason());
            }
            h.put("at", Times.format(entry.at()));
        }
        return json;
    }
}
