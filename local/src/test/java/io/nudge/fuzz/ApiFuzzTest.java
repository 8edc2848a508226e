package io.nudge.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.campaigns.CampaignRunner;
import io.nudge.functions.ingest.IngestApiHandler;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.testing.Samples;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every route of the HTTP API, fed mutated requests through the real path: an API Gateway HTTP API (v2) event as JSON,
 * deserialised by the Lambda runtime's serialiser, into ingest-api's handler, against DynamoDB Local, with a valid admin
 * key. Whatever comes in, the answer is never a 5xx, never shows a Java class or exception text, and an error is JSON
 * with a code, a message and (for a field-level problem) the field.
 */
class ApiFuzzTest {
    private static final String ADMIN_KEY = "fuzz-admin-key";
    /** Errors about the request as a whole, where no single field is to blame. */
    private static final Set<String> WHOLE_REQUEST_CODES = Set.of("invalid_json", "missing_body", "invalid_encoding", "invalid_path",
            "payload_too_large", "not_found", "method_not_allowed", "unauthorized", "forbidden", "unsupported_media_type");
    private static final PojoSerializer<APIGatewayV2HTTPEvent> SERIALIZER =
            LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, ApiFuzzTest.class.getClassLoader());

    private final MutableClock clock = MutableClock.at("2026-11-24T08:00:00Z");
    private final List<CampaignRunner.Request> runs = new CopyOnWriteArrayList<>();
    private Services services;
    private IngestApiHandler handler;
    private ObjectNode sample;
    private final Map<String, List<JsonNode>> seeds = new LinkedHashMap<>();

    /** A route and the seed bodies its requests are mutated from (none: a route without a body). */
    private record RouteSpec(String method, String path, String seedKind) {}

    private static final List<RouteSpec> ROUTES = List.of(
            new RouteSpec("POST", "/v1/keys", "key"),
            new RouteSpec("GET", "/v1/keys", null),
            new RouteSpec("DELETE", "/v1/keys/{id}", null),
            new RouteSpec("PUT", "/v1/users/{userId}", "user"),
            new RouteSpec("GET", "/v1/users/{userId}", null),
            new RouteSpec("GET", "/v1/users/{userId}/messages", null),
            new RouteSpec("GET", "/v1/users/{userId}/journeys", null),
            new RouteSpec("GET", "/v1/users/{userId}/export", null),
            new RouteSpec("GET", "/v1/users/{userId}/timeline", null),
            new RouteSpec("DELETE", "/v1/users/{userId}", null),
            new RouteSpec("POST", "/v1/events", "event"),
            new RouteSpec("GET", "/v1/events/{eventId}", null),
            new RouteSpec("POST", "/v1/track", "track"),
            new RouteSpec("GET", "/v1/templates", null),
            new RouteSpec("PUT", "/v1/templates/{id}", "template"),
            new RouteSpec("GET", "/v1/templates/{id}", null),
            new RouteSpec("DELETE", "/v1/templates/{id}", null),
            new RouteSpec("POST", "/v1/templates/{id}/preview", "preview"),
            new RouteSpec("GET", "/v1/triggers", null),
            new RouteSpec("PUT", "/v1/triggers/{id}", "trigger"),
            new RouteSpec("GET", "/v1/triggers/{id}", null),
            new RouteSpec("POST", "/v1/triggers/{id}/test", "triggerTest"),
            new RouteSpec("DELETE", "/v1/triggers/{id}", null),
            new RouteSpec("GET", "/v1/journeys", null),
            new RouteSpec("PUT", "/v1/journeys/{id}", "journey"),
            new RouteSpec("GET", "/v1/journeys/{id}", null),
            new RouteSpec("DELETE", "/v1/journeys/{id}", null),
            new RouteSpec("GET", "/v1/stats/triggers/{id}", null),
            new RouteSpec("GET", "/v1/stats/overview", null),
            new RouteSpec("GET", "/v1/messages", null),
            new RouteSpec("GET", "/v1/messages/{messageId}", null),
            new RouteSpec("GET", "/v1/topics", null),
            new RouteSpec("PUT", "/v1/topics/{id}", "topic"),
            new RouteSpec("GET", "/v1/topics/{id}", null),
            new RouteSpec("DELETE", "/v1/topics/{id}", null),
            new RouteSpec("GET", "/v1/stats/topics/{id}", null),
            new RouteSpec("GET", "/v1/webhooks", null),
            new RouteSpec("PUT", "/v1/webhooks/{id}", "webhook"),
            new RouteSpec("GET", "/v1/webhooks/{id}", null),
            new RouteSpec("DELETE", "/v1/webhooks/{id}", null),
            new RouteSpec("POST", "/v1/webhooks/{id}/rotate-secret", null),
            new RouteSpec("GET", "/v1/webhooks/{id}/deliveries", null),
            new RouteSpec("GET", "/v1/suppressions", null),
            new RouteSpec("PUT", "/v1/suppressions/{channel}/{address}", "suppression"),
            new RouteSpec("GET", "/v1/suppressions/{channel}/{address}", null),
            new RouteSpec("DELETE", "/v1/suppressions/{channel}/{address}", null),
            new RouteSpec("GET", "/v1/segments", null),
            new RouteSpec("PUT", "/v1/segments/{id}", "segment"),
            new RouteSpec("GET", "/v1/segments/{id}", null),
            new RouteSpec("DELETE", "/v1/segments/{id}", null),
            new RouteSpec("GET", "/v1/segments/{id}/preview", null),
            new RouteSpec("GET", "/v1/campaigns", null),
            new RouteSpec("PUT", "/v1/campaigns/{id}", "campaign"),
            new RouteSpec("GET", "/v1/campaigns/{id}", null),
            new RouteSpec("DELETE", "/v1/campaigns/{id}", null),
            new RouteSpec("POST", "/v1/campaigns/{id}/run", null),
            new RouteSpec("GET", "/v1/stats/campaigns/{id}", null),
            new RouteSpec("GET", "/v1/stats/journeys/{id}", null),
            new RouteSpec("GET", "/v1/unsubscribe", null),
            new RouteSpec("POST", "/v1/unsubscribe", null),
            new RouteSpec("GET", "/v1/preferences", null),
            new RouteSpec("POST", "/v1/preferences", null),
            new RouteSpec("GET", "/health", null),
            new RouteSpec("GET", "/openapi.json", null),
            new RouteSpec("GET", "/ui", null),
            new RouteSpec("GET", "/ui/{path+}", null));
    private static final List<String> QUERY_NAMES = List.of("limit", "channel", "after", "from", "to", "token", "runId",
            "triggerId", "campaignId", "journeyId", "status", "cursor", "version");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8", "text/plain",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/json; charset=latin1", "");
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "get", "G E T");

    @BeforeEach
    void setUp() throws Exception {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        services.apiKeys().register(ADMIN_KEY, "fuzz", Scope.ADMIN);
        handler = new IngestApiHandler(services.api(ApiSettings.defaults().withCampaigns(new RecordingScheduler(), runs::add)));
        sample = (ObjectNode) Samples.json("apigw-post-event.json");
        Path examples = Samples.dir().getParent().resolve("examples");
        for (String kind : List.of("templates", "segments", "triggers", "journeys", "campaigns")) {
            try (var files = Files.list(examples.resolve(kind))) {
                for (Path file : files.sorted().toList()) {
                    JsonNode doc = Json.parse(Files.readString(file));
                    seeds.computeIfAbsent(kind.substring(0, kind.length() - 1), k -> new ArrayList<>()).add(doc);
                    String id = file.getFileName().toString().replace(".json", "");
                    APIGatewayV2HTTPResponse saved = invoke(event("PUT", "/v1/" + kind + "/" + id, Map.of(), Json.write(doc), false, "application/json"));
                    assertThat(saved.getStatusCode()).as(kind + "/" + id + ": " + saved.getBody()).isIn(200, 201);
                }
            }
        }
        seeds.put("key", List.of(json("{'scope':'ingest','name':'backend'}")));
        seeds.put("user", List.of(Json.parse(Samples.json("apigw-put-user.json").get("body").textValue()),
                json("{'email':'b@example.com','consent':{'email':{'status':'opted_in','source':'signup'}},'push':{'tokens':[]}}")));
        seeds.put("event", List.of(Json.parse(sample.get("body").textValue()),
                Json.parse(Samples.json("apigw-post-events-batch-one-bad.json").get("body").textValue())));
        seeds.put("track", List.of(json("{'users':[{'userId':'u-1','email':'a@example.com','attributes':{'plan':'pro'}}],"
                        + "'events':[{'id':'t-1','userId':'u-1','name':'signed_up'},{'userId':'u-2','name':'app_opened','user':{'locale':'de'}}]}"),
                json("{'users':[{'userId':'u-3','email':'not-an-email'}],'events':[{'userId':'u-3','name':'signed_up'}]}")));
        seeds.put("suppression", List.of(json("{'reason':'manual'}")));
        seeds.put("topic", List.of(json("{'name':'Product updates','description':'Monthly','default':'subscribed','channels':['email','push']}"),
                json("{'name':'Tips','default':'unsubscribed','channels':['sms']}")));
        seeds.put("webhook", List.of(json("{'url':'https://hooks.example.com/nudge','events':['message.sent','user.unsubscribed']}"),
                json("{'url':'https://hooks.example.com/n','events':['message.bounced'],'enabled':false,'includeAddresses':true}")));
        seeds.put("preview", List.of(json("{'userId':'u1','locale':'de','event':{'name':'signed_up','properties':{'plan':'pro'}}}"),
                json("{'user':{'locale':'en','attributes':{'first_name':'Ada'}},'template':{'channel':'sms','body':'Hi {{ user.attributes.first_name }}'}}")));
        seeds.put("triggerTest", List.of(json("{'userId':'u-1','event':{'properties':{'plan':'pro'}}}"),
                json("{'userId':'u-1','event':{'name':'signed_up','timestamp':'2026-11-24T08:00:00Z'},'trigger':"
                        + "{'event':'signed_up','channel':'email','template':'welcome_email','conditions':[{'path':'user.email','op':'exists'}]}}")));
    }

    @Test
    void no_request_gets_a_5xx_a_leak_or_an_error_without_its_field() throws Exception {
        FuzzRun run = new FuzzRun("api", 1200);
        Mutator m = new Mutator(run.seed);
        for (int i = 0; i < run.cases; i++) {
            Request request = generate(m);
            check(run, i, request);
        }
        int n = run.cases;
        for (Request regression : regressions()) {
            check(run, n++, regression);
        }
        String summary = run.report();
        assertThat(run.total()).isGreaterThanOrEqualTo(Math.min(1000, run.cases));
        assertThat(run.violations()).as(summary).isEmpty();
    }

    @Test
    void a_batch_of_100_with_one_bad_event_stores_the_99_and_names_the_bad_one() throws Exception {
        FuzzRun run = new FuzzRun("api-batch", 1000);
        Mutator m = new Mutator(run.seed);
        for (int i = 0; i < Math.max(10, run.cases / 100); i++) {
            int bad = m.below(100);
            ArrayNode items = Json.MAPPER.createArrayNode();
            List<String> goodIds = new ArrayList<>();
            for (int j = 0; j < 100; j++) {
                String id = "batch-" + run.seed + "-" + i + "-" + j;
                ObjectNode item = Json.object().put("id", id).put("userId", "u-" + j).put("name", "signed_up");
                item.putObject("properties").put("plan", "pro").put("n", j);
                if (j == bad) {
                    breakEvent(m, item);
                } else {
                    goodIds.add(id);
                }
                items.add(item);
            }
            String body = Json.write(Json.object().set("events", items));
            boolean base64 = m.chance(30);
            APIGatewayV2HTTPResponse response = invokeAsClient(event("POST", "/v1/events", Map.of(),
                    base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body, base64, "application/json"));
            run.count("POST /v1/events batch");
            JsonNode json = Json.parse(response.getBody());
            if (response.getStatusCode() != 202 || json.path("accepted").asInt() != 99 || json.path("rejected").size() != 1
                    || json.at("/rejected/0/index").asInt() != bad || !json.at("/rejected/0/error/field").asText().startsWith("/events/" + bad)) {
                run.violation("POST /v1/events batch", i, "bad item " + bad + ": " + items.get(bad), response.getStatusCode() + " " + response.getBody());
            }
            for (String id : goodIds) {
                if (services.events().rawItem(id).isEmpty()) {
                    run.violation("POST /v1/events batch", i, "good event lost", id);
                }
            }
        }
        String summary = run.report();
        assertThat(run.violations()).as(summary).isEmpty();
    }

    /** Makes one event of a batch certainly invalid, in one of the ways a client gets it wrong. */
    private static void breakEvent(Mutator m, ObjectNode item) {
        switch (m.below(9)) {
            case 0 -> item.put("name", m.pick(List.of("", "has space", "x".repeat(129), "../x", "é", "a\u0000")));
            case 1 -> item.put("userId", m.pick(List.of("", "x".repeat(2048), "a\u0000b", "\u0007")));
            case 2 -> item.put("unknownField", 1);
            case 3 -> item.put("timestamp", m.pick(List.of("yesterday", "2026-13-45T00:00:00Z", "1e400", "")));
            case 4 -> item.set("properties", Json.MAPPER.createArrayNode().add(1));
            case 5 -> item.put("id", m.pick(List.of("x".repeat(2048), "", "\u0007bell")));
            case 6 -> item.remove("userId");
            case 7 -> item.put("name", 42);
            default -> item.set("properties", Mutator.nested(40));
        }
    }

    // --- generation

    /** A request as a client could send it, before API Gateway turns it into an event. */
    record Request(String target, String method, String rawPath, Map<String, String> query, byte[] body, boolean base64,
            String contentType, String note) {}

    private Request generate(Mutator m) {
        boolean unknown = m.chance(3);
        RouteSpec route = unknown ? new RouteSpec("GET", "/v1/" + m.pick(Mutator.ODD_STRINGS), null) : m.pick(ROUTES);
        String target = unknown ? "GET /v1/<unknown>" : route.method() + " " + route.path();
        String method = m.chance(8) ? m.pick(METHODS) : route.method();
        String path = route.path()
                .replace("{userId}", segment(m, "u-1"))
                .replace("{eventId}", segment(m, "evt-1"))
                .replace("{messageId}", segment(m, "fbk4rr4mbnco2bke2xh7x2jpcq"))
                .replace("{channel}", m.chance(80) ? m.pick(List.of("email", "sms")) : segment(m, "push"))
                .replace("{address}", segment(m, m.pick(List.of("ada@example.com", "+4915112345678"))))
                .replace("{id}", segment(m, idFor(route)))
                .replace("{path+}", m.pick(List.of("users/" + segment(m, "u-1"), "assets/" + segment(m, "app.js"),
                        segment(m, "messages") + "/" + segment(m, "m-1"), "../../v1/keys")));
        Map<String, String> query = new LinkedHashMap<>();
        if (m.chance(30)) {
            for (int q = m.below(3); q >= 0; q--) {
                query.put(m.pick(QUERY_NAMES), m.chance(50) ? m.pick(Mutator.BAD_NUMBERS) : m.oddString());
            }
        }
        byte[] body = null;
        String note;
        if (route.seedKind() != null || m.chance(10)) {
            JsonNode seed = route.seedKind() == null ? Json.object() : m.pick(seeds.get(route.seedKind()));
            int how = m.below(100);
            String text;
            if ("template".equals(route.seedKind()) && how < 25) {
                text = Json.write(liquidBomb(m));
                note = "liquid";
            } else if (how < 60) {
                text = Json.write(m.mutateTree(seed));
                note = "tree";
            } else if (how < 80) {
                text = m.mutateText(Json.write(seed));
                note = "text";
            } else if (how < 88) {
                body = m.invalidUtf8(Json.write(seed));
                text = null;
                note = "utf8";
            } else if (how < 93) {
                text = "";
                note = "empty";
            } else {
                text = Json.write(seed);
                note = "seed";
            }
            if (text != null) {
                body = text.getBytes(StandardCharsets.UTF_8);
            }
        } else {
            note = "no body";
        }
        boolean base64 = body != null && (m.chance(20) || !isUtf8(body));
        return new Request(target, method, path, query, body, base64, m.chance(80) ? "application/json" : m.pick(CONTENT_TYPES), note);
    }

    private static String idFor(RouteSpec route) {
        return route.path().contains("template") ? "welcome_email" : route.path().contains("trigger") ? "welcome"
                : route.path().contains("segment") ? "active_pro" : route.path().contains("campaign") ? "weekly_digest"
                : route.path().contains("journey") ? "onboarding" : "some-id";
    }

    /** A path segment: usually a real id, sometimes an odd one, raw or percent-encoded as a client may send it. */
    private static String segment(Mutator m, String good) {
        String value = m.chance(70) ? good : m.pick(List.of(m.pick(Mutator.ODD_STRINGS), "x".repeat(2048), "ü".repeat(70), "..", "%2e%2e",
                "%00", "%zz", "a%2Fb", "%C3%28"));
        return m.chance(50) ? URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20") : value;
    }

    /** Templates that loop, explode, recurse or reach for files. */
    static ObjectNode liquidBomb(Mutator m) {
        String source = m.pick(List.of(
                "{% for a in (1..100000) %}{% for b in (1..100000) %}x{% endfor %}{% endfor %}",
                "{% for a in (1..9999) %}{% for b in (1..9999) %}{% for c in (1..9999) %}{% endfor %}{% endfor %}{% endfor %}",
                "{% assign s = 'xxxxxxxxxx' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}",
                "{% assign s = 'x' %}{% for i in (1..40) %}{% assign s = s | replace: 'x', 'xxxxxxxxxx' %}{% endfor %}{{ s | size }}",
                "{% assign a = 'x,y' | split: ',' %}{% for i in (1..40) %}{% assign a = a | concat: a %}{% endfor %}{{ a | size }}",
                "{% capture s %}x{% endcapture %}{% for i in (1..40) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}{{ s | size }}",
                "{% include '/etc/passwd' %}", "{% include '../../../../proc/self/environ' %}", "{% include_relative 'x.liquid' %}",
                "{% include event.properties.file %}", "{{ 'x' | ljust: 100000000 }}",
                "{% if %}", "{% for %}", "{{ user.email | no_such_filter }}", "{% endfor %}", "{% raw %}", "{{ }}", "{{{{", "{% comment %}",
                "{% for i in (1..event.properties.n) %}{{ event.properties.s }}{% endfor %}",
                "{% tablerow i in (1..1000000) %}{{ i }}{% endtablerow %}", "{% cycle 'a' %}" + "{{ 'x' }}".repeat(10_000)));
        String field = m.pick(List.of("subject", "text", "html"));
        ObjectNode doc = Json.object().put("channel", "email").put("subject", "Hi").put("text", "Hello");
        doc.put(field, source);
        return doc;
    }

    // --- regression cases: every defect the fuzzer found, kept so it stays fixed

    /** A request that once broke the API, with the answer it must get now. */
    private record Regression(String method, String path, String query, String body, int status, String field) {}

    private static final String LONG = "x".repeat(2048);

    private static final List<Regression> REGRESSIONS = List.of(
            // a JSON error without a location (a Jackson limit) threw an NPE out of the handler: a 500
            new Regression("POST", "/v1/events", null, Mutator.deepArray(Mutator.DEEP), 400, null),
            new Regression("PUT", "/v1/users/u-1", null, Mutator.deepObject(Mutator.DEEP), 400, null),
            new Regression("PUT", "/v1/templates/t", null, "{\"n\":" + "9".repeat(2000) + "}", 400, null),
            // values DynamoDB cannot store were a 503 that a client retries forever (and failed the whole batch)
            new Regression("POST", "/v1/events", null, "{\"userId\":\"u-1\",\"name\":\"x\",\"properties\":" + Json.write(Mutator.nested(40)) + "}",
                    400, "/properties/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n"),
            new Regression("POST", "/v1/events", null, "{\"userId\":\"u-1\",\"name\":\"x\",\"properties\":{\"n\":1e400}}", 400, "/properties/n"),
            new Regression("POST", "/v1/events", null, "{\"userId\":\"u-1\",\"name\":\"x\",\"properties\":{\"n\":1e200}}", 400, "/properties/n"),
            new Regression("PUT", "/v1/users/u-1", null, "{\"attributes\":{\"n\":" + "1".repeat(42) + "}}", 400, "/attributes/n"),
            new Regression("PUT", "/v1/users/u-1", null, "{\"attributes\":" + Json.write(Mutator.nested(20)) + "}", 400,
                    "/attributes/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n"),
            // ids and addresses DynamoDB cannot use as keys were a 503
            new Regression("DELETE", "/v1/suppressions/sms/" + LONG, null, null, 400, "address"),
            new Regression("GET", "/v1/suppressions/email/" + LONG, null, null, 400, "address"),
            new Regression("GET", "/v1/users/" + LONG, null, null, 400, "userId"),
            new Regression("GET", "/v1/users/" + LONG + "/messages", null, null, 400, "userId"),
            new Regression("GET", "/v1/events/" + LONG, null, null, 400, "eventId"),
            new Regression("DELETE", "/v1/keys/" + LONG, null, null, 400, "id"),
            new Regression("GET", "/v1/suppressions", "after=" + LONG, null, 400, "after"),
            // a segment document of the wrong shape named the field ""
            new Regression("PUT", "/v1/segments/s", null, "{\"foo\":1}", 400, "/"),
            // Liquid: include read local files; loops and doubling strings ran unbounded
            new Regression("PUT", "/v1/templates/t", null, template("{% include '/etc/passwd' %}"), 400, "/text"),
            new Regression("PUT", "/v1/templates/t", null, template("{% include '../../../../proc/self/environ' %}"), 400, "/text"),
            new Regression("PUT", "/v1/templates/t", null,
                    template("{% assign s = 'xxxxxxxxxx' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}"), 400, "/text"),
            new Regression("PUT", "/v1/templates/t", null,
                    template("{% assign a = 'x,y' | split: ',' %}{% for i in (1..40) %}{% assign a = a | concat: a %}{% endfor %}{{ a | size }}"), 400, "/text"),
            new Regression("PUT", "/v1/templates/t", null,
                    template("{% for a in (1..100000) %}{% for b in (1..100000) %}x{% endfor %}{% endfor %}"), 400, "/text"),
            new Regression("PUT", "/v1/templates/t", null, template("{% if %}"), 400, "/text"));

    private static String template(String text) {
        return Json.write(Json.object().put("channel", "email").put("subject", "Hi").put("text", text));
    }

    @Test
    void every_request_that_once_broke_the_api_gets_a_400_naming_its_field() throws Exception {
        for (Regression r : REGRESSIONS) {
            Map<String, String> query = new LinkedHashMap<>();
            if (r.query() != null) {
                String[] kv = r.query().split("=", 2);
                query.put(kv[0], kv[1]);
            }
            APIGatewayV2HTTPResponse response = invoke(event(r.method(), r.path(), query, r.body(), false, "application/json"));
            String what = r.method() + " " + FuzzRun.shorten(r.path()) + " " + FuzzRun.shorten(r.body());
            assertThat(response.getStatusCode()).as(what + " → " + response.getBody()).isEqualTo(r.status());
            JsonNode error = Json.parse(response.getBody()).path("error");
            if (r.field() != null) {
                assertThat(error.path("field").asText()).as(what + " → " + response.getBody()).isEqualTo(r.field());
            }
            assertThat(response.getBody()).as(what).doesNotContainPattern(FuzzRun.LEAK);
        }
    }

    private List<Request> regressions() {
        List<Request> cases = new ArrayList<>();
        for (Regression r : REGRESSIONS) {
            Map<String, String> query = new LinkedHashMap<>();
            if (r.query() != null) {
                String[] kv = r.query().split("=", 2);
                query.put(kv[0], kv[1]);
            }
            cases.add(new Request("regression " + r.method() + " " + r.path().replaceAll("x{10,}", "x…"), r.method(), r.path(), query,
                    r.body() == null ? null : r.body().getBytes(StandardCharsets.UTF_8), false, "application/json", "regression"));
        }
        return cases;
    }

    // --- invocation and checks

    private void check(FuzzRun run, int caseNumber, Request request) {
        run.count(request.target());
        String what = request.method() + " " + FuzzRun.shorten(request.rawPath()) + " [" + request.note() + "]";
        APIGatewayV2HTTPResponse response;
        try {
            String body = request.body() == null ? null : request.base64() ? Base64.getEncoder().encodeToString(request.body())
                    : new String(request.body(), StandardCharsets.UTF_8);
            response = invokeAsClient(event(request.method(), request.rawPath(), request.query(), body, request.base64(), request.contentType()));
        } catch (RuntimeException | Error e) {
            run.violation(request.target(), caseNumber, what, "threw " + e);
            return;
        }
        int status = response.getStatusCode();
        String body = response.getBody() == null ? "" : response.getBody();
        if (status >= 500 || status < 200) {
            run.violation(request.target(), caseNumber, what, status + " " + body);
        }
        if (FuzzRun.LEAK.matcher(body).find()) {
            run.violation(request.target(), caseNumber, what, "leaks internals: " + body);
        }
        String contentType = response.getHeaders() == null ? "" : response.getHeaders().getOrDefault("content-type", "");
        if (status >= 400 && (request.target().contains("/v1/unsubscribe") || request.target().contains("/v1/preferences")) && contentType.startsWith("text/html")) {
            // the unsubscribe link and the preference page are opened by a person in a browser: their errors are pages, not JSON
            return;
        }
        if (status >= 400) {
            try {
                JsonNode error = Json.parse(body).path("error");
                String code = error.path("code").asText("");
                if (code.isEmpty() || !error.path("message").isTextual()) {
                    run.violation(request.target(), caseNumber, what, "error without code and message: " + body);
                } else if (!WHOLE_REQUEST_CODES.contains(code) && !(error.path("field").isTextual() && !error.path("field").asText().isEmpty())) {
                    run.violation(request.target(), caseNumber, what, "error without its field: " + body);
                }
            } catch (Exception notJson) {
                run.violation(request.target(), caseNumber, what, "error is not JSON: " + body);
            }
        } else if (contentType.startsWith("application/json") && status != 204) {
            try {
                Json.parse(body);
            } catch (Exception notJson) {
                run.violation(request.target(), caseNumber, what, "2xx body is not JSON: " + body);
            }
        }
    }

    /**
     * As a client honours the API's contract: a 503 means retry. DynamoDB Local answers an occasional
     * InternalServerError when the machine is overloaded; a bad input that is a 503 is one on every try.
     */
    private APIGatewayV2HTTPResponse invokeAsClient(String eventJson) {
        APIGatewayV2HTTPResponse response = invoke(eventJson);
        for (int retry = 0; retry < 3 && response.getStatusCode() == 503; retry++) {
            response = invoke(eventJson);
        }
        return response;
    }

    private APIGatewayV2HTTPResponse invoke(String eventJson) {
        return handler.handleRequest(SERIALIZER.fromJson(eventJson), null);
    }

    /** The API Gateway HTTP API (payload 2.0) event for a request, built on the real sample in events/. */
    private String event(String method, String rawPath, Map<String, String> query, String body, boolean base64, String contentType) {
        ObjectNode event = sample.deepCopy();
        event.put("rawPath", rawPath);
        StringBuilder rawQuery = new StringBuilder();
        ObjectNode params = Json.object();
        query.forEach((k, v) -> {
            rawQuery.append(rawQuery.isEmpty() ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            params.put(k, v);
        });
        event.put("rawQueryString", rawQuery.toString());
        if (!query.isEmpty()) {
            event.set("queryStringParameters", params);
        }
        ObjectNode headers = (ObjectNode) event.get("headers");
        headers.put("authorization", "Bearer " + ADMIN_KEY);
        if (contentType.isEmpty()) {
            headers.remove("content-type");
        } else {
            headers.put("content-type", contentType);
        }
        headers.put("content-length", body == null ? "0" : String.valueOf(body.length()));
        ObjectNode http = (ObjectNode) event.at("/requestContext/http");
        http.put("method", method);
        http.put("path", rawPath);
        event.put("isBase64Encoded", base64);
        if (body == null) {
            event.remove("body");
        } else {
            event.put("body", body);
        }
        return Json.write(event);
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static JsonNode json(String singleQuoted) {
        try {
            return Json.parse(singleQuoted.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
