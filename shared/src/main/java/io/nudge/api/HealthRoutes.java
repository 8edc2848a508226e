package io.nudge.api;

import io.nudge.json.Json;
import java.util.List;

/** {@code GET /health}, for load balancers and uptime checks: no key, no storage call. */
public final class HealthRoutes {
    private HealthRoutes() {}

    public static NudgeApi install(NudgeApi api) {
        return api.addRoutes(HealthRoutes.class, List.of(
                Route.open("GET", "/health", (r, p) -> ApiResponse.json(200, Json.object().put("status", "ok")))));
    }
}
