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

    public static NudgeApi install(NudgeApi api, TopicService topics, io.nudge.topics.TopicStats stats, java.time.Clock clock) {
        String one = "/v1/topics/{id}";
        return api.addRoutes(TopicRoutes.class, List.of(
                Route.of("GET", "/v1/stats/topics/{id}", Scope.ADMIN, (r, p) -> {
                    String id = adminId(p.get("id"));
                    if (topics.find(id).isEmpty()) {
                        return RouteSupport.notFound("no such topic");
                    }
                    RouteSupport.Days days = RouteSupport.days(r);
                    java.time.LocalDate to = days.to() != null ? days.to() : clock.instant().atZone(java.time.ZoneOffset.UTC).toLocalDate();
                    java.time.LocalDate from = days.from() != null ? days.from() : to.minusDays(29);
                    if (java.time.temporal.ChronoUnit.DAYS.between(from, to) > 366) {
                        throw io.nudge.validation.InvalidInputException.invalid("from", "from and to may be at most 366 days apart");
                    }
                    return ApiResponse.json(200, stats.report(id, from, to));
                }),
                Route.of("GET", "/v1/topics", Scope.ADMIN, (r, p) -> RouteSupport.list("topics", topics.list())),
                Route.of("PUT", one, Scope.ADMIN, (r, p) -> {
                    TopicService.Saved result = topics.put(adminId(p.get("id")), body(r));
                    return saved(result.created(), result.document());
                }),
                Route.of("GET", one, Scope.ADMIN, (r, p) -> found(topics.find(adminId(p.get("id"))).map(TopicDefinition::toJson), "topic")),
                Route.of("DELETE", one, Scope.ADMIN, (r, p) -> deleted(topics.delete(adminId(p.get("id"))), "topic"))));
    }
}
