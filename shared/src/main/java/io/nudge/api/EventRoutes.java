package io.nudge.api;

import static io.nudge.api.RouteSupport.body;
import static io.nudge.api.RouteSupport.clientId;
import static io.nudge.api.RouteSupport.notFound;
import static io.nudge.api.RouteSupport.putRejected;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ingest.EventIngest;
import io.nudge.ingest.IngestResult;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.store.AttributeValues;
import io.nudge.store.EventStore;
import java.time.Clock;
import java.util.List;

/** Events: the app's backend posts them (ingest keys); admins read one back with its trigger evaluation. */
public final class EventRoutes {
    private final EventIngest ingest;
    private final EventStore events;
    private final Clock clock;

    private EventRoutes(EventIngest ingest, EventStore events, Clock clock) {
        this.ingest = ingest;
        this.events = events;
        this.clock = clock;
    }

    public static NudgeApi install(NudgeApi api, EventIngest ingest, EventStore events, Clock clock) {
        EventRoutes routes = new EventRoutes(ingest, events, clock);
        return api.addRoutes(EventRoutes.class, List.of(
                Route.of("POST", "/v1/events", Scope.INGEST, (r, p) -> routes.post(r)),
                Route.of("GET", "/v1/events/{eventId}", Scope.ADMIN, (r, p) -> routes.get(clientId(p.get("eventId"), "eventId")))));
    }

    /** 202 with a tally and, per rejected event, its index in the batch and the error. */
    private ApiResponse post(ApiRequest request) throws JsonProcessingException {
        IngestResult result = ingest.ingest(body(request));
        ObjectNode json = Json.object();
        json.put("accepted", result.accepted());
        json.put("duplicates", result.duplicates());
        putRejected(json, result.rejected());
        return ApiResponse.json(202, json);
    }

    /** An expired event reads as absent even before DynamoDB's TTL has deleted it. */
    private ApiResponse get(String eventId) {
        return events.rawItem(eventId)
                .filter(item -> !item.containsKey("expiresAt")
                        || Long.parseLong(item.get("expiresAt").n()) > clock.instant().getEpochSecond())
                .map(item -> {
                    ObjectNode json = Json.object();
                    json.put("id", item.get("eventId").s());
                    json.put("userId", item.get("userId").s());
                    json.put("name", item.get("name").s());
                    json.set("properties", AttributeValues.objectOrEmpty(item.get("properties")));
                    json.put("timestamp", item.get("timestamp").s());
                    json.put("receivedAt", item.get("receivedAt").s());
                    json.set("evaluation", item.containsKey("evaluation") ? AttributeValues.toJson(item.get("evaluation")) : Json.MAPPER.createArrayNode());
                    return ApiResponse.json(200, json);
                })
                .orElseGet(() -> notFound("no such event (or it has expired)"));
    }
}
