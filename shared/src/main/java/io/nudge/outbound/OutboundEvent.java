package io.nudge.outbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.model.Times;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of the stream out: what happened, to whom, about which message, trigger, campaign or journey. The id is
 * derived from the cause ({@link io.nudge.ids.Ids#derive}), so the same change always gives the same id and a receiver
 * de-duplicates by it. {@code address} (the email address or phone number a message went to) is held apart from
 * {@code data}: it is added to the JSON only for a subscription that asks for addresses.
 */
public record OutboundEvent(String id, OutboundType type, Instant occurredAt, String userId, Optional<String> messageId,
        Optional<String> triggerId, Optional<String> campaignId, Optional<String> journeyId, Optional<Channel> channel,
        ObjectNode data, Optional<String> address) {

    public OutboundEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(triggerId, "triggerId");
        Objects.requireNonNull(campaignId, "campaignId");
        Objects.requireNonNull(journeyId, "journeyId");
        Objects.requireNonNull(channel, "channel");
        data = data == null ? Json.object() : data.deepCopy();
        Objects.requireNonNull(address, "address");
    }

    /** The body a receiver gets: {@code data.to} only when {@code includeAddresses}. */
    public ObjectNode toJson(boolean includeAddresses) {
        ObjectNode json = Json.object();
        json.put("id", id);
        json.put("type", type.wire());
        json.put("occurredAt", Times.format(occurredAt));
        json.put("userId", userId);
        messageId.ifPresent(v -> json.put("messageId", v));
        triggerId.ifPresent(v -> json.put("triggerId", v));
        campaignId.ifPresent(v -> json.put("campaignId", v));
        journeyId.ifPresent(v -> json.put("journeyId", v));
        channel.ifPresent(c -> json.put("channel", c.wire()));
        ObjectNode body = data.deepCopy();
        if (includeAddresses) {
            address.ifPresent(a -> body.put("to", a));
        }
        json.set("data", body);
        return json;
    }

    /** Reads back what {@link #toJson} wrote (without the address, which is stored apart). */
    public static OutboundEvent fromJson(com.fasterxml.jackson.databind.JsonNode json, Optional<String> address) {
        OutboundType type = OutboundType.fromWire(json.path("type").asText())
                .orElseThrow(() -> new io.nudge.lambda.BadRecord("unknown outbound event type"));
        if (!json.path("id").isTextual() || !json.path("userId").isTextual() || !json.path("occurredAt").isTextual()) {
            throw new io.nudge.lambda.BadRecord("an outbound event needs id, userId and occurredAt");
        }
        Instant at;
        try {
            at = Times.parse(json.get("occurredAt").asText());
        } catch (RuntimeException e) {
            throw new io.nudge.lambda.BadRecord("occurredAt is not an instant", e);
        }
        return new OutboundEvent(json.get("id").asText(), type, at, json.get("userId").asText(), text(json, "messageId"),
                text(json, "triggerId"), text(json, "campaignId"), text(json, "journeyId"),
                text(json, "channel").flatMap(Channel::fromWire),
                json.path("data").isObject() ? (ObjectNode) json.get("data") : Json.object(), address);
    }

    private static Optional<String> text(com.fasterxml.jackson.databind.JsonNode json, String field) {
        return json.path(field).isTextual() ? Optional.of(json.get(field).asText()) : Optional.empty();
    }

    @Override
    public String toString() {
        return "OutboundEvent[" + id + " " + type.wire() + "]"; // the address and data are not for logs
    }
}
