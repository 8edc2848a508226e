package io.nudge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.campaigns.CampaignRunner;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CampaignRoutesTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private final RecordingScheduler scheduler = new RecordingScheduler();
    private final List<CampaignRunner.Request> runs = new CopyOnWriteArrayList<>();
    private NudgeApi api;
    private String admin;
    private String ingest;

    @BeforeEach
    void setUp() {
        Services services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        api = services.api(ApiSettings.defaults().withCampaigns(scheduler, runs::add));
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();
        ingest = services.apiKeys().create("backend", Scope.INGEST).secret();
        assertThat(call("PUT", "/v1/templates/digest_a", admin, "{'channel':'email','subject':'S','text':'T'}").status()).isEqualTo(201);
    }

    private ApiResponse call(String method, String path, String key, String body) {
        Map<String, String> headers = new HashMap<>();
        headers.put("authorization", "Bearer " + key);
        return api.handle(new ApiRequest(method, path, headers, Map.of(),
                Optional.ofNullable(body).map(b -> b.replace('\'', '"').getBytes(StandardCharsets.UTF_8))));
    }

    private static JsonNode json(ApiResponse response) {
        try {
            return Json.parse(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    @Test
    void segments_are_saved_read_previewed_and_deleted_by_admins_only() {
        assertThat(call("PUT", "/v1/segments/pro", ingest, "{'all':[]}").status()).isEqualTo(403);
        ApiResponse bad = call("PUT", "/v1/segments/pro", admin, "{'all':[{'lastSeen':{'before':'P1Y'}}]}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(json(bad).at("/error/field").asText()).isEqualTo("/all/0/lastSeen/before");

        assertThat(call("PUT", "/v1/segments/pro", admin, "{'all':[{'path':'user.attributes.plan','op':'eq','value':'pro'}]}").status())
                .isEqualTo(201);
        assertThat(json(call("GET", "/v1/segments/pro", admin, null)).at("/all/0/value").asText()).isEqualTo("pro");
        call("PUT", "/v1/users/u1", ingest, "{'attributes':{'plan':'pro'}}");
        call("PUT", "/v1/users/u2", ingest, "{'attributes':{'plan':'free'}}");
        JsonNode preview = json(call("GET", "/v1/segments/pro/preview", admin, null));
        assertThat(preview.get("estimatedSize").asLong()).isEqualTo(1);
        assertThat(preview.get("sampleUserIds")).extracting(JsonNode::asText).containsExactly("u1");
        assertThat(call("DELETE", "/v1/segments/pro", admin, null).status()).isEqualTo(204);
        assertThat(call("GET", "/v1/segments/pro", admin, null).status()).isEqualTo(404);
    }

    @Test
    void campaigns_are_saved_run_and_reported_per_arm() {
        call("PUT", "/v1/segments/all", admin, "{'all':[{'path':'user.userId','op':'exists'}]}");
        ApiResponse saved = call("PUT", "/v1/campaigns/digest", admin, "{'segment':'all','channel':'email','holdout':10,"
                + "'variants':[{'id':'A','template':'digest_a','weight':1}],'schedule':{'expression':'rate(7 days)'}}");
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
        assertThat(scheduler.schedules).containsKey("nudge-campaign-digest");

        ApiResponse run = call("POST", "/v1/campaigns/digest/run", admin, "{'runId':'r-1'}");
        assertThat(run.status()).isEqualTo(202);
        assertThat(runs).containsExactly(new CampaignRunner.Request("digest", "r-1"));
        assertThat(call("POST", "/v1/campaigns/digest/run", admin, "{'runId':'bad id'}").status()).isEqualTo(400);
        assertThat(call("POST", "/v1/campaigns/nope/run", admin, null).status()).isEqualTo(404);

        JsonNode stats = json(call("GET", "/v1/stats/campaigns/digest", admin, null));
        assertThat(stats.at("/arms/A/assigned").asLong()).isZero();
        assertThat(stats.at("/arms/holdout").isObject()).isTrue();
        assertThat(stats.at("/lift/A/ci95").size()).isEqualTo(2);

        assertThat(call("DELETE", "/v1/campaigns/digest", admin, null).status()).isEqualTo(204);
        assertThat(scheduler.schedules).isEmpty();
    }
}
