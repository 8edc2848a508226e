package io.nudge.api;

import io.nudge.keys.Scope;
import io.nudge.topics.TopicDefinition;
import io.nudge.topics.TopicService;
import java.util.List;

import static io.nudge.api.RouteSupport.adminId;
import static io.nudge.api.RouteSupport.body;
import static io.nudge.api.RouteSupport.deleted;
import static io.nudge.api.RouteSupport.found;
import static io.nudge.api.RouteSupport.saved;

/** Topics people choose to hear about ({@code /v1/topics}), admin keys only. */
public final class TopicRoutes {
    private TopicRoutes() {}

    public static NudgeApi install(NudgeApi api, TopicService topics) {
        String one = "/v1/topics/{id}";
        return api.addRoutes(TopicRoutes.class, List.of(
                Route.of("GET", "/v1/topics", Scope.ADMIN, (r, p) -> RouteSupport.list("topics", topics.list())),
                Route.of("PUT", one, Scope.ADMIN, (r, p) -> {
                    TopicService.Saved result = topics.put(adminId(p.get("id")), body(r));
                    return saved(result.created(), result.document());
                }),
                Route.of("GET", one, Scope.ADMIN, (r, p) -> found(topics.find(adminId(p.get("id"))).map(TopicDefinition::toJson), "topic")),
                Route.of("DELETE", one, Scope.ADMIN, (r, p) -> deleted(topics.delete(adminId(p.get("id"))), "topic"))));
    }
}
