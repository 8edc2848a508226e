package io.nudge.api;

import static io.nudge.api.RouteSupport.adminId;
import static io.nudge.api.RouteSupport.clientId;
import static io.nudge.api.RouteSupport.days;
import static io.nudge.api.RouteSupport.limit;
import static io.nudge.api.RouteSupport.list;
import static io.nudge.api.RouteSupport.notFound;

import io.nudge.journey.JourneyInstanceJson;
import io.nudge.journey.JourneyInstanceStore;
import io.nudge.journey.JourneyService;
import io.nudge.journey.JourneyStats;
import io.nudge.journey.JourneyStatsReport;
import io.nudge.keys.Scope;
import io.nudge.stats.StatsStore;
import java.util.List;

/**
 * What journeys did: a journey's stats over a range of days (its current version's steps) and a user's instances,
 * newest entry first, each with the path it took. Admin keys only.
 */
public final class JourneyReportRoutes {
    private JourneyReportRoutes() {}

    public static NudgeApi install(NudgeApi api, JourneyService journeys, JourneyStats journeyStats, StatsStore stats,
            JourneyInstanceStore instances, io.nudge.store.MessageStore messages) {
        return api.addRoutes(JourneyReportRoutes.class, List.of(
                Route.of("GET", "/v1/stats/journeys/{id}", Scope.ADMIN, (r, p) -> {
                    String id = adminId(p.get("id"));
                    RouteSupport.Days days = days(r);
                    return journeys.current(id)
                            .map(journey -> ApiResponse.json(200, JourneyStatsReport.build(journey,
                                    journeyStats.read(id, days.from(), days.to()), stats, days.from(), days.to())))
                            .orElseGet(() -> notFound("no such journey"));
                }),
                Route.of("GET", "/v1/users/{userId}/journeys", Scope.ADMIN, (r, p) -> {
                    String userId = clientId(p.get("userId"), "userId");
                    int limit = limit(r, 50, 500);
                    List<io.nudge.journey.JourneyInstance> found = instances.forUser(userId, limit);
                    // each send step's message as it stands: a guard that suppressed or deferred it shows on the path
                    java.util.Map<String, io.nudge.model.Message> sent = new java.util.HashMap<>();
                    messages.findAll(found.stream().flatMap(i -> i.sends().values().stream()).distinct().toList())
                            .forEach(m -> sent.put(m.id(), m));
                    return list("instances", found.stream().map(i -> JourneyInstanceJson.view(i, sent)).toList());
                })));
    }
}
