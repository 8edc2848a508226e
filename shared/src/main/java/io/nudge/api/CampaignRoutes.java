package io.nudge.api;

import static io.nudge.api.RouteSupport.adminId;
import static io.nudge.api.RouteSupport.body;
import static io.nudge.api.RouteSupport.days;
import static io.nudge.api.RouteSupport.deleted;
import static io.nudge.api.RouteSupport.found;
import static io.nudge.api.RouteSupport.list;
import static io.nudge.api.RouteSupport.notFound;
import static io.nudge.api.RouteSupport.optionalObject;
import static io.nudge.api.RouteSupport.saved;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.campaigns.CampaignService;
import io.nudge.campaigns.CampaignStats;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.segments.SegmentService;
import io.nudge.stats.StatsStore;
import io.nudge.validation.Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The admin routes of segments and campaigns, added to {@link NudgeApi}. */
public final class CampaignRoutes {
    private CampaignRoutes() {}

    /** Segment routes always; campaign routes when {@code campaigns} is given (it needs the Scheduler and a runner). */
    public static NudgeApi install(NudgeApi api, SegmentService segments, Optional<CampaignService> campaigns, StatsStore stats) {
        List<Route> routes = new ArrayList<>(List.of(
                Route.of("GET", "/v1/segments", Scope.ADMIN, (r, p) -> list("segments", segments.list())),
                Route.of("PUT", "/v1/segments/{id}", Scope.ADMIN, (r, p) -> {
                    SegmentService.Saved saved = segments.put(adminId(p.get("id")), body(r));
                    return saved(saved.created(), saved.document());
                }),
                Route.of("GET", "/v1/segments/{id}", Scope.ADMIN, (r, p) -> found(segments.get(adminId(p.get("id"))), "segment")),
                Route.of("DELETE", "/v1/segments/{id}", Scope.ADMIN, (r, p) -> deleted(segments.delete(adminId(p.get("id"))), "segment")),
                Route.of("GET", "/v1/segments/{id}/preview", Scope.ADMIN,
                        (r, p) -> found(segments.preview(adminId(p.get("id"))).map(CampaignRoutes::previewJson), "segment"))));
        campaigns.ifPresent(c -> routes.addAll(List.of(
                Route.of("GET", "/v1/campaigns", Scope.ADMIN, (r, p) -> list("campaigns", c.list())),
                Route.of("PUT", "/v1/campaigns/{id}", Scope.ADMIN, (r, p) -> {
                    CampaignService.Saved saved = c.put(adminId(p.get("id")), body(r));
                    return saved(saved.created(), saved.document());
                }),
                Route.of("GET", "/v1/campaigns/{id}", Scope.ADMIN, (r, p) -> found(c.get(adminId(p.get("id"))), "campaign")),
                Route.of("DELETE", "/v1/campaigns/{id}", Scope.ADMIN, (r, p) -> deleted(c.delete(adminId(p.get("id"))), "campaign")),
                Route.of("POST", "/v1/campaigns/{id}/run", Scope.ADMIN, (r, p) -> {
                    Optional<String> runId = optionalObject(r, Set.of("runId")).flatMap(body -> Fields.optionalString(body, "runId", ""));
                    return c.run(adminId(p.get("id")), runId)
                            .map(run -> ApiResponse.json(202, Json.object().put("campaignId", p.get("id")).put("runId", run)))
                            .orElseGet(() -> notFound("no such campaign"));
                }),
                Route.of("GET", "/v1/stats/campaigns/{id}", Scope.ADMIN, (r, p) -> {
                    RouteSupport.Days days = days(r);
                    return c.find(adminId(p.get("id")))
                            .map(campaign -> ApiResponse.json(200, CampaignStats.report(campaign, stats, days.from(), days.to())))
                            .orElseGet(() -> notFound("no such campaign"));
                }))));
        return api.addRoutes(CampaignRoutes.class, routes);
    }

    private static ObjectNode previewJson(SegmentService.Preview preview) {
        ObjectNode json = Json.object();
        json.put("segmentId", preview.segmentId());
        json.put("estimatedSize", preview.estimatedSize());
        json.put("estimate", !preview.exact());
        json.put("sampled", preview.sampled());
        json.put("matchedInSample", preview.matchedInSample());
        json.put("note", preview.exact() ? "every user was tested: the size is exact"
                : "an estimate: the matching share of a sample of " + preview.sampled()
                        + " users times the table's approximate item count (DynamoDB refreshes it about every 6 hours)");
        ArrayNode ids = json.putArray("sampleUserIds");
        preview.sampleUserIds().forEach(ids::add);
        return json;
    }
}
