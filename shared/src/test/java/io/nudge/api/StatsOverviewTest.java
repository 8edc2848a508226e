package io.nudge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.campaigns.CampaignRunner;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.model.Channel;
import io.nudge.stats.StatsStore;
import io.nudge.stats.Subject;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /v1/stats/overview: every trigger and campaign, a row per day, zeros included, and the worst rates. */
class StatsOverviewTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private Services services;
    private NudgeApi api;
    private String admin;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        List<CampaignRunner.Request> runs = new ArrayList<>();
        api = services.api(ApiSettings.defaults().withCampaigns(new RecordingScheduler(), runs::add));
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();
        put("/v1/templates/mail", "{'channel':'email','subject':'S','text':'T'}");
        put("/v1/templates/text", "{'channel':'sms','body':'B'}");
        put("/v1/segments/all", "{'all':[{'path':'user.userId','op':'exists'}]}");
    }

    @Test
    void every_trigger_and_campaign_has_a_row_for_every_day_of_the_last_week_by_default_even_when_all_zero() {
        put("/v1/triggers/welcome", "{'event':'signed_up','channel':'email','template':'mail'}");
        put("/v1/triggers/shipped", "{'event':'shipped','channel':'sms','template':'text','enabled':false}");
        put("/v1/campaigns/digest", "{'segment':'all','channel':'email','holdout':10,'variants':[{'id':'A','template':'mail','weight':1}]}");

        JsonNode overview = get(Map.of());
        assertThat(overview.get("from").asText()).isEqualTo("2026-11-18");
        assertThat(overview.get("to").asText()).isEqualTo("2026-11-24");
        assertThat(overview.get("triggers")).extracting(t -> t.get("id").asText()).containsExactlyInAnyOrder("welcome", "shipped");
        JsonNode shipped = subject(overview, "triggers", "shipped");
        assertThat(shipped.get("channel").asText()).isEqualTo("sms");
        assertThat(shipped.get("enabled").asBoolean()).isFalse();
        assertThat(subject(overview, "triggers", "welcome").get("enabled").asBoolean()).isTrue();
        assertThat(shipped.get("days")).extracting(d -> d.get("day").asText()).containsExactly("2026-11-18", "2026-11-19", "2026-11-20",
                "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24");
        assertThat(shipped.at("/days/3/counts/sent").asLong()).isZero();
        assertThat(shipped.at("/days/3/rates/delivery").asDouble()).isZero();
        assertThat(shipped.at("/totals/suppressed").isObject()).isTrue();
        JsonNode digest = subject(overview, "campaigns", "digest");
        assertThat(digest.get("channel").asText()).isEqualTo("email");
        assertThat(digest.get("days")).hasSize(7);
        assertThat(overview.get("worst").isEmpty()).as("nothing sent: no worst").isTrue();
    }

    @Test
    void counts_are_summed_over_campaign_arms_and_the_worst_rates_are_picked_among_subjects_that_sent() throws Exception {
        put("/v1/triggers/welcome", "{'event':'signed_up','channel':'email','template':'mail'}");
        put("/v1/triggers/cart", "{'event':'cart','channel':'email','template':'mail'}");
        put("/v1/triggers/quiet", "{'event':'quiet','channel':'email','template':'mail'}");
        put("/v1/campaigns/digest", "{'segment':'all','channel':'email','holdout':10,'variants':[{'id':'A','template':'mail','weight':1}]}");
        StatsStore stats = services.stats();
        LocalDate day = LocalDate.parse("2026-11-20");
        // welcome: 10 sent, 9 delivered, 1 bounced (0.1), 1 complaint of 9 delivered (0.1111)
        add(stats, Subject.trigger("welcome"), day, Map.of("sent", 10L, "delivered", 9L, "bounced", 1L, "complained", 1L,
                "suppressed.no_consent", 2L));
        // cart: 2 sent, 1 bounced (0.5): the worst bounce rate
        add(stats, Subject.trigger("cart"), day, Map.of("sent", 2L, "delivered", 1L, "bounced", 1L));
        // quiet: a bounce counted without a send in range (sent 0): never the worst
        add(stats, Subject.trigger("quiet"), day, Map.of("bounced", 3L, "complained", 3L));
        // digest: arm A 3 delivered, holdout 1 delivered, 1 complaint in all: 0.25, the worst complaint rate
        add(stats, Subject.campaignArm("digest", "A"), day, Map.of("sent", 3L, "delivered", 3L, "complained", 1L));
        add(stats, Subject.campaignArm("digest", "holdout"), day.plusDays(1), Map.of("sent", 1L, "delivered", 1L));
        // outside the range: not counted
        add(stats, Subject.trigger("cart"), LocalDate.parse("2026-11-01"), Map.of("sent", 100L));

        JsonNode overview = get(Map.of("from", "2026-11-19", "to", "2026-11-22"));
        JsonNode welcome = subject(overview, "triggers", "welcome");
        assertThat(welcome.at("/totals/sent").asLong()).isEqualTo(10);
        assertThat(welcome.at("/totals/suppressed/no_consent").asLong()).isEqualTo(2);
        assertThat(welcome.at("/rates/bounce").asDouble()).isEqualTo(0.1);
        assertThat(welcome.get("days")).hasSize(4);
        assertThat(welcome.at("/days/1/day").asText()).isEqualTo("2026-11-20");
        assertThat(welcome.at("/days/1/counts/delivered").asLong()).isEqualTo(9);
        assertThat(welcome.at("/days/1/rates/delivery").asDouble()).isEqualTo(0.9);
        assertThat(welcome.at("/days/0/counts/sent").asLong()).isZero();
        assertThat(subject(overview, "triggers", "cart").at("/totals/sent").asLong()).isEqualTo(2);
        JsonNode digest = subject(overview, "campaigns", "digest");
        assertThat(digest.at("/totals/sent").asLong()).isEqualTo(4);
        assertThat(digest.at("/totals/delivered").asLong()).isEqualTo(4);
        assertThat(digest.at("/days/2/counts/delivered").asLong()).as("the holdout's day").isEqualTo(1);

        assertThat(overview.at("/worst/bounce")).isEqualTo(Json.parse("{\"kind\":\"trigger\",\"id\":\"cart\",\"rate\":0.5,\"sent\":2}"));
        assertThat(overview.at("/worst/complaint")).isEqualTo(Json.parse(
                "{\"kind\":\"campaign\",\"id\":\"digest\",\"rate\":0.25,\"sent\":4,\"delivered\":4}"));
    }

    @Test
    void a_bad_range_names_its_field() {
        assertField(Map.of("from", "2025-11-23", "to", "2026-11-24"), "from");
        assertThat(call(Map.of("from", "2025-11-24", "to", "2026-11-24")).status()).as("366 days").isEqualTo(200);
        assertField(Map.of("from", "2026-11-25"), "from");
        assertField(Map.of("from", "2026-11-20", "to", "2026-11-19"), "from");
        assertField(Map.of("to", "tomorrow"), "to");
    }

    private static void add(StatsStore stats, Subject subject, LocalDate day, Map<String, Long> counts) {
        counts.forEach((counter, amount) -> stats.add(subject, Channel.EMAIL, day, counter, amount));
    }

    private static JsonNode subject(JsonNode overview, String kind, String id) {
        for (JsonNode s : overview.get(kind)) {
            if (s.get("id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no " + id + " in " + overview.get(kind));
    }

    private void put(String path, String body) {
        ApiResponse response = api.handle(new ApiRequest("PUT", path, Map.of("authorization", "Bearer " + admin), Map.of(),
                Optional.of(body.replace('\'', '"').getBytes(StandardCharsets.UTF_8))));
        assertThat(response.status()).as(response.body()).isIn(200, 201);
    }

    private ApiResponse call(Map<String, String> query) {
        return api.handle(new ApiRequest("GET", "/v1/stats/overview", Map.of("authorization", "Bearer " + admin), query, Optional.empty()));
    }

    private JsonNode get(Map<String, String> query) {
        ApiResponse response = call(query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        try {
            return Json.parse(response.body());
        } catch (Exception e) {
            throw new AssertionError(response.body(), e);
        }
    }

    private void assertField(Map<String, String> query, String field) {
        ApiResponse response = call(query);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("\"field\":\"" + field + "\"");
    }
}
