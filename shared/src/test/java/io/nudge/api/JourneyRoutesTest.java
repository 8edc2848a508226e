package io.nudge.api;

import static io.nudge.api.ApiAnswers.assertError;
import static io.nudge.api.ApiAnswers.assertField;
import static io.nudge.api.ApiAnswers.json;
import static io.nudge.api.ApiAnswers.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.journey.JourneyCatalog;
import io.nudge.journey.JourneyService;
import io.nudge.keys.Scope;
import io.nudge.store.DefinitionStore;
import io.nudge.testing.JourneyFixtures;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.config.Tables;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JourneyRoutesTest {
    private final MutableClock clock = MutableClock.at("2026-12-07T09:00:00Z");
    private NudgeApi api;
    private String admin;
    private String ingest;
    private DefinitionStore definitions;
    private JourneyService journeys;

    @BeforeEach
    void setUp() {
        Tables tables = TestDynamo.freshTables();
        Services services = Services.builder(TestDynamo.client(), tables).clock(clock).build();
        api = services.api(ApiSettings.defaults());
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();
        ingest = services.apiKeys().create("backend", Scope.INGEST).secret();
        definitions = new DefinitionStore(TestDynamo.client(), tables.definitions());
        journeys = services.journeys();
        JourneyFixtures.templateDocuments().forEach((id, doc) ->
                assertThat(call("PUT", "/v1/templates/" + id, admin, doc).status()).isEqualTo(201));
    }

    private ApiResponse call(String method, String path, String key, String body) {
        return call(method, path, Map.of(), key, body);
    }

    private ApiResponse call(String method, String path, Map<String, String> query, String key, String body) {
        return api.handle(new ApiRequest(method, path, Map.of("authorization", "Bearer " + key), query,
                Optional.ofNullable(body).map(b -> b.getBytes(StandardCharsets.UTF_8))));
    }

    private static String edited(java.util.function.Consumer<ObjectNode> edit) {
        ObjectNode doc = JourneyFixtures.onboarding();
        edit.accept(doc);
        return doc.toString();
    }

    @Test
    void a_journey_is_created_at_version_1_and_answered_with_its_id_and_defaults() {
        ApiResponse created = call("PUT", "/v1/journeys/onboarding", admin, JourneyFixtures.ONBOARDING);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode doc = json(created);
        assertThat(doc.get("id").asText()).isEqualTo("onboarding");
        assertThat(doc.get("version").asInt()).isEqualTo(1);
        assertThat(doc.at("/steps/tips_a/priority").asText()).isEqualTo("marketing");
        assertThat(ok(call("GET", "/v1/journeys/onboarding", admin, null))).isEqualTo(doc);
        assertThat(call("PUT", "/v1/journeys/onboarding", ingest, JourneyFixtures.ONBOARDING).status()).isEqualTo(403);
        assertThat(call("GET", "/v1/journeys/other", admin, null).status()).isEqualTo(404);
    }

    @Test
    void the_same_document_again_is_the_same_version_and_a_change_is_the_next_one() {
        call("PUT", "/v1/journeys/onboarding", admin, JourneyFixtures.ONBOARDING);
        // the answer, as GET gave it, is the same document once its id and version are left out; spacing and defaults do not count
        JsonNode again = ok(call("PUT", "/v1/journeys/onboarding", admin, edited(d -> ((ObjectNode) d.at("/steps/tips_a")).put("priority", "marketing"))));
        assertThat(again.get("version").asInt()).isEqualTo(1);

        clock.advance(java.time.Duration.ofMinutes(5));
        JsonNode v2 = ok(call("PUT", "/v1/journeys/onboarding", admin, edited(d -> d.put("name", "Onboarding v2"))));
        assertThat(v2.get("version").asInt()).isEqualTo(2);
        JsonNode v3 = ok(call("PUT", "/v1/journeys/onboarding", admin, edited(d -> d.put("enabled", false))));
        assertThat(v3.get("version").asInt()).isEqualTo(3);

        assertThat(ok(call("GET", "/v1/journeys/onboarding", admin, null)).get("version").asInt()).isEqualTo(3);
        JsonNode v1 = ok(call("GET", "/v1/journeys/onboarding", Map.of("version", "1"), admin, null));
        assertThat(v1.get("name").asText()).isEqualTo("Onboarding");
        assertThat(v1.get("version").asInt()).isEqualTo(1);
        assertThat(ok(call("GET", "/v1/journeys/onboarding", Map.of("version", "2"), admin, null)).get("name").asText()).isEqualTo("Onboarding v2");
        assertThat(call("GET", "/v1/journeys/onboarding", Map.of("version", "4"), admin, null).status()).isEqualTo(404);
        assertField(call("GET", "/v1/journeys/onboarding", Map.of("version", "first"), admin, null), "version");
        assertField(call("GET", "/v1/journeys/onboarding", Map.of("version", "0"), admin, null), "version");
        assertThat(journeys.find("onboarding", 2).orElseThrow().name()).isEqualTo("Onboarding v2");
    }

    @Test
    void delete_ends_the_current_version_but_keeps_every_version_readable() {
        call("PUT", "/v1/journeys/onboarding", admin, JourneyFixtures.ONBOARDING);
        call("PUT", "/v1/journeys/onboarding", admin, edited(d -> d.put("name", "Two")));
        call("PUT", "/v1/journeys/cart", admin, edited(d -> d.put("name", "Cart")));
        JourneyCatalog catalog = new JourneyCatalog(definitions);
        catalog.refresh();
        assertThat(catalog.enteredBy("signed_up")).extracting(j -> j.id() + "@" + j.version()).containsExactly("cart@1", "onboarding@2");

        assertThat(call("DELETE", "/v1/journeys/onboarding", admin, null).status()).isEqualTo(204);

        assertThat(call("GET", "/v1/journeys/onboarding", admin, null).status()).isEqualTo(404);
        assertThat(call("DELETE", "/v1/journeys/onboarding", admin, null).status()).isEqualTo(404);
        assertThat(call("DELETE", "/v1/journeys/never", admin, null).status()).isEqualTo(404);
        assertThat(ok(call("GET", "/v1/journeys", admin, null)).get("journeys")).extracting(j -> j.get("id").asText()).containsExactly("cart");
        assertThat(ok(call("GET", "/v1/journeys/onboarding", Map.of("version", "2"), admin, null)).get("name").asText()).isEqualTo("Two");
        assertThat(journeys.deleted("onboarding")).isTrue();
        assertThat(journeys.deleted("cart")).isFalse();
        catalog.refresh();
        assertThat(catalog.deleted("onboarding")).isTrue();
        assertThat(catalog.current("onboarding")).isEmpty();
        assertThat(catalog.version("onboarding", 1).orElseThrow().name()).isEqualTo("Onboarding");
        assertThat(catalog.enteredBy("signed_up")).extracting(j -> j.id()).containsExactly("cart");

        // put again after a delete: a new journey to the API (201), numbered after the versions instances may still run
        ApiResponse again = call("PUT", "/v1/journeys/onboarding", admin, JourneyFixtures.ONBOARDING);
        assertThat(again.status()).isEqualTo(201);
        assertThat(json(again).get("version").asInt()).isEqualTo(3);
        assertThat(journeys.deleted("onboarding")).isFalse();
    }

    @Test
    void the_catalog_indexes_enabled_entries_and_every_event_a_live_version_listens_to() {
        call("PUT", "/v1/journeys/onboarding", admin, JourneyFixtures.ONBOARDING);
        // version 2 no longer waits for project_created, but instances on version 1 still do
        call("PUT", "/v1/journeys/onboarding", admin, edited(d -> {
            ((ObjectNode) d.at("/steps/created")).put("event", "project_shared");
            d.put("enabled", false);
        }));
        JourneyCatalog catalog = new JourneyCatalog(definitions);
        catalog.refresh();

        assertThat(catalog.enteredBy("signed_up")).isEmpty();
        assertThat(catalog.current("onboarding").orElseThrow().version()).isEqualTo(2);
        assertThat(catalog.eventsOfInterest()).containsExactlyInAnyOrder("account_closed", "purchase_completed", "project_created",
                "project_shared");
        assertThat(catalog.version("onboarding", 1).orElseThrow().enabled()).isTrue();
    }

    @Test
    void a_template_a_current_journey_sends_is_not_deleted() {
        call("PUT", "/v1/journeys/onboarding", admin, JourneyFixtures.ONBOARDING);

        ApiResponse refused = call("DELETE", "/v1/templates/tips_b", admin, null);
        assertError(refused, 400, "id");
        assertThat(json(refused).at("/error/message").asText()).contains("journey onboarding");
        call("DELETE", "/v1/journeys/onboarding", admin, null);
        assertThat(call("DELETE", "/v1/templates/tips_b", admin, null).status()).isEqualTo(204);
    }

    @Test
    void a_bad_document_is_answered_400_naming_the_field() {
        assertField(call("PUT", "/v1/journeys/onboarding", admin,
                edited(d -> ((ObjectNode) d.at("/steps/engaged/branches/0")).put("next", "nowhere"))), "/steps/engaged/branches/0/next");
        assertField(call("PUT", "/v1/journeys/onboarding", admin,
                edited(d -> ((ObjectNode) d.at("/steps/sms")).put("template", "welcome_email"))), "/steps/sms/template");
        assertField(call("PUT", "/v1/journeys/onboarding", admin, edited(d -> ((ObjectNode) d.at("/steps/mark")).put("next", "engaged"))),
                "/steps/mark/next");
        assertField(call("PUT", "/v1/journeys/onboarding", admin, edited(d -> d.put("owner", "me"))), "/owner");
        assertField(call("PUT", "/v1/journeys/bad%20id", admin, JourneyFixtures.ONBOARDING), "id");
        assertError(call("PUT", "/v1/journeys/onboarding", admin, "[1]"), 400, "/");
        assertThat(json(call("PUT", "/v1/journeys/onboarding", admin, edited(d -> ((ObjectNode) d.at("/steps/tips_a")).put("template", "x"))))
                .at("/error/code").asText()).isEqualTo("unknown_template");
        assertThat(call("GET", "/v1/journeys", admin, null).body()).isEqualTo("{\"journeys\":[]}");
    }
}
