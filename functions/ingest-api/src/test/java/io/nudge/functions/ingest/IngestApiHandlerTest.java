package io.nudge.functions.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.testing.Fixtures;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handler fed the real API Gateway v2 payloads in events/, against DynamoDB Local. */
class IngestApiHandlerTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T08:00:00Z");
    private Services services;
    private IngestApiHandler handler;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        services.apiKeys().register("test-admin-key", "tests", Scope.ADMIN);
        handler = new IngestApiHandler(services.api(ApiSettings.defaults()));
    }

    private APIGatewayV2HTTPResponse invoke(String file) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/" + file);
        return handler.handleRequest(event, null);
    }

    private static JsonNode body(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.parse(response.getBody());
    }

    @Test
    void health_is_ok() throws Exception {
        APIGatewayV2HTTPResponse response = invoke("apigw-health.json");
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(body(response).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void a_posted_event_is_stored_once() throws Exception {
        APIGatewayV2HTTPResponse response = invoke("apigw-post-event.json");

        assertThat(response.getStatusCode()).isEqualTo(202);
        assertThat(body(response).get("accepted").asInt()).isEqualTo(1);
        assertThat(services.events().rawItem("evt-1")).hasValueSatisfying(item ->
                assertThat(item.get("name").s()).isEqualTo("signed_up"));
        assertThat(body(invoke("apigw-post-event.json")).get("duplicates").asInt()).isEqualTo(1);
    }

    @Test
    void a_batch_with_one_bad_event_accepts_the_others() throws Exception {
        JsonNode body = body(invoke("apigw-post-events-batch-one-bad.json"));

        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.at("/rejected/0/index").asInt()).isEqualTo(1);
        assertThat(body.at("/rejected/0/error/field").asText()).isEqualTo("/events/1/name");
    }

    @Test
    void a_user_upsert_stores_the_phone_in_e164() throws Exception {
        APIGatewayV2HTTPResponse response = invoke("apigw-put-user.json");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(body(response).get("phone").asText()).isEqualTo("+442079460958");
        assertThat(services.users().find("u-1")).hasValueSatisfying(u -> assertThat(u.timezone()).contains("Europe/London"));
    }

    @Test
    void a_trigger_with_an_unknown_operator_is_400_naming_the_field() throws Exception {
        services.api(ApiSettings.defaults());
        new io.nudge.definitions.DefinitionService(services.definitions(), clock)
                .putTemplate("welcome", Fixtures.json("{'channel':'email','subject':'Hi','text':'Hello'}"));

        APIGatewayV2HTTPResponse response = invoke("apigw-put-trigger-bad-operator.json");

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response).at("/error/field").asText()).isEqualTo("/conditions/0/op");
    }

    @Test
    void bad_requests_get_clear_errors_not_500s() throws Exception {
        assertThat(invoke("apigw-no-auth.json").getStatusCode()).isEqualTo(401);
        APIGatewayV2HTTPResponse malformed = invoke("apigw-malformed-json.json");
        assertThat(malformed.getStatusCode()).isEqualTo(400);
        assertThat(body(malformed).at("/error/code").asText()).isEqualTo("invalid_json");
        assertThat(invoke("apigw-unknown-route.json").getStatusCode()).isEqualTo(404);
    }
}
