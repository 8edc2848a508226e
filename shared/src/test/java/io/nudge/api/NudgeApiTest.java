package io.nudge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NudgeApiTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private NudgeApi api;
    private Services services;
    private String admin;
    private String ingest;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        api = services.api(ApiSettings.defaults());
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();
        ingest = services.apiKeys().create("backend", Scope.INGEST).secret();
    }

    private ApiResponse call(String method, String path, String key, String body) {
        Map<String, String> headers = new HashMap<>();
        if (key != null) {
            headers.put("authorization", "Bearer " + key);
        }
        Map<String, String> query = new HashMap<>();
        int q = path.indexOf('?');
        if (q >= 0) {
            for (String pair : path.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
            path = path.substring(0, q);
        }
        return api.handle(new ApiRequest(method, path, headers, query,
                Optional.ofNullable(body).map(b -> b.replace('\'', '"').getBytes(StandardCharsets.UTF_8))));
    }

    private static JsonNode json(ApiResponse response) {
        try {
            return Json.parse(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    private static void assertError(ApiResponse response, int status, String code, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(json(response).at("/error/code").asText()).isEqualTo(code);
        if (field != null) {
            assertThat(json(response).at("/error/field").asText()).isEqualTo(field);
        }
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at io.nudge");
    }

    @Test
    void health_answers_without_a_key() {
        ApiResponse response = call("GET", "/health", null, null);
        assertThat(response.status()).isEqualTo(200);
        assertThat(json(response).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void missing_unknown_and_revoked_keys_are_401_and_the_wrong_scope_is_403() {
        assertError(call("POST", "/v1/events", null, "{}"), 401, "unauthorized", null);
        assertError(call("POST", "/v1/events", "nudge_not_a_key", "{}"), 401, "unauthorized", null);
        assertError(call("GET", "/v1/triggers", ingest, null), 403, "forbidden", null);

        String id = null;
        for (JsonNode key : json(call("GET", "/v1/keys", admin, null)).get("keys")) {
            if (key.get("name").asText().equals("backend")) {
                id = key.get("id").asText();
            }
        }
        assertThat(call("DELETE", "/v1/keys/" + id, admin, null).status()).isEqualTo(204);
        assertThat(call("POST", "/v1/events", ingest, "{'userId':'u','name':'x'}").status()).isEqualTo(401);
    }

    @Test
    void a_created_key_is_shown_once_and_stored_only_as_a_hash() {
        ApiResponse created = call("POST", "/v1/keys", admin, "{'scope':'ingest','name':'mobile backend'}");
        assertThat(created.status()).isEqualTo(201);
        String secret = json(created).get("key").asText();
        assertThat(secret).startsWith("nudge_");

        JsonNode listed = json(call("GET", "/v1/keys", admin, null));
        assertThat(listed.toString()).doesNotContain(secret);
        assertThat(listed.get("keys").findValuesAsText("name")).contains("mobile backend");
        assertThat(call("POST", "/v1/events", secret, "{'userId':'u','name':'x'}").status()).isEqualTo(202);
        services.dynamo().scanPaginator(b -> b.tableName(services.tables().apiKeys())).items()
                .forEach(item -> assertThat(item.toString()).doesNotContain(secret));
    }

    @Test
    void unknown_routes_are_404_and_wrong_methods_405() {
        assertError(call("GET", "/v1/nope", admin, null), 404, "not_found", null);
        ApiResponse wrongMethod = call("PATCH", "/v1/events", admin, "{}");
        assertError(wrongMethod, 405, "method_not_allowed", null);
        assertThat(wrongMethod.headers()).containsEntry("allow", "POST");
    }

    @Test
    void malformed_json_is_400_and_an_oversized_body_is_413() {
        assertError(call("POST", "/v1/events", ingest, "{'id':"), 400, "invalid_json", null);
        assertError(call("POST", "/v1/events", ingest, "x".repeat(NudgeApi.MAX_BODY_BYTES + 1)), 413, "payload_too_large", null);
    }

    @Test
    void a_batch_accepts_the_good_events_and_reports_the_bad_one_by_index() {
        ApiResponse response = call("POST", "/v1/events", ingest,
                "{'events':[{'id':'a','userId':'u1','name':'signed_up'},{'id':'b','userId':'u1'},{'id':'c','userId':'u1','name':'x','properties':{'n':1}}]}");

        assertThat(response.status()).isEqualTo(202);
        JsonNode body = json(response);
        assertThat(body.get("accepted").asInt()).isEqualTo(2);
        assertThat(body.get("duplicates").asInt()).isZero();
        assertThat(body.at("/rejected/0/index").asInt()).isEqualTo(1);
        assertThat(body.at("/rejected/0/error/field").asText()).isEqualTo("/events/1/name");
        assertThat(services.events().rawItem("a")).isPresent();
        assertThat(services.events().rawItem("c")).isPresent();
    }

    @Test
    void a_repeated_event_id_is_a_duplicate() {
        call("POST", "/v1/events", ingest, "{'id':'same','userId':'u1','name':'signed_up'}");
        JsonNode second = json(call("POST", "/v1/events", ingest, "{'id':'same','userId':'u1','name':'signed_up'}"));

        assertThat(second.get("accepted").asInt()).isZero();
        assertThat(second.get("duplicates").asInt()).isEqualTo(1);
    }

    @Test
    void an_event_without_an_id_gets_one_and_defaults_properties_and_timestamp() {
        assertThat(json(call("POST", "/v1/events", ingest, "{'userId':'u1','name':'app_opened'}")).get("accepted").asInt()).isEqualTo(1);
    }

    @Test
    void a_batch_over_100_is_refused_naming_the_field() {
        String events = "{'userId':'u','name':'x'},".repeat(101);
        assertError(call("POST", "/v1/events", ingest, "{'events':[" + events.substring(0, events.length() - 1) + "]}"),
                400, "invalid_field", "/events");
    }

    @Test
    void user_upsert_normalises_the_phone_and_merges_attributes() {
        ApiResponse first = call("PUT", "/v1/users/u1", ingest,
                "{'email':'Ada@Example.COM','phone':'+44 20 7946 0958','timezone':'Europe/London','locale':'en-GB',"
                        + "'attributes':{'first_name':'Ada','plan':'free'},'consent':{'email':'opted_in'}}");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        JsonNode user = json(first);
        assertThat(user.get("email").asText()).isEqualTo("Ada@example.com");
        assertThat(user.get("phone").asText()).isEqualTo("+442079460958");
        assertThat(user.at("/consent/email/status").asText()).isEqualTo("opted_in");
        assertThat(user.at("/consent/email/source").asText()).isEqualTo("api");

        JsonNode merged = json(call("PUT", "/v1/users/u1", ingest, "{'attributes':{'plan':'pro','first_name':null}}"));
        assertThat(merged.get("attributes").toString()).isEqualTo("{\"plan\":\"pro\"}");
        assertThat(merged.get("phone").asText()).isEqualTo("+442079460958");
        assertThat(json(call("GET", "/v1/users/u1", admin, null)).at("/attributes/plan").asText()).isEqualTo("pro");
    }

    @Test
    void invalid_profile_fields_are_400_naming_the_field() {
        assertError(call("PUT", "/v1/users/u1", ingest, "{'phone':'12345'}"), 400, "invalid_phone", "/phone");
        assertError(call("PUT", "/v1/users/u1", ingest, "{'email':'not-an-email'}"), 400, "invalid_email", "/email");
        assertError(call("PUT", "/v1/users/u1", ingest, "{'timezone':'Mars/Olympus'}"), 400, "invalid_field", "/timezone");
        assertError(call("PUT", "/v1/users/u1", ingest, "{'consent':{'sms':'maybe'}}"), 400, "invalid_field", "/consent/sms");
        assertError(call("PUT", "/v1/users/u1", ingest, "{'emial':'a@b.co'}"), 400, "unknown_field", "/emial");
    }

    @Test
    void triggers_are_validated_against_operators_paths_and_templates() {
        assertThat(call("PUT", "/v1/templates/welcome", admin, "{'channel':'email','subject':'Hi','text':'Hello'}").status()).isEqualTo(201);
        assertThat(call("PUT", "/v1/templates/sms_hi", admin, "{'channel':'sms','body':'Hi'}").status()).isEqualTo(201);
        String base = "'event':'signed_up','channel':'email','template':'welcome'";

        assertError(call("PUT", "/v1/triggers/t1", admin, "{" + base + ",'conditions':[{'path':'event.properties.plan','op':'equals','value':'pro'}]}"),
                400, "unknown_operator", "/conditions/0/op");
        assertError(call("PUT", "/v1/triggers/t1", admin, "{" + base + ",'conditions':[{'path':'session.plan','op':'eq','value':'pro'}]}"),
                400, "invalid_path", "/conditions/0/path");
        assertError(call("PUT", "/v1/triggers/t1", admin, "{'event':'signed_up','channel':'email','template':'nope'}"),
                400, "unknown_template", "/template");
        assertError(call("PUT", "/v1/triggers/t1", admin, "{'event':'signed_up','channel':'email','template':'sms_hi'}"),
                400, "channel_mismatch", "/template");
        assertError(call("PUT", "/v1/triggers/bad id", admin, "{" + base + "}"), 400, "invalid_field", "id");

        ApiResponse saved = call("PUT", "/v1/triggers/t1", admin, "{" + base + ",'conditions':[{'path':'event.properties.plan','op':'eq','value':'pro'}]}");
        assertThat(saved.status()).isEqualTo(201);
        assertThat(json(saved).get("priority").asText()).isEqualTo("marketing");
        assertThat(json(saved).get("enabled").asBoolean()).isTrue();
        assertThat(call("PUT", "/v1/triggers/t1", admin, "{" + base + "}").status()).isEqualTo(200);
        assertThat(json(call("GET", "/v1/triggers", admin, null)).get("triggers")).hasSize(1);
        assertError(call("DELETE", "/v1/templates/welcome", admin, null), 400, "template_in_use", "id");
        assertThat(call("DELETE", "/v1/triggers/t1", admin, null).status()).isEqualTo(204);
        assertThat(call("GET", "/v1/triggers/t1", admin, null).status()).isEqualTo(404);
    }

    @Test
    void a_template_that_does_not_parse_is_refused_with_line_and_column() {
        ApiResponse response = call("PUT", "/v1/templates/broken", admin, "{'channel':'email','subject':'Hi','text':'line one\\n{% if x %}unclosed'}");
        assertError(response, 400, "template_syntax", "/text");
        assertThat(json(response).at("/error/message").asText()).contains("line");
    }

    @Test
    void suppressions_can_be_added_listed_read_and_removed_by_an_admin() {
        assertThat(call("PUT", "/v1/suppressions/email/Someone@Example.com", admin, "{'reason':'manual'}").status()).isEqualTo(200);
        assertThat(call("PUT", "/v1/suppressions/sms/+44%2020%207946%200958", admin, null).status()).isEqualTo(200);

        JsonNode emails = json(call("GET", "/v1/suppressions?channel=email", admin, null));
        assertThat(emails.at("/suppressions/0/address").asText()).isEqualTo("someone@example.com");
        assertThat(emails.at("/suppressions/0/reason").asText()).isEqualTo("manual");
        assertThat(json(call("GET", "/v1/suppressions/sms/+442079460958", admin, null)).get("reason").asText()).isEqualTo("manual");
        assertError(call("PUT", "/v1/suppressions/fax/x", admin, null), 400, "invalid_field", "channel");
        assertError(call("PUT", "/v1/suppressions/email/x", admin, "{'reason':'annoyed'}"), 400, "invalid_field", "address");
        assertThat(call("GET", "/v1/suppressions", ingest, null).status()).isEqualTo(403);

        assertThat(call("DELETE", "/v1/suppressions/email/someone@example.com", admin, null).status()).isEqualTo(204);
        assertThat(call("GET", "/v1/suppressions/email/someone@example.com", admin, null).status()).isEqualTo(404);
    }

    @Test
    void an_unsubscribe_link_shows_a_page_on_get_and_withdraws_consent_on_one_click_post() {
        call("PUT", "/v1/users/u1", ingest, "{'email':'u1@example.com','consent':{'email':'opted_in'}}");
        String url = services.unsubscribe().url("u1", io.nudge.model.Channel.EMAIL);
        String path = url.substring(url.indexOf("/v1/unsubscribe"));

        ApiResponse page = call("GET", path, null, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().get("content-type")).startsWith("text/html");
        assertThat(page.body()).contains("<form method=\"post\"");
        assertThat(services.users().find("u1").orElseThrow().consent().get(io.nudge.model.Channel.EMAIL).status())
                .isEqualTo(io.nudge.model.ConsentStatus.OPTED_IN);

        assertThat(call("POST", path, null, "List-Unsubscribe=One-Click").status()).isEqualTo(200);
        var consent = services.users().find("u1").orElseThrow().consent().get(io.nudge.model.Channel.EMAIL);
        assertThat(consent.status()).isEqualTo(io.nudge.model.ConsentStatus.OPTED_OUT);
        assertThat(consent.source()).isEqualTo("unsubscribe");
    }

    /** A person clicked the link: a 400 page in HTML, no JSON, no stack trace. */
    static void assertInvalidLinkPage(ApiResponse response) {
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.headers()).containsEntry("content-type", "text/html; charset=utf-8");
        assertThat(response.body()).contains("This link is not valid").doesNotContain("Exception").doesNotContain("<form");
    }

    @Test
    void a_forged_or_altered_unsubscribe_token_is_400_and_changes_nothing() {
        call("PUT", "/v1/users/u2", ingest, "{'email':'u2@example.com','consent':{'email':'opted_in'}}");
        String url = services.unsubscribe().url("u2", io.nudge.model.Channel.EMAIL);
        String token = url.substring(url.indexOf("token=") + 6);
        String altered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");

        assertInvalidLinkPage(call("POST", "/v1/unsubscribe?token=" + altered, null, "List-Unsubscribe=One-Click"));
        assertInvalidLinkPage(call("POST", "/v1/unsubscribe?token=nudge", null, null));
        assertInvalidLinkPage(call("GET", "/v1/unsubscribe?token=" + altered, null, null));
        assertThat(services.users().find("u2").orElseThrow().consent().get(io.nudge.model.Channel.EMAIL).status())
                .isEqualTo(io.nudge.model.ConsentStatus.OPTED_IN);
    }

    @Test
    void a_key_over_its_own_rate_limit_gets_429_with_retry_after_and_other_keys_do_not() {
        assertError(call("POST", "/v1/keys", admin, "{'scope':'ingest','name':'x','rateLimit':'lots'}"), 400, "invalid_field", "/rateLimit");
        ApiResponse created = call("POST", "/v1/keys", admin, "{'scope':'ingest','name':'throttled','rateLimit':'60/m burst 2'}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(json(created).get("rateLimit").asText()).isEqualTo("1/s burst 2");
        String throttled = json(created).get("key").asText();
        String event = "{'userId':'u','name':'x'}";

        assertThat(call("POST", "/v1/events", throttled, event).status()).isEqualTo(202);
        assertThat(call("POST", "/v1/events", throttled, event).status()).isEqualTo(202);
        ApiResponse limited = call("POST", "/v1/events", throttled, event);
        assertError(limited, 429, "rate_limited", null);
        assertThat(limited.headers()).containsEntry("retry-after", "1");
        assertThat(json(limited).at("/error/message").asText()).contains("1/s burst 2");
        assertThat(call("POST", "/v1/events", ingest, event).status()).as("the default limit of another key").isEqualTo(202);

        clock.advance(java.time.Duration.ofSeconds(1));
        assertThat(call("POST", "/v1/events", throttled, event).status()).isEqualTo(202);
        assertThat(json(call("GET", "/v1/keys", admin, null)).get("keys").findValuesAsText("rateLimit")).containsExactly("1/s burst 2");
    }

    @Test
    void the_default_limit_applies_to_keys_without_their_own_and_off_means_none() {
        api.limitRate(new io.nudge.ratelimit.TokenBuckets(clock), Optional.of(io.nudge.ratelimit.RateLimit.parse("1/h burst 1")));
        assertThat(call("GET", "/v1/triggers", admin, null).status()).isEqualTo(200);
        ApiResponse limited = call("GET", "/v1/triggers", admin, null);
        assertError(limited, 429, "rate_limited", null);
        assertThat(limited.headers()).containsEntry("retry-after", "3600");
        assertThat(call("GET", "/health", null, null).status()).as("public routes are not keyed").isEqualTo(200);
        assertError(call("GET", "/v1/triggers", "nudge_unknown", null), 401, "unauthorized", null);

        api.limitRate(new io.nudge.ratelimit.TokenBuckets(clock), Optional.empty());
        for (int i = 0; i < 5; i++) {
            assertThat(call("GET", "/v1/triggers", admin, null).status()).isEqualTo(200);
        }
    }
}
