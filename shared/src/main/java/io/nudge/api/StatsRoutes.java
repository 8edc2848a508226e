package io.nudge.api;

import static io.nudge.api.RouteSupport.adminId;
import static io.nudge.api.RouteSupport.days;

import io.nudge.keys.Scope;
import io.nudge.stats.StatsReport;
import io.nudge.stats.StatsStore;
import io.nudge.stats.Subject;
import io.nudge.store.DefinitionStore;
import io.nudge.validation.InvalidInputException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A trigger's daily counts, for a range of days, and the overview of every trigger and campaign; a campaign's own
 * report is {@link CampaignRoutes}'. Admin keys only.
 */
public final class StatsRoutes {
    private StatsRoutes() {}

    public static NudgeApi install(NudgeApi api, StatsStore stats, DefinitionStore definitions, Clock clock) {
        return api.addRoutes(StatsRoutes.class, List.of(triggerReport(stats),
                Route.of("GET", "/v1/stats/overview", Scope.ADMIN, (r, p) -> {
                    RouteSupport.Days days = days(r);
                    LocalDate to = days.to() != null ? days.to() : LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
                    LocalDate from = days.from() != null ? days.from() : to.minusDays(6);
                    if (from.isAfter(to)) {
                        throw InvalidInputException.invalid("from", "from must not be after to");
                    }
                    return ApiResponse.json(200, StatsOverview.build(definitions, stats, from, to));
                })));
    }

    private static Route triggerReport(StatsStore stats) {
        return Route.of("GET", "/v1/stats/triggers/{id}", Scope.ADMIN, (r, p) -> {
            Subject subject = Subject.trigger(adminId(p.get("id")));
            RouteSupport.Days days = days(r);
            return ApiResponse.json(200, StatsReport.build(subject, days.from(), days.to(), stats.read(subject, days.from(), days.to())));
        });
    }
}
