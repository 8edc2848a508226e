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
            JourneyInstanceStore instances) {
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
                    return list("instances", instances.forUser(userId, limit).stream().map(JourneyInstanceJson::view).toList());
                })));
    }
}
