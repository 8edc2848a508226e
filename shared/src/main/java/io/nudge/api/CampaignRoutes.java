package io.nudge.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.campaigns.CampaignService;
import io.nudge.campaigns.CampaignStats;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.segments.SegmentService;
import io.nudge.stats.StatsStore;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.time.LocalDate;
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
                    SegmentService.Saved saved = segments.put(NudgeApi.adminId(p.get("id")), NudgeApi.body(r));
                    return ApiResponse.json(saved.created() ? 201 : 200, saved.document());
                }),
                Route.of("GET", "/v1/segments/{id}", Scope.ADMIN, (r, p) -> found(segments.get(NudgeApi.adminId(p.get("id"))), "segment")),
                Route.of("DELETE", "/v1/segments/{id}", Scope.ADMIN, (r, p) -> deleted(segments.delete(NudgeApi.adminId(p.get("id"))), "segment")),
                Route.of("GET", "/v1/segments/{id}/preview", Scope.ADMIN,
                        (r, p) -> found(segments.preview(NudgeApi.adminId(p.get("id"))).map(CampaignRoutes::previewJson), "segment"))));
        campaigns.ifPresent(c -> routes.addAll(List.of(
                Route.of("GET", "/v1/campaigns", Scope.ADMIN, (r, p) -> list("campaigns", c.list())),
                Route.of("PUT", "/v1/campaigns/{id}", Scope.ADMIN, (r, p) -> {
                    CampaignService.Saved saved = c.put(NudgeApi.adminId(p.get("id")), NudgeApi.body(r));
                    return ApiResponse.json(saved.created() ? 201 : 200, saved.document());
                }),
                Route.of("GET", "/v1/campaigns/{id}", Scope.ADMIN, (r, p) -> found(c.get(NudgeApi.adminId(p.get("id"))), "campaign")),
                Route.of("DELETE", "/v1/campaigns/{id}", Scope.ADMIN, (r, p) -> deleted(c.delete(NudgeApi.adminId(p.get("id"))), "campaign")),
                Route.of("POST", "/v1/campaigns/{id}/run", Scope.ADMIN, (r, p) -> {
                    Optional<String> runId = Optional.empty();
                    if (r.body().map(b -> b.length > 0).orElse(false)) {
                        ObjectNode body = Fields.requireObject(NudgeApi.body(r), "");
                        Fields.rejectUnknown(body, Set.of("runId"), "");
                        runId = Fields.optionalString(body, "runId", "");
                    }
                    return c.run(NudgeApi.adminId(p.get("id")), runId)
                            .map(run -> ApiResponse.json(202, Json.object().put("campaignId", p.get("id")).put("runId", run)))
                            .orElseGet(() -> ApiResponse.error(404, "not_found", "no such campaign", null));
                }),
                Route.of("GET", "/v1/stats/campaigns/{id}", Scope.ADMIN, (r, p) -> {
                    LocalDate from = NudgeApi.day(r, "from");
                    LocalDate to = NudgeApi.day(r, "to");
                    if (from != null && to != null && from.isAfter(to)) {
                        throw InvalidInputException.invalid("from", "from must not be after to");
                    }
                    return c.find(NudgeApi.adminId(p.get("id")))
                            .map(campaign -> ApiResponse.json(200, CampaignStats.report(campaign, stats, from, to)))
                            .orElseGet(() -> ApiResponse.error(404, "not_found", "no such campaign", null));
                }))));
        return api.addRoutes(routes);
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

    private static ApiResponse list(String field, List<ObjectNode> docs) {
        ObjectNode json = Json.object();
        ArrayNode list = json.putArray(field);
        docs.forEach(list::add);
        return ApiResponse.json(200, json);
    }

    private static ApiResponse found(Optional<ObjectNode> doc, String what) {
        return doc.map(d -> ApiResponse.json(200, d)).orElseGet(() -> ApiResponse.error(404, "not_found", "no such " + what, null));
    }

    private static ApiResponse deleted(boolean existed, String what) {
        return existed ? ApiResponse.noContent() : ApiResponse.error(404, "not_found", "no such " + what, null);
    }
}
