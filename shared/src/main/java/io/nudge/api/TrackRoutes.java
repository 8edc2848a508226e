package io.nudge.api;

import static io.nudge.api.RouteSupport.body;
import static io.nudge.api.RouteSupport.putRejected;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ingest.TrackIngest;
import io.nudge.ingest.TrackResult;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import java.util.List;

/** Profiles and events in one request (ingest keys), as apps that send both together expect. */
public final class TrackRoutes {
    private TrackRoutes() {}

    public static NudgeApi install(NudgeApi api, TrackIngest track) {
        return api.addRoutes(TrackRoutes.class, List.of(
                Route.of("POST", "/v1/track", Scope.INGEST, (r, p) -> answer(track.track(body(r))))));
    }

    /** 202 as {@code POST /v1/events} answers: the users are stored, the events accepted for evaluation. */
    private static ApiResponse answer(TrackResult result) {
        ObjectNode json = Json.object();
        ObjectNode users = json.putObject("users");
        users.put("accepted", result.usersAccepted());
        putRejected(users, result.usersRejected());
        ObjectNode events = json.putObject("events");
        events.put("accepted", result.events().accepted());
        events.put("duplicates", result.events().duplicates());
        putRejected(events, result.events().rejected());
        return ApiResponse.json(202, json);
    }
}
