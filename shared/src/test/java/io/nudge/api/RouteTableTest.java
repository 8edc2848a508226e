package io.nudge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.campaigns.CampaignRunner;
import io.nudge.keys.Scope;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.Services;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The route table as installed by the wiring: every route belongs to exactly one route class, and no two routes could
 * answer the same request. A new route class (dashboard, journeys, webhooks) is then one class and one install line,
 * and a mistake in it fails at startup, not in production.
 */
class RouteTableTest {
    private NudgeApi api;

    @BeforeEach
    void setUp() {
        Services services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(MutableClock.at("2026-11-24T09:00:00Z")).build();
        List<CampaignRunner.Request> runs = new ArrayList<>();
        api = services.api(io.nudge.wiring.ApiSettings.defaults().withCampaigns(new RecordingScheduler(), runs::add));
    }

    @Test
    void every_route_is_owned_by_one_route_class_and_no_two_routes_clash() {
        List<NudgeApi.Installed> installed = api.installed();
        assertThat(installed).isNotEmpty();
        assertThat(installed).allSatisfy(i -> {
            assertThat(i.owner().getPackageName()).isEqualTo("io.nudge.api");
            assertThat(i.owner().getSimpleName()).endsWith("Routes");
        });
        Map<String, List<String>> owners = installed.stream().collect(Collectors.groupingBy(i -> i.route().key(),
                Collectors.mapping(i -> i.owner().getSimpleName(), Collectors.toList())));
        assertThat(owners).allSatisfy((route, by) -> assertThat(by).as(route).hasSize(1));
        List<String> clashes = new ArrayList<>();
        for (int i = 0; i < installed.size(); i++) {
            for (int j = i + 1; j < installed.size(); j++) {
                if (installed.get(i).route().clashesWith(installed.get(j).route())) {
                    clashes.add(installed.get(i).route().key() + " / " + installed.get(j).route().key());
                }
            }
        }
        assertThat(clashes).isEmpty();
        assertThat(installed.stream().map(i -> i.owner().getSimpleName()).distinct()).containsExactly(
                "HealthRoutes", "OpenApiRoutes", "UnsubscribeRoutes", "PreferenceRoutes", "KeyRoutes", "UserRoutes", "EventRoutes", "TrackRoutes", "TimelineRoutes", "DefinitionRoutes", "JourneyRoutes",
                "JourneyReportRoutes",
                "TriggerTestRoutes",
                "StatsRoutes", "MessageRoutes", "TemplatePreviewRoutes", "SuppressionRoutes", "WebhookRoutes", "TopicRoutes", "PrivacyRoutes", "CampaignRoutes", "ConsoleRoutes");
    }

    @Test
    void a_route_that_another_route_class_already_answers_is_refused_at_startup() {
        assertThatThrownBy(() -> api.addRoutes(RouteTableTest.class, List.of(
                        Route.of("GET", "/v1/templates/{name}", Scope.ADMIN, (r, p) -> ApiResponse.noContent()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("GET /v1/templates/{name} of RouteTableTest clashes with GET /v1/templates/{id} of DefinitionRoutes");
        // a literal segment where another route has a parameter clashes too: which one answers would depend on order
        assertThatThrownBy(() -> api.addRoutes(RouteTableTest.class, List.of(
                        Route.of("GET", "/v1/users/recent", Scope.ADMIN, (r, p) -> ApiResponse.noContent()))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("clashes with GET /v1/users/{userId} of UserRoutes");
        int before = api.routes().size();
        api.addRoutes(RouteTableTest.class, List.of(
                Route.of("POST", "/v1/users/{userId}/notes", Scope.ADMIN, (r, p) -> ApiResponse.noContent())));
        assertThat(api.routes()).hasSize(before + 1);
    }
}
