package io.nudge.api;

import static io.nudge.api.RouteSupport.clientId;
import static io.nudge.api.RouteSupport.limit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.messages.MessageJson;
import io.nudge.model.Event;
import io.nudge.model.Times;
import io.nudge.timeline.Timeline;
import java.util.List;
import java.util.Optional;

/** A user's timeline: their events (with how each trigger decided) and messages (with their history), newest first. */
public final class TimelineRoutes {
    private TimelineRoutes() {}

    public static NudgeApi install(NudgeApi api, Timeline timeline) {
        return api.addRoutes(TimelineRoutes.class, List.of(
                Route.of("GET", "/v1/users/{userId}/timeline", Scope.ADMIN, (r, p) -> {
                    String userId = clientId(p.get("userId"), "userId");
                    int limit = limit(r, 50, Timeline.MAX_LIMIT);
                    return ApiResponse.json(200, toJson(timeline.page(userId, limit, Optional.ofNullable(r.query().get("cursor")))));
                })));
    }

    static ObjectNode toJson(Timeline.Page page) {
        ObjectNode json = Json.object();
        json.put("userId", page.userId());
        ArrayNode entries = json.putArray("entries");
        for (Timeline.Entry entry : page.entries()) {
            ObjectNode e = entries.addObject();
            switch (entry) {
                case Timeline.EventEntry event -> {
                    Event stored = event.stored().event();
                    e.put("type", "event");
                    e.put("at", Times.format(entry.at()));
                    ObjectNode body = e.putObject("event");
                    body.put("eventId", stored.id());
                    body.put("name", stored.name());
                    body.put("timestamp", Times.format(stored.timestamp()));
                    body.put("receivedAt", Times.format(stored.receivedAt()));
                    body.set("properties", stored.properties());
                    e.set("evaluation", event.stored().evaluation());
                }
                case Timeline.MessageEntry message -> {
                    e.put("type", "message");
                    e.put("at", Times.format(entry.at()));
                    e.set("message", MessageJson.toJson(message.message()));
                }
                case Timeline.ChoiceEntry choice -> {
                    e.put("type", "topic_choice");
                    e.put("at", Times.format(entry.at()));
                    e.putObject("choice").put("topic", choice.change().topic()).put("channel", choice.change().channel().wire())
                            .put("status", choice.change().status().wire()).put("source", choice.change().source());
                }
            }
        }
        page.next().ifPresent(next -> json.put("next", next));
        return json;
    }
}
