package io.nudge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code POST /v1/track}: users, then events, in one request, against DynamoDB Local. */
class TrackRoutesTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private NudgeApi api;
    private Services services;
    private String admin;
    private String ingest;

    @BeforeEach
    void setUp() {
        services = Services.builder(counting(TestDynamo.client()), TestDynamo.freshTables()).clock(clock).build();
        api = services.api(ApiSettings.defaults());
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();
        ingest = services.apiKeys().create("backend", Scope.INGEST).secret();
    }

    @Test
    void users_are_upserted_and_events_stored_including_a_user_carried_by_an_event() {
        ApiResponse response = call("POST", "/v1/track", ingest, "{'users':["
                + "{'userId':'u-1','email':'Ada@Example.COM','attributes':{'plan':'pro'},'consent':{'email':'opted_in'}},"
                + "{'userId':'u-2','phone':'+44 20 7946 0958'}],"
                + "'events':[{'id':'e-1','userId':'u-1','name':'signed_up','properties':{'plan':'pro'}},"
                + "{'id':'e-2','userId':'u-3','name':'signed_up','user':{'email':'kim@example.com','timezone':'Europe/Berlin'}},"
                + "{'id':'e-3','userId':'u-3','name':'app_opened','user':{'userId':'u-3','attributes':{'first_name':'Kim'}}}]}");
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        assertThat(json(response)).isEqualTo(json("{'users':{'accepted':2,'rejected':[]},"
                + "'events':{'accepted':3,'duplicates':0,'rejected':[]}}"));

        JsonNode ada = json(call("GET", "/v1/users/u-1", admin, null));
        assertThat(ada.get("email").asText()).isEqualTo("Ada@example.com");
        assertThat(ada.at("/consent/email/status").asText()).isEqualTo("opted_in");
        assertThat(json(call("GET", "/v1/users/u-2", admin, null)).get("phone").asText()).isEqualTo("+442079460958");
        JsonNode kim = json(call("GET", "/v1/users/u-3", admin, null));
        assertThat(kim.get("email").asText()).isEqualTo("kim@example.com");
        assertThat(kim.get("timezone").asText()).isEqualTo("Europe/Berlin");
        assertThat(kim.at("/attributes/first_name").asText()).as("both carried changes apply, in order").isEqualTo("Kim");
        JsonNode event = json(call("GET", "/v1/events/e-1", admin, null));
        assertThat(event.get("name").asText()).isEqualTo("signed_up");
        assertThat(event.at("/properties/plan").asText()).isEqualTo("pro");
        assertThat(json(call("GET", "/v1/events/e-3", admin, null)).get("userId").asText()).isEqualTo("u-3");
    }

    @Test
    void the_same_request_twice_leaves_the_same_profiles_and_counts_the_events_as_duplicates() {
        String request = "{'users':[{'userId':'u-1','email':'ada@example.com','attributes':{'plan':'pro'},'consent':{'email':'opted_in'}}],"
                + "'events':[{'id':'e-1','userId':'u-1','name':'signed_up'},"
                + "{'id':'e-2','userId':'u-2','name':'signed_up','user':{'phone':'+4915112345678','attributes':{'n':1}}}]}";
        assertThat(json(call("POST", "/v1/track", ingest, request)).at("/events/accepted").asInt()).isEqualTo(2);
        JsonNode first1 = profile("u-1");
        JsonNode first2 = profile("u-2");
        clock.advance(java.time.Duration.ofSeconds(60));

        JsonNode replay = json(call("POST", "/v1/track", ingest, request));
        assertThat(replay).isEqualTo(json("{'users':{'accepted':1,'rejected':[]},"
                + "'events':{'accepted':0,'duplicates':2,'rejected':[]}}"));
        assertThat(profile("u-1")).isEqualTo(first1);
        assertThat(profile("u-2")).isEqualTo(first2);
    }

    @Test
    void a_rejected_user_rejects_its_events_naming_it_and_others_go_through() {
        JsonNode response = json(call("POST", "/v1/track", ingest, "{'users':["
                + "{'userId':'u-6','email':'six@example.com'},"
                + "{'userId':'u-7','email':'not-an-email'},"
                + "{'email':'nobody@example.com'}],"
                + "'events':[{'id':'e-0','userId':'u-6','name':'signed_up'},"
                + "{'id':'e-1','userId':'u-7','name':'signed_up'},"
                + "{'id':'e-2','userId':'u-8','name':'signed_up','user':{'timezone':'Mars/Olympus'}},"
                + "{'id':'e-3','userId':'u-8','name':'app_opened'},"
                + "{'id':'e-4','userId':'u-9','name':'signed_up','user':{'userId':'u-10'}},"
                + "{'id':'e-5','userId':'u-6','name':'bad name!'}]}"));
        assertThat(response.at("/users/accepted").asInt()).isEqualTo(1);
        assertThat(response.at("/users/rejected").toString()).isEqualTo(json("["
                + "{'index':1,'error':{'code':'invalid_email','message':'/users/1/email is not a valid email address','field':'/users/1/email'}},"
                + "{'index':2,'error':{'code':'missing_field','message':'/users/2/userId is required','field':'/users/2/userId'}}]").toString());
        assertThat(response.at("/events/accepted").asInt()).isEqualTo(1);
        JsonNode rejected = response.at("/events/rejected");
        assertThat(rejected).hasSize(5);
        assertThat(rejected.get(0).toString()).isEqualTo(json("{'index':1,'error':{'code':'user_rejected',"
                + "'message':'user u-7 was rejected: see /users/1','field':'/events/1/userId'}}").toString());
        assertThat(rejected.get(1).at("/error/field").asText()).isEqualTo("/events/2/user/timezone");
        assertThat(rejected.get(1).at("/error/message").asText()).startsWith("/events/2/user/timezone must be");
        assertThat(rejected.get(2).toString()).isEqualTo(json("{'index':3,'error':{'code':'user_rejected',"
                + "'message':'user u-8 was rejected: see /events/2/user','field':'/events/3/userId'}}").toString());
        assertThat(rejected.get(3).at("/error/field").asText()).isEqualTo("/events/4/user/userId");
        assertThat(rejected.get(4).at("/error/field").asText()).isEqualTo("/events/5/name");
        assertThat(call("GET", "/v1/users/u-7", admin, null).status()).isEqualTo(404);
        assertThat(call("GET", "/v1/users/u-8", admin, null).status()).isEqualTo(404);
        assertThat(call("GET", "/v1/events/e-1", admin, null).status()).isEqualTo(404);
        assertThat(call("GET", "/v1/events/e-3", admin, null).status()).isEqualTo(404);
        assertThat(call("GET", "/v1/events/e-0", admin, null).status()).isEqualTo(200);
    }

    @Test
    void more_than_100_users_or_events_or_neither_is_refused_naming_the_field() {
        String users = "{'userId':'u'},".repeat(101);
        String events = "{'userId':'u','name':'x'},".repeat(101);
        assertError(call("POST", "/v1/track", ingest, "{'users':[" + users.substring(0, users.length() - 1) + "]}"),
                400, "invalid_field", "/users");
        assertError(call("POST", "/v1/track", ingest, "{'events':[" + events.substring(0, events.length() - 1) + "]}"),
                400, "invalid_field", "/events");
        assertError(call("POST", "/v1/track", ingest, "{'users':[],'events':[]}"), 400, "invalid_field", "/");
        assertError(call("POST", "/v1/track", ingest, "{}"), 400, "invalid_field", "/");
        assertError(call("POST", "/v1/track", ingest, "{'users':{}}"), 400, "invalid_field", "/users");
        assertError(call("POST", "/v1/track", ingest, "{'user':[]}"), 400, "unknown_field", "/user");
        assertError(call("POST", "/v1/track", ingest, "[]"), 400, "invalid_field", "/");
    }

    @Test
    void it_needs_a_key_as_post_events_does_and_is_an_ingest_route() {
        String body = "{'events':[{'userId':'u','name':'x'}]}";
        ApiResponse none = call("POST", "/v1/track", null, body);
        assertThat(none.status()).isEqualTo(call("POST", "/v1/events", null, body).status()).isEqualTo(401);
        assertThat(call("POST", "/v1/track", "nudge_not_a_key", body).status()).isEqualTo(401);
        assertThat(api.installed().stream().filter(i -> i.route().key().equals("POST /v1/track")).findFirst().orElseThrow()
                .route().scope()).isEqualTo(Scope.INGEST);
        assertThat(call("POST", "/v1/track", ingest, body).status()).isEqualTo(202);
        assertThat(call("POST", "/v1/track", admin, body).status()).as("admin allows every scope").isEqualTo(202);
    }

    @Test
    void a_full_request_costs_one_batch_read_and_one_write_per_user_and_per_event() {
        StringBuilder users = new StringBuilder();
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            users.append(i == 0 ? "" : ",").append("{'userId':'u-").append(i).append("','email':'u").append(i).append("@example.com'}");
            events.append(i == 0 ? "" : ",").append("{'id':'e-").append(i).append("','userId':'u-").append(i).append("','name':'signed_up'}");
        }
        String body = "{'users':[" + users + "],'events':[" + events + "]}";
        call("POST", "/v1/track", ingest, "{'events':[{'userId':'warm','name':'x'}]}");
        calls.clear();
        JsonNode response = json(call("POST", "/v1/track", ingest, body));
        assertThat(response.at("/users/accepted").asInt()).isEqualTo(100);
        assertThat(response.at("/events/accepted").asInt()).isEqualTo(100);
        Map<String, Integer> counted = new java.util.TreeMap<>();
        calls.forEach((k, v) -> counted.put(k, v.get()));
        // the API key's lookup and rate limit are the same for every route; the rest is the request's own work
        assertThat(counted.get("batchGetItem")).isEqualTo(1);
        assertThat(counted.get("putItem")).isEqualTo(200);
        assertThat(counted).doesNotContainKey("batchWriteItem");
    }

    private JsonNode profile(String userId) {
        JsonNode user = json(call("GET", "/v1/users/" + userId, admin, null)).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) user).remove("updatedAt");
        return user;
    }

    /** The client with every call counted by operation name. */
    private DynamoDbClient counting(DynamoDbClient real) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private ApiResponse call(String method, String path, String key, String body) {
        Map<String, String> headers = key == null ? Map.of() : Map.of("authorization", "Bearer " + key);
        return api.handle(new ApiRequest(method, path, headers, Map.of(),
                Optional.ofNullable(body).map(b -> b.replace('\'', '"').getBytes(StandardCharsets.UTF_8))));
    }

    private static JsonNode json(ApiResponse response) {
        return json(response.body(), response.body());
    }

    private static JsonNode json(String text) {
        return json(text.replace('\'', '"'), text);
    }

    private static JsonNode json(String text, String shown) {
        try {
            return Json.parse(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + shown, e);
        }
    }

    private static void assertError(ApiResponse response, int status, String code, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(json(response).at("/error/code").asText()).as(response.body()).isEqualTo(code);
        assertThat(json(response).at("/error/field").asText()).as(response.body()).isEqualTo(field);
    }
}
