package io.nudge.api;

import static io.nudge.api.RouteSupport.body;
import static io.nudge.api.RouteSupport.clientId;
import static io.nudge.api.RouteSupport.limit;
import static io.nudge.api.RouteSupport.list;
import static io.nudge.api.RouteSupport.notFound;

import io.nudge.keys.Scope;
import io.nudge.messages.MessageJson;
import io.nudge.store.MessageStore;
import io.nudge.users.UserJson;
import io.nudge.users.UserService;
import java.util.List;

/**
 * User profiles: the app's backend writes them (ingest keys), admins read them with the user's messages. Erasure and
 * export are {@link PrivacyRoutes}.
 */
public final class UserRoutes {
    private UserRoutes() {}

    public static NudgeApi install(NudgeApi api, UserService users, MessageStore messages) {
        return api.addRoutes(UserRoutes.class, List.of(
                Route.of("PUT", "/v1/users/{userId}", Scope.INGEST,
                        (r, p) -> ApiResponse.json(200, UserJson.toJson(users.upsert(p.get("userId"), body(r))))),
                Route.of("GET", "/v1/users/{userId}", Scope.ADMIN, (r, p) -> users.find(clientId(p.get("userId"), "userId"))
                        .map(u -> ApiResponse.json(200, UserJson.toJson(u)))
                        .orElseGet(() -> notFound("no such user"))),
                Route.of("GET", "/v1/users/{userId}/messages", Scope.ADMIN, (r, p) -> {
                    int limit = limit(r, 50, 500);
                    return list("messages", messages.forUser(clientId(p.get("userId"), "userId"), limit).stream()
                            .map(MessageJson::toJson).toList());
                })));
    }
}
