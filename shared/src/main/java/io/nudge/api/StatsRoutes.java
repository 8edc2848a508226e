package io.nudge.api;

import static io.nudge.api.RouteSupport.adminId;
import static io.nudge.api.RouteSupport.days;

import io.nudge.keys.Scope;
import io.nudge.stats.StatsReport;
import io.nudge.stats.StatsStore;
import io.nudge.stats.Subject;
import java.util.List;

/** A trigger's daily counts, for a range of days; a campaign's are {@link CampaignRoutes}'. Admin keys only. */
public final class StatsRoutes {
    private StatsRoutes() {}

    public static NudgeApi install(NudgeApi api, StatsStore stats) {
        return api.addRoutes(StatsRoutes.class, List.of(
                Route.of("GET", "/v1/stats/triggers/{id}", Scope.ADMIN, (r, p) -> {
                    Subject subject = Subject.trigger(adminId(p.get("id")));
                    RouteSupport.Days days = days(r);
                    return ApiResponse.json(200, StatsReport.build(subject, days.from(), days.to(), stats.read(subject, days.from(), days.to())));
                })));
    }
}
