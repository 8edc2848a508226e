package io.nudge.api;

import io.nudge.keys.Scope;
import io.nudge.privacy.PersonalData;
import java.util.List;

/** Erasure and export of one user's personal data, added to {@link NudgeApi}; admin keys only. */
public final class PrivacyRoutes {
    private PrivacyRoutes() {}

    public static NudgeApi install(NudgeApi api, PersonalData personalData) {
        return api.addRoutes(PrivacyRoutes.class, List.of(
                // 200 with what was erased; idempotent: repeating it (or erasing an unknown user) erases nothing more
                Route.of("DELETE", "/v1/users/{userId}", Scope.ADMIN,
                        (r, p) -> ApiResponse.json(200, personalData.erase(RouteSupport.clientId(p.get("userId"), "userId")).toJson())),
                Route.of("GET", "/v1/users/{userId}/export", Scope.ADMIN, (r, p) -> personalData.export(RouteSupport.clientId(p.get("userId"), "userId"))
                        .map(json -> ApiResponse.json(200, json).withHeader("cache-control", "no-store"))
                        .orElseGet(() -> ApiResponse.error(404, "not_found", "nothing is stored about this user", null)))));
    }
}
