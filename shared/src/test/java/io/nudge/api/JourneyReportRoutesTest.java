package io.nudge.api;

import static io.nudge.api.ApiAnswers.assertError;
import static io.nudge.api.ApiAnswers.ok;
import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.Channels;
import io.nudge.deliver.DeliverService;
import io.nudge.guards.GuardSettings;
import io.nudge.journey.JourneyCatalog;
import io.nudge.journey.JourneyEngine;
import io.nudge.journey.JourneyInstance;
import io.nudge.journey.JourneyStream;
import io.nudge.keys.Scope;
import io.nudge.model.Event;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.scheduling.SlotService;
import io.nudge.testing.JourneyFixtures;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.testing.RecordingSenders;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * {@code GET /v1/stats/journeys/{id}} and {@code GET /v1/users/{userId}/journeys} over the engine as it runs: users
 * go down different edges (received, timed out, each branch, the split's arms, an exit event, a conversion) with an
 * injected clock, the stream played by hand and slots fired as their schedules would, then the routes are read.
 */
class JourneyReportRoutesTest {
    /**
     * welcome (send) → wait_day (delay P1D) → created (wait_for project_created, P2D) → congrats (send) → end (exit) |
     * on timeout → engaged (branch: gold → tips, else sms) → tips (split A → tips_a, B → tips_b) → cooldown (P1D) → mark →
     * end; sms → mark. A purchase counts as a conversion without ending the instance; account_closed ends it.
     */
    static final String JOURNEY = """
            {"name": "Onboarding", "enabled": true, "entry": {"event": "signed_up"}, "reentry": "always",
             "exitOn": [{"event": "account_closed"}], "conversion": {"event": "purchase_completed", "within": "P14D", "exit": false},
             "start": "welcome",
             "steps": {
               "welcome":  {"type": "send", "channel": "email", "template": "welcome_email", "priority": "transactional", "next": "wait_day"},
               "wait_day": {"type": "delay", "duration": "P1D", "next": "created"},
               "created":  {"type": "wait_for", "event": "project_created", "timeout": "P2D", "next": "congrats", "timeoutNext": "engaged"},
               "engaged":  {"type": "branch", "branches": [{"conditions": [{"path": "user.attributes.tier", "op": "eq", "value": "gold"}], "next": "tips"}], "default": "sms"},
               "tips":     {"type": "split", "arms": [{"id": "A", "weight": 50, "next": "tips_a"}, {"id": "B", "weight": 50, "next": "tips_b"}]},
               "tips_a":   {"type": "send", "channel": "email", "template": "tips_a", "next": "cooldown"},
               "tips_b":   {"type": "send", "channel": "email", "template": "tips_b", "next": "cooldown"},
               "cooldown": {"type": "delay", "duration": "P1D", "next": "mark"},
               "sms":      {"type": "send", "channel": "sms", "template": "nudge_sms", "next": "mark"},
               "mark":     {"type": "update_user", "attributes": {"onboarding": "nudged"}, "next": "end"},
               "congrats": {"type": "send", "channel": "email", "template": "congrats", "next": "end"},
               "end":      {"type": "exit"}
             }}
            """;
    private static final List<String> USERS = List.of("ann", "ben", "cat", "dan", "eve", "fay");

    private final MutableClock clock = MutableClock.at("2026-12-07T09:00:00.000Z");
    private final RecordingScheduler scheduler = new RecordingScheduler();
    private Services services;
    private NudgeApi api;
    private String admin;
    private String ingest;
    private JourneyEngine engine;
    private JourneyStream stream;
    private SlotService slots;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        api = services.api(ApiSettings.defaults());
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();
        ingest = services.apiKeys().create("backend", Scope.INGEST).secret();
        JourneyFixtures.templateDocuments().forEach((id, doc) -> put("/v1/templates/" + id, doc));
        put("/v1/journeys/onboarding", JOURNEY);
        JourneyCatalog catalog = new JourneyCatalog(services.definitions());
        catalog.refresh();
        engine = services.journeyEngine(catalog);
        stream = services.journeyStream(catalog, scheduler);
        slots = services.slots(scheduler);
        UserService users = new UserService(services.users(), clock);
        for (String user : USERS) {
            String tier = user.equals("cat") || user.equals("dan") ? "gold" : "plain";
            users.upsert(user, json("{'email':'" + user + "@example.com','phone':'+4915112345678','attributes':{'tier':'" + tier + "'}}"));
        }
    }

    private void put(String path, String body) {
        ApiResponse answer = api.handle(new ApiRequest("PUT", path, Map.of("authorization", "Bearer " + admin), Map.of(),
                Optional.of(body.getBytes(StandardCharsets.UTF_8))));
        assertThat(answer.status()).as(answer.body()).isIn(200, 201);
    }

    private ApiResponse call(String method, String path, Map<String, String> query, String key) {
        return api.handle(new ApiRequest(method, path, Map.of("authorization", "Bearer " + key), query, Optional.empty()));
    }

    @Test
    void the_stats_count_each_edge_end_and_conversion_and_the_messages_of_each_send_step() {
        for (String user : USERS) {
            post(user, "s-" + user, "signed_up");
        }
        post("fay", "x-fay", "account_closed"); // exits at wait_day
        timePasses(Duration.ofDays(1)); // the others wait at created
        post("ann", "p-ann", "project_created"); // received → congrats → end
        post("ben", "b-ben", "purchase_completed"); // a conversion, no arm yet; ben goes on
        timePasses(Duration.ofDays(2)); // ben, eve → sms → mark → end; cat, dan → tips → an arm → cooldown
        post("cat", "b-cat", "purchase_completed"); // a conversion credited to cat's arm
        post("cat", "b-cat2", "purchase_completed"); // counted once per instance
        timePasses(Duration.ofDays(1));
        DeliverService deliver = services.deliver(Channels.withoutPush(new RecordingSenders(), new RecordingSenders(),
                "Nudge <hello@example.com>"), GuardSettings.defaults());
        deliver.refreshDefinitions();
        for (Message m : messagesOf("ann")) {
            if (m.templateId().equals("welcome_email")) {
                deliver.deliver(m);
                assertThat(services.messages().find(m.id()).orElseThrow().status()).isEqualTo(MessageStatus.SENT);
            }
        }

        JsonNode stats = ok(call("GET", "/v1/stats/journeys/onboarding", Map.of("from", "2026-12-07", "to", "2026-12-31"), admin));

        assertThat(stats.get("journeyId").asText()).isEqualTo("onboarding");
        assertThat(stats.get("from").asText()).isEqualTo("2026-12-07");
        assertThat(stats.get("totals")).isEqualTo(json("{'entered':6,'completed':5,'exited':{'exit':1},'converted':2}"));
        JsonNode steps = stats.get("steps");
        assertThat(steps.get("welcome")).isEqualTo(json("{'entered':6,'left':{'next':6},'edges':{'wait_day':6},'exited':{}}"));
        assertThat(steps.get("wait_day")).isEqualTo(json("{'entered':6,'left':{'next':5},'edges':{'created':5},"
                + "'exited':{'exit':1}}"));
        assertThat(steps.get("created")).isEqualTo(json("{'entered':5,'left':{'received':1,'timeout':4},"
                + "'edges':{'congrats':1,'engaged':4},'exited':{}}"));
        assertThat(steps.get("engaged")).isEqualTo(json("{'entered':4,'left':{'branch':4},'edges':{'tips':2,'sms':2},'exited':{}}"));
        assertThat(steps.at("/tips/entered").asLong()).isEqualTo(2);
        assertThat(steps.at("/tips_a/entered").asLong() + steps.at("/tips_b/entered").asLong()).isEqualTo(2);
        assertThat(steps.get("cooldown")).isEqualTo(json("{'entered':2,'left':{'next':2},'edges':{'mark':2},'exited':{}}"));
        assertThat(steps.get("mark")).isEqualTo(json("{'entered':4,'left':{'next':4},'edges':{'end':4},'exited':{}}"));
        assertThat(steps.get("end")).as("the exit step: entered by 5, each leaves to the end")
                .isEqualTo(json("{'entered':5,'left':{'exit':5},'edges':{'end':5},'exited':{}}"));

        Map<String, String> armOf = new HashMap<>();
        for (String user : List.of("cat", "dan")) {
            JsonNode instance = ok(call("GET", "/v1/users/" + user + "/journeys", Map.of(), admin)).at("/instances/0");
            armOf.put(user, instance.at("/arms/tips").asText());
        }
        JsonNode arms = stats.at("/arms/tips");
        for (String arm : List.of("A", "B")) {
            long took = armOf.values().stream().filter(arm::equals).count();
            long converted = armOf.get("cat").equals(arm) ? 1 : 0;
            assertThat(arms.get(arm)).as("arm " + arm).isEqualTo(json("{'entered':" + took + ",'converted':" + converted
                    + ",'conversionRate':" + (took == 0 ? "0.0" : String.valueOf(Math.round(converted * 10_000.0 / took) / 10_000.0)) + "}"));
            assertThat(steps.at("/tips_" + arm.toLowerCase(java.util.Locale.ROOT) + "/entered").asLong()).isEqualTo(took);
        }

        JsonNode welcome = stats.at("/messages/welcome");
        assertThat(welcome.get("sent").asLong()).isEqualTo(1);
        assertThat(welcome.at("/rates/delivery").asDouble()).isEqualTo(0.0);
        assertThat(welcome.get("suppressed").isObject()).isTrue();
        assertThat(stats.get("messages").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("welcome", "tips_a", "tips_b", "sms", "congrats");

        JsonNode later = ok(call("GET", "/v1/stats/journeys/onboarding", Map.of("from", "2026-12-12"), admin));
        assertThat(later.get("totals")).as("days with nothing").isEqualTo(json("{'entered':0,'completed':0,'exited':{},'converted':0}"));
        assertThat(later.at("/steps/welcome/entered").asLong()).isZero();
    }

    @Test
    void a_users_instances_show_the_path_each_took_newest_first_without_the_engines_bookkeeping() {
        post("ann", "s1", "signed_up");
        clock.advance(Duration.ofMinutes(5));
        post("ann", "s2", "signed_up");
        post("ann", "x1", "account_closed"); // ends both

        JsonNode answer = ok(call("GET", "/v1/users/ann/journeys", Map.of(), admin));

        assertThat(answer.get("instances")).hasSize(2);
        JsonNode newest = answer.at("/instances/0");
        assertThat(newest.get("enteredAt").asText()).isEqualTo("2026-12-07T09:05:00.000Z");
        assertThat(newest.fieldNames()).toIterable().containsExactly("id", "journeyId", "version", "status", "step", "steps",
                "messages", "arms", "enteredAt", "endedAt", "reason");
        assertThat(newest.get("journeyId").asText()).isEqualTo("onboarding");
        assertThat(newest.get("version").asInt()).isEqualTo(1);
        assertThat(newest.get("status").asText()).isEqualTo("exited");
        assertThat(newest.get("step").asText()).isEqualTo("wait_day");
        assertThat(newest.get("reason").asText()).isEqualTo("exit: account_closed (event x1)");
        String welcome = newest.at("/messages/welcome").asText();
        assertThat(newest.get("steps")).isEqualTo(json("[{'step':'welcome','enteredAt':'2026-12-07T09:05:00.000Z','leftAt':'2026-12-07T09:05:00.000Z',"
                + "'left':'next','message':{'id':'" + welcome + "','status':'CANCELLED','reason':'cancelled_by: journey exit: account_closed (event x1)'}},"
                + "{'step':'wait_day','enteredAt':'2026-12-07T09:05:00.000Z','leftAt':'2026-12-07T09:05:00.000Z','left':'exit',"
                + "'detail':'exit: account_closed (event x1)'}]"));
        assertThat(newest.at("/messages/welcome").asText()).hasSize(26);
        assertThat(answer.at("/instances/1/enteredAt").asText()).isEqualTo("2026-12-07T09:00:00.000Z");

        post("ben", "s3", "signed_up");
        JsonNode waiting = ok(call("GET", "/v1/users/ben/journeys", Map.of("limit", "1"), admin)).at("/instances/0");
        assertThat(waiting.get("status").asText()).isEqualTo("active");
        assertThat(waiting.get("dueAt").asText()).isEqualTo("2026-12-08T09:05:00.000Z");
        assertThat(waiting.has("waitingFor")).as("a delay waits for no event").isFalse();
        assertThat(waiting.has("endedAt")).isFalse();

        assertThat(ok(call("GET", "/v1/users/nobody/journeys", Map.of(), admin))).isEqualTo(json("{'instances':[]}"));
        assertThat(ok(call("GET", "/v1/users/ann/journeys", Map.of("limit", "1"), admin)).get("instances")).hasSize(1);
    }

    @Test
    void bad_input_is_a_400_naming_the_field_and_an_unknown_journey_a_404() {
        assertError(call("GET", "/v1/users/ann/journeys", Map.of("limit", "0"), admin), 400, "limit");
        assertError(call("GET", "/v1/users/ann/journeys", Map.of("limit", "501"), admin), 400, "limit");
        assertError(call("GET", "/v1/stats/journeys/onboarding", Map.of("from", "yesterday"), admin), 400, "from");
        assertError(call("GET", "/v1/stats/journeys/onboarding", Map.of("from", "2026-12-08", "to", "2026-12-07"), admin),
                400, "from");
        assertError(call("GET", "/v1/stats/journeys/no%20such", Map.of(), admin), 400, "id");
        assertError(call("GET", "/v1/stats/journeys/other", Map.of(), admin), 404, "");
        assertThat(call("GET", "/v1/stats/journeys/onboarding", Map.of(), ingest).status()).isEqualTo(403);
        assertThat(call("GET", "/v1/users/ann/journeys", Map.of(), ingest).status()).isEqualTo(403);
        ApiResponse deleted = call("DELETE", "/v1/journeys/onboarding", Map.of(), admin);
        assertThat(deleted.status()).isEqualTo(204);
        assertError(call("GET", "/v1/stats/journeys/onboarding", Map.of(), admin), 404, "");
    }

    /** An event of {@code user}'s, as evaluate hands it to the engine, then the stream until nothing is left to run. */
    private void post(String user, String id, String name) {
        Instant now = clock.instant();
        Event event = new Event(id, user, name, (ObjectNode) json("{}"), now, now);
        engine.onEvent(event, services.users().find(user).orElseThrow());
        drain();
    }

    /** The clock moves on and the slots due meanwhile fire, as their schedules would. */
    private void timePasses(Duration duration) {
        clock.advance(duration.plusSeconds(61));
        for (String name : new ArrayList<>(scheduler.schedules.keySet())) {
            long slot = Long.parseLong(name.substring("nudge-slot-".length()));
            if (slot <= clock.instant().getEpochSecond()) {
                slots.fire(Instant.ofEpochSecond(slot));
                scheduler.schedules.remove(name);
            }
        }
        drain();
    }

    /** Every instance image through the stream handler until none runs. */
    private void drain() {
        for (int round = 0; round < 20; round++) {
            boolean moved = false;
            for (String user : USERS) {
                for (JourneyInstance instance : services.journeyInstances().forUser(user, 50)) {
                    moved |= stream.handle(image(instance.id())) instanceof JourneyStream.Handled.Advanced a && a.moves() > 0;
                }
            }
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("the instances kept moving");
    }

    /** The stored item, as the JourneyInstances stream's new image carries it. */
    private Map<String, AttributeValue> image(String instanceId) {
        return TestDynamo.client().getItem(GetItemRequest.builder().tableName(services.tables().journeys())
                .key(Map.of("id", AttributeValue.fromS(instanceId))).consistentRead(true).build()).item();
    }

    private List<Message> messagesOf(String user) {
        return services.messages().forUser(user, 50);
    }
}
