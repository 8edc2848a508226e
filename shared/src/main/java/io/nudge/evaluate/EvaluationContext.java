package io.nudge.evaluate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.model.Event;
import io.nudge.model.Times;
import io.nudge.model.UserProfile;

/** The document conditions and templates see: {"event": {...}, "user": {...}}. */
public final class EvaluationContext {
    private EvaluationContext() {}

    public static ObjectNode of(Event event, UserProfile user) {
        ObjectNode context = Json.object();
        context.set("event", event(event));
        context.set("user", user(user));
        return context;
    }

    public static ObjectNode event(Event event) {
        ObjectNode json = Json.object();
        json.put("id", event.id());
        json.put("name", event.name());
        json.put("userId", event.userId());
        json.put("timestamp", Times.format(event.timestamp()));
        json.set("properties", event.properties());
        return json;
    }

    public static ObjectNode user(UserProfile user) {
        ObjectNode json = Json.object();
        json.put("userId", user.userId());
        user.email().ifPresent(v -> json.put("email", v));
        user.phone().ifPresent(v -> json.put("phone", v));
        user.timezone().ifPresent(v -> json.put("timezone", v));
        user.locale().ifPresent(v -> json.put("locale", v));
        json.set("attributes", user.attributes());
        ObjectNode consent = json.putObject("consent");
        user.consent().forEach((channel, c) -> consent.put(channel.wire(), c.status().wire()));
        return json;
    }
}
