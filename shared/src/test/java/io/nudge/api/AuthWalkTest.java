package io.nudge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.campaigns.CampaignRunner;
import io.nudge.config.Tables;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Walks every route of the API's route table (so a route added later is walked too) with no key, malformed
 * Authorization headers, an unknown key, a revoked key and a key of the wrong scope: each must be refused with 401/403
 * and a JSON error, and change nothing. Then one call per route with the right key must get past authentication.
 */
class AuthWalkTest {
    /** The routes that answer without a key, spelled out here on purpose: adding one must be a visible decision. */
    static final Set<String> PUBLIC = Set.of("GET /health", "GET /openapi.json", "GET /v1/unsubscribe", "POST /v1/unsubscribe", "GET /v1/preferences", "POST /v1/preferences",
            "GET /ui", "GET /ui/{path+}");

    /** Bodies that would do something if a handler ran: a refused call that still had an effect would show. */
    static final Map<String, String> BODIES = Map.ofEntries(
            Map.entry("POST /v1/keys", "{'scope':'admin','name':'walker'}"),
            Map.entry("PUT /v1/users/{userId}", "{'email':'walk@example.test','attributes':{'plan':'pro'}}"),
            Map.entry("POST /v1/events", "{'id':'walk-ev','userId':'walk-user','name':'signed_up'}"),
            Map.entry("PUT /v1/templates/{id}", "{'channel':'email','subject':'S','text':'T'}"),
            Map.entry("PUT /v1/triggers/{id}", "{'event':'signed_up','template':'walk_1','channel':'email'}"),
            Map.entry("PUT /v1/segments/{id}", "{'all':[]}"),
            Map.entry("PUT /v1/campaigns/{id}", "{'segment':'walk_1','template':'walk_1','channel':'email'}"),
            Map.entry("PUT /v1/suppressions/{channel}/{address}", "{'reason':'manual'}"));

    static final Map<String, String> PARAMS = Map.of("userId", "walk-user", "id", "walk_1", "eventId", "walk-ev",
            "channel", "email", "address", "walk%40example.test");

    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private final RecordingScheduler scheduler = new RecordingScheduler();
    private final List<CampaignRunner.Request> runs = new CopyOnWriteArrayList<>();
    private Services services;
    private NudgeApi api;
    private String admin;
    private String ingest;
    private String revoked;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        api = services.api(ApiSettings.defaults().withCampaigns(scheduler, runs::add));
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();
        ingest = services.apiKeys().create("backend", Scope.INGEST).secret();
        var gone = services.apiKeys().create("former admin", Scope.ADMIN);
        revoked = gone.secret();
        assertThat(services.apiKeys().revoke(gone.key().id())).isTrue();
    }

    @Test
    void the_public_routes_are_exactly_the_listed_ones() {
        Set<String> inTable = api.routes().stream().filter(Route::isPublic).map(Route::key).collect(Collectors.toSet());
        assertThat(inTable).isEqualTo(PUBLIC).isEqualTo(NudgeApi.PUBLIC_ROUTES);
        assertThat(call("GET", "/health", Map.of(), null).status()).isEqualTo(200);
    }

    @Test
    void a_route_without_a_scope_that_is_not_listed_as_public_is_refused_at_startup() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> api.addRoutes(AuthWalkTest.class, List.of(
                        Route.open("DELETE", "/v1/users/{userId}/everything", (r, p) -> ApiResponse.noContent()))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PUBLIC_ROUTES");
    }

    @Test
    void every_protected_route_refuses_missing_malformed_unknown_revoked_and_wrong_scope_keys_without_side_effects() {
        List<Route> walked = api.routes().stream().filter(r -> !r.isPublic()).toList();
        // the walk sees the campaign and segment routes too (installed by another class), not only NudgeApi's own
        assertThat(walked.stream().map(Route::key)).contains("POST /v1/campaigns/{id}/run", "GET /v1/segments/{id}/preview",
                "DELETE /v1/keys/{id}", "POST /v1/events", "PUT /v1/users/{userId}");
        Map<String, List<AttributeSnapshot>> before = snapshot();
        Map<String, Map<String, String>> refusals = new LinkedHashMap<>();
        refusals.put("no key", Map.of());
        refusals.put("empty header", Map.of("authorization", ""));
        refusals.put("basic scheme", Map.of("authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("x:" + admin).getBytes())));
        refusals.put("bearer without a key", Map.of("authorization", "Bearer "));
        refusals.put("key without the scheme", Map.of("authorization", admin));
        refusals.put("control characters", Map.of("authorization", "Bearer \u0000\u0007" + admin));
        refusals.put("oversized", Map.of("authorization", "Bearer " + "k".repeat(10_000)));
        refusals.put("unknown key", Map.of("authorization", "Bearer nudge_" + "a".repeat(52)));
        refusals.put("key with a changed character", Map.of("authorization", "Bearer " + admin.substring(0, admin.length() - 1)
                + (admin.endsWith("a") ? "b" : "a")));
        refusals.put("revoked key", Map.of("authorization", "Bearer " + revoked));

        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Route route : walked) {
            for (var refusal : refusals.entrySet()) {
                checked += expectRefused(route, refusal.getKey(), refusal.getValue(), 401, "unauthorized", failures);
            }
            if (route.scope() == Scope.ADMIN) {
                checked += expectRefused(route, "ingest key on an admin route", Map.of("authorization", "Bearer " + ingest), 403,
                        "forbidden", failures);
            } else {
                // the only other scope is ingest, which an admin key includes: there is no wrong scope for it
                assertThat(route.scope()).isEqualTo(Scope.INGEST);
                assertThat(Scope.ADMIN.allows(route.scope())).isTrue();
            }
        }
        assertThat(failures).isEmpty();
        assertThat(checked).isGreaterThanOrEqualTo(walked.size() * refusals.size());
        assertThat(snapshot()).as("no refused call may change a table").isEqualTo(before);
        assertThat(scheduler.createCalls).isEmpty();
        assertThat(scheduler.schedules).isEmpty();
        assertThat(runs).isEmpty();
    }

    @Test
    void every_protected_route_gets_past_authentication_with_the_right_key() {
        List<String> failures = new ArrayList<>();
        for (Route route : api.routes()) {
            if (route.isPublic()) {
                continue;
            }
            String key = route.scope() == Scope.ADMIN ? admin : ingest;
            ApiResponse response = call(route.method(), path(route), Map.of("authorization", "Bearer " + key), body(route));
            if (response.status() == 401 || response.status() == 403 || response.status() >= 500) {
                failures.add(route.key() + " -> " + response.status() + " " + response.body());
            }
        }
        assertThat(failures).isEmpty();
    }

    private int expectRefused(Route route, String what, Map<String, String> headers, int status, String code, List<String> failures) {
        ApiResponse response = call(route.method(), path(route), headers, body(route));
        String problem = null;
        if (response.status() != status) {
            problem = "status " + response.status();
        } else if (!response.headers().getOrDefault("content-type", "").startsWith("application/json")) {
            problem = "not JSON";
        } else {
            try {
                JsonNode json = Json.parse(response.body());
                if (!json.at("/error/code").asText().equals(code) || json.at("/error/message").asText().isEmpty()) {
                    problem = "error " + json;
                }
            } catch (Exception e) {
                problem = "unparseable body";
            }
        }
        if (problem != null) {
            failures.add(route.key() + " with " + what + ": " + problem);
        }
        return 1;
    }

    private static String path(Route route) {
        return "/" + route.pattern().stream()
                .map(p -> p.startsWith("{") ? PARAMS.getOrDefault(p.substring(1, p.length() - 1), "walk_x") : p)
                .collect(Collectors.joining("/"));
    }

    private static String body(Route route) {
        String body = BODIES.get(route.key());
        return body != null ? body : route.method().equals("GET") || route.method().equals("DELETE") ? null : "{}";
    }

    private ApiResponse call(String method, String path, Map<String, String> headers, String body) {
        return api.handle(new ApiRequest(method, path, headers, Map.of(),
                Optional.ofNullable(body).map(b -> b.replace('\'', '"').getBytes(StandardCharsets.UTF_8))));
    }

    record AttributeSnapshot(String item) {}

    /** Every item of every table, as text, sorted: equal snapshots mean nothing was written. */
    private Map<String, List<AttributeSnapshot>> snapshot() {
        Map<String, List<AttributeSnapshot>> all = new LinkedHashMap<>();
        for (RecordComponent component : Tables.class.getRecordComponents()) {
            String table;
            try {
                table = (String) component.getAccessor().invoke(services.tables());
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            TreeSet<String> items = new TreeSet<>();
            services.dynamo().scanPaginator(b -> b.tableName(table).consistentRead(true)).items()
                    .forEach(item -> items.add(new java.util.TreeMap<>(item).toString()));
            all.put(component.getName(), items.stream().map(AttributeSnapshot::new).toList());
        }
        return all;
    }
}
