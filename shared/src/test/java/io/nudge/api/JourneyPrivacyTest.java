package io.nudge.api;

import static io.nudge.api.ApiAnswers.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.evaluate.EvaluateService;
import io.nudge.journey.JourneyCatalog;
import io.nudge.journey.JourneyInstance;
import io.nudge.keys.Scope;
import io.nudge.model.MessageStatus;
import io.nudge.testing.JourneyFixtures;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A user's journey instances are personal data: the export lists them as the API shows them, erasure deletes them. */
class JourneyPrivacyTest {
    private final MutableClock clock = MutableClock.at("2026-12-07T09:00:00Z");
    private Services services;
    private NudgeApi api;
    private String admin;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        api = services.api(ApiSettings.defaults());
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();
        JourneyFixtures.templateDocuments().forEach((id, doc) -> assertThat(call("PUT", "/v1/templates/" + id, doc).status()).isEqualTo(201));
        assertThat(call("PUT", "/v1/journeys/onboarding", JourneyReportRoutesTest.JOURNEY).status()).isEqualTo(201);
        String ingest = services.apiKeys().create("backend", Scope.INGEST).secret();
        for (String user : List.of("erin", "olga")) {
            assertThat(api.handle(new ApiRequest("PUT", "/v1/users/" + user, Map.of("authorization", "Bearer " + ingest), Map.of(),
                    Optional.of(("{\"email\":\"" + user + "@example.com\"}").getBytes(StandardCharsets.UTF_8)))).status()).isEqualTo(200);
        }
        assertThat(api.handle(new ApiRequest("POST", "/v1/events", Map.of("authorization", "Bearer " + ingest), Map.of(),
                Optional.of(("{\"events\":[{\"id\":\"e1\",\"userId\":\"erin\",\"name\":\"signed_up\",\"properties\":{\"code\":\"s3cret\"}},"
                        + "{\"id\":\"o1\",\"userId\":\"olga\",\"name\":\"signed_up\"}]}").getBytes(StandardCharsets.UTF_8)))).status())
                .isEqualTo(202);
        EvaluateService evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        evaluate.evaluate(services.events().find("e1", clock.instant()).orElseThrow());
        evaluate.evaluate(services.events().find("o1", clock.instant()).orElseThrow());
        JourneyCatalog catalog = new JourneyCatalog(services.definitions());
        catalog.refresh();
        for (String user : List.of("erin", "olga")) {
            for (JourneyInstance instance : services.journeyInstances().forUser(user, 10)) {
                services.journeyEngine(catalog).advance(instance.id()); // welcome written, waiting at wait_day
            }
        }
    }

    private ApiResponse call(String method, String path, String body) {
        return api.handle(new ApiRequest(method, path, Map.of("authorization", "Bearer " + admin), Map.of(),
                Optional.ofNullable(body).map(b -> b.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void the_export_lists_the_users_instances_as_the_api_shows_them_without_the_entry_event() {
        JsonNode export = ok(call("GET", "/v1/users/erin/export", null));

        JsonNode journeys = export.at("/records/journeys");
        assertThat(journeys).hasSize(1);
        // the API's view, less the send steps' current message status (the messages are exported with the user's messages)
        JsonNode shown = ok(call("GET", "/v1/users/erin/journeys", null)).at("/instances/0").deepCopy();
        shown.get("steps").forEach(step -> ((com.fasterxml.jackson.databind.node.ObjectNode) step).remove("message"));
        assertThat(journeys.get(0)).isEqualTo(shown);
        assertThat(journeys.get(0).get("status").asText()).isEqualTo("active");
        assertThat(journeys.get(0).get("step").asText()).isEqualTo("wait_day");
        assertThat(journeys.toString()).doesNotContain("s3cret").doesNotContain("\"seq\"").doesNotContain("\"phase\"");
    }

    @Test
    void erasure_deletes_the_users_instances_and_cancels_their_pending_message_and_leaves_others() {
        String welcome = services.journeyInstances().forUser("erin", 10).get(0).sends().get("welcome");

        JsonNode erased = ok(call("DELETE", "/v1/users/erin", null));

        assertThat(erased.at("/erased/records").toString()).contains("\"journeys\"");
        assertThat(services.journeyInstances().forUser("erin", 10)).isEmpty();
        assertThat(ok(call("GET", "/v1/users/erin/journeys", null)).get("instances")).isEmpty();
        assertThat(services.messages().find(welcome).orElseThrow().status()).isEqualTo(MessageStatus.CANCELLED);
        assertThat(services.journeyInstances().forUser("olga", 10)).hasSize(1);
        assertThat(ok(call("DELETE", "/v1/users/erin", null)).at("/erased/records").toString()).as("nothing left the second time")
                .doesNotContain("journeys");
        assertThat(ok(call("GET", "/v1/users/erin/export", null)).at("/records/journeys")).isEmpty();
    }
}
