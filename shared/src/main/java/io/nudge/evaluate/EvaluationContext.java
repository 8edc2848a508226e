package io.nudge.evaluate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.model.Event;
import io.nudge.model.Times;
import io.nudge.model.UserProfile;

/** The document conditions and templates see: {"event": {...}, "user": {...}}. */
public final class EvaluationContext {
    private EvaluationContext() {}

    /**
     * Built for every event with candidate triggers: tables of 8 (the most fields these objects get) instead of
     * Jackson's default 16 — HashMap put/resize were a fifth of evaluation in the JFR profile.
     */
    private static ObjectNode small() {
        return new ObjectNode(Json.MAPPER.getNodeFactory(), new java.util.LinkedHashMap<>(8, 1f));
    }

    public static ObjectNode of(Event event, UserProfile user) {
        ObjectNode context = small();
        context.set("event", event(event));
        context.set("user", user(user));
        return context;
    }

    public static ObjectNode event(Event event) {
        ObjectNode json = small();
        json.put("id", event.id());
        json.put("name", event.name());
        json.put("userId", event.userId());
        json.put("timestamp", Times.format(event.timestamp()));
        json.set("properties", event.properties());
        return json;
    }

    public static ObjectNode user(UserProfile user) {
        ObjectNode json = small();
        json.put("userId", user.userId());
        user.email().ifPresent(v -> json.put("email", v));
        user.phone().ifPresent(v -> json.put("phone", v));
        user.timezone().ifPresent(v -> json.put("timezone", v));
        user.locale().ifPresent(v -> json.put("locale", v));
        json.set("attributes", user.attributes());
        ObjectNode consent = small();
        json.set("consent", consent);
        user.consent().forEach((channel, c) -> consent.put(channel.wire(), c.status().wire()));
        return json;
    }
}
