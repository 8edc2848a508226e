package io.nudge.api;

import static io.nudge.api.ApiAnswers.assertField;
import static io.nudge.api.ApiAnswers.json;
import static io.nudge.api.ApiAnswers.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.config.Tables;
import io.nudge.guards.Suppression;
import io.nudge.guards.SuppressionReason;
import io.nudge.keys.Scope;
import io.nudge.model.Channel;
import io.nudge.testing.MutableClock;
import io.nudge.testing.Samples;
import io.nudge.testing.TableSnapshot;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /v1/triggers/{id}/test over DynamoDB Local: conditions, the message it would write, the guards — and no write. */
class TriggerTestRoutesTest {
    static final String CART = "{'event':'cart_updated','channel':'email','template':'welcome_email','priority':'marketing',"
            + "'conditions':[{'path':'event.properties.total','op':'gte','value':50},"
            + "{'path':'user.attributes.plan','op':'eq','value':'pro'}]}";

    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private Tables tables;
    private NudgeApi api;
    private Services services;
    private String admin;

    @BeforeEach
    void setUp() throws Exception {
        tables = TestDynamo.freshTables();
        services = Services.builder(TestDynamo.client(), tables).clock(clock).build();
        api = services.api(io.nudge.wiring.ApiSettings.defaults());
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();
        String template = Files.readString(Samples.dir().getParent().resolve("examples/templates/welcome_email.json"));
        assertThat(call("PUT", "/v1/templates/welcome_email", template).status()).isEqualTo(201);
        assertThat(call("PUT", "/v1/triggers/cart", CART).status()).isEqualTo(201);
        user("ada", "ada@example.com", "pro");
        user("bob", "bob@example.com", "free");
        user("eve", "eve@example.com", "pro");
        services.suppressions().put(new Suppression(Channel.EMAIL, "eve@example.com", SuppressionReason.BOUNCED, "test", clock.instant()));
    }

    @Test
    void a_user_who_would_not_match_sees_the_failing_condition_with_its_actual_value() {
        JsonNode result = ok(test("cart", "{'userId':'bob','event':{'properties':{'total':80}}}"));
        assertThat(result.get("matched").asBoolean()).isFalse();
        assertThat(result.get("reason").asText()).isEqualTo("conditions");
        JsonNode conditions = result.get("conditions");
        assertThat(conditions).hasSize(2);
        assertThat(conditions.get(0).get("holds").asBoolean()).isTrue();
        assertThat(conditions.get(0).get("actual").asInt()).isEqualTo(80);
        assertThat(conditions.get(1).get("path").asText()).isEqualTo("user.attributes.plan");
        assertThat(conditions.get(1).get("op").asText()).isEqualTo("eq");
        assertThat(conditions.get(1).get("expected").asText()).isEqualTo("pro");
        assertThat(conditions.get(1).get("actual").asText()).isEqualTo("free");
        assertThat(conditions.get(1).get("holds").asBoolean()).isFalse();
        assertThat(result.has("message")).isFalse();
        assertThat(result.get("guards")).hasSize(7);
    }

    @Test
    void a_missing_value_is_shown_without_actual() {
        JsonNode result = ok(test("cart", "{'userId':'ada','event':{}}"));
        assertThat(result.get("matched").asBoolean()).isFalse();
        assertThat(result.at("/conditions/0/holds").asBoolean()).isFalse();
        assertThat(result.at("/conditions/0").has("actual")).isFalse();
    }

    @Test
    void a_matching_user_sees_the_message_rendered_and_every_guard_passing() {
        JsonNode result = ok(test("cart", "{'userId':'ada','event':{'properties':{'total':50,'plan':'gold'}}}"));
        assertThat(result.get("matched").asBoolean()).isTrue();
        assertThat(result.has("reason")).isFalse();
        result.get("conditions").forEach(c -> assertThat(c.get("holds").asBoolean()).isTrue());
        JsonNode message = result.get("message");
        assertThat(message.get("channel").asText()).isEqualTo("email");
        assertThat(message.get("templateId").asText()).isEqualTo("welcome_email");
        assertThat(message.get("status").asText()).isEqualTo("READY");
        assertThat(message.has("dueAt")).isFalse();
        assertThat(message.at("/rendered/subject").asText()).startsWith("Welcome to Acme");
        assertThat(message.at("/rendered/text").asText()).contains("gold plan");
        List<String> guards = new ArrayList<>();
        result.get("guards").forEach(g -> {
            guards.add(g.get("guard").asText());
            assertThat(g.get("verdict").asText()).as(g.toString()).isEqualTo("pass");
        });
        assertThat(guards).containsExactly("address", "consent", "topic", "suppression", "quiet_hours", "frequency_cap", "rate_limit");
    }

    @Test
    void a_user_whose_address_is_suppressed_sees_the_suppression_stop() {
        JsonNode result = ok(test("cart", "{'userId':'eve','event':{'properties':{'total':99}}}"));
        assertThat(result.get("matched").asBoolean()).isTrue();
        JsonNode suppression = result.at("/guards/3");
        assertThat(suppression.get("guard").asText()).isEqualTo("suppression");
        assertThat(suppression.get("verdict").asText()).isEqualTo("stop");
        assertThat(suppression.get("reason").asText()).isEqualTo("suppressed");
        assertThat(suppression.get("detail").asText()).as("why, without the address")
                .isEqualTo("the email address is on the suppression list (bounced, test, since " + clock.instant() + ")");
    }

    @Test
    void quiet_hours_defer_and_a_delay_schedules() {
        clock.set(java.time.Instant.parse("2026-11-24T22:00:00Z"));
        String draft = CART.substring(0, CART.length() - 1) + ",'delay':'PT2H'}";
        JsonNode result = ok(test("draft", "{'userId':'ada','event':{'properties':{'total':99}},'trigger':" + draft + "}"));
        assertThat(result.at("/message/status").asText()).isEqualTo("SCHEDULED");
        assertThat(result.at("/message/dueAt").asText()).isEqualTo("2026-11-25T00:00:00.000Z");
        assertThat(result.at("/guards/4/verdict").asText()).isEqualTo("defer");
        assertThat(result.at("/guards/4/until").asText()).isEqualTo("2026-11-25T08:00:00.000Z");
    }

    @Test
    void an_unsaved_draft_is_tested_and_a_bad_one_answers_400_under_trigger() {
        String draft = CART.replace("'gte','value':50", "'lt','value':10").replace("'marketing'", "'transactional'");
        JsonNode result = ok(test("not_saved", "{'userId':'eve','event':{'properties':{'total':5}},'trigger':" + draft + "}"));
        assertThat(result.get("matched").asBoolean()).isTrue();
        assertThat(result.at("/guards/1/reason").asText()).isEqualTo("transactional");
        assertThat(result.at("/guards/2/reason").asText()).as("the topic guard").isEqualTo("transactional");
        assertThat(result.at("/guards/3/verdict").asText()).isEqualTo("stop");
        assertThat(call("GET", "/v1/triggers/not_saved", null).status()).isEqualTo(404);

        assertField(test("not_saved", "{'userId':'ada','trigger':" + CART.replace("'gte'", "'bigger'") + "}"), "/trigger/conditions/0/op");
        assertField(test("not_saved", "{'userId':'ada','trigger':" + CART.replace("welcome_email", "nope") + "}"), "/trigger/template");
        assertField(test("not_saved", "{'userId':'ada','trigger':[]}"), "/trigger");
        assertField(test("cart", "{'userId':'ada','event':{'name':'bad name'}}"), "/event/name");
        assertField(test("cart", "{'userId':'ada','event':{'id':'x'}}"), "/event/id");
        assertField(test("cart", "{'event':{}}"), "/userId");
        assertField(test("cart", "{'userId':'ada','extra':1}"), "/extra");
    }

    @Test
    void unknown_triggers_and_users_answer_404() {
        ApiResponse trigger = test("nothing", "{'userId':'ada'}");
        assertThat(trigger.status()).isEqualTo(404);
        ApiResponse user = test("cart", "{'userId':'nobody'}");
        assertThat(user.status()).isEqualTo(404);
        assertThat(json(user).at("/error/field").asText()).isEqualTo("/userId");
    }

    @Test
    void disabled_other_events_and_reentry_are_reported() throws Exception {
        String disabled = CART.substring(0, CART.length() - 1) + ",'enabled':false}";
        JsonNode off = ok(test("cart", "{'userId':'ada','event':{'properties':{'total':99}},'trigger':" + disabled + "}"));
        assertThat(off.get("matched").asBoolean()).isFalse();
        assertThat(off.get("reason").asText()).isEqualTo("disabled");

        JsonNode other = ok(test("cart", "{'userId':'ada','event':{'name':'checkout','properties':{'total':99}}}"));
        assertThat(other.get("reason").asText()).isEqualTo("other_event");

        // once_per: a window another event took blocks the test, and the test never takes one
        String oncePer = CART.substring(0, CART.length() - 1) + ",'reentry':'once_per:P1D'}";
        assertThat(call("PUT", "/v1/triggers/cart", oncePer).status()).isEqualTo(200);
        JsonNode free = ok(test("cart", "{'userId':'ada','event':{'properties':{'total':99}}}"));
        assertThat(free.get("matched").asBoolean()).isTrue();
        assertThat(free.has("message")).isTrue();
        new io.nudge.evaluate.ReentryStore(TestDynamo.client(), tables.state())
                .take("cart", "ada", "real-event", clock.instant().minusSeconds(60), java.time.Duration.ofDays(1));
        JsonNode blocked = ok(test("cart", "{'userId':'ada','event':{'properties':{'total':99}}}"));
        assertThat(blocked.get("matched").asBoolean()).isTrue();
        assertThat(blocked.get("reason").asText()).isEqualTo("reentry");
        assertThat(blocked.has("message")).isFalse();
    }

    @Test
    void a_reached_cap_stops_and_a_spent_rate_limit_defers_without_reserving_or_taking() {
        // the API asks the guards as configured: one email a second
        services = Services.builder(TestDynamo.client(), tables).clock(clock).guards(new io.nudge.guards.GuardSettings(
                io.nudge.guards.QuietHours.defaults(), java.time.ZoneId.of("UTC"), io.nudge.guards.FrequencyCaps.Limits.defaults(),
                Map.of(Channel.EMAIL, new io.nudge.guards.RateLimits.Limit(1, 1000)))).build();
        api = services.api(io.nudge.wiring.ApiSettings.defaults());
        new io.nudge.guards.FrequencyCaps(TestDynamo.client(), tables.state(), io.nudge.guards.FrequencyCaps.Limits.defaults())
                .reserve("ada", "earlier", Channel.EMAIL, "cart", Optional.empty(), clock.instant().minusSeconds(60));
        assertThat(new io.nudge.guards.RateLimits(TestDynamo.client(), tables.state(), Map.of(Channel.EMAIL,
                new io.nudge.guards.RateLimits.Limit(1, 1000))).acquire(Channel.EMAIL, clock.instant()))
                .isInstanceOf(io.nudge.guards.RateLimits.Decision.Allowed.class);
        String capped = CART.substring(0, CART.length() - 1) + ",'frequencyCap':1}";
        Map<String, Object> before = TableSnapshot.of(TestDynamo.client(), tables);
        JsonNode result = ok(test("cart", "{'userId':'ada','event':{'properties':{'total':99}},'trigger':" + capped + "}"));
        assertThat(result.at("/guards/5/guard").asText()).isEqualTo("frequency_cap");
        assertThat(result.at("/guards/5/verdict").asText()).isEqualTo("stop");
        assertThat(result.at("/guards/5/reason").asText()).isEqualTo("frequency_cap: trigger cart: 1 per 24 h");
        assertThat(result.at("/guards/6/verdict").asText()).isEqualTo("defer");
        assertThat(result.at("/guards/6/reason").asText()).isEqualTo("rate_limit: email rate 1/s");
        assertThat(result.at("/guards/6/until").asText()).isEqualTo("2026-11-24T09:01:00.000Z");
        assertThat(TableSnapshot.of(TestDynamo.client(), tables)).isEqualTo(before);
    }

    @Test
    void testing_writes_nothing() {
        // a user with a send in their cap window: a reservation rewriting it would show, as would a new message, event or stat
        new io.nudge.guards.FrequencyCaps(TestDynamo.client(), tables.state(), io.nudge.guards.FrequencyCaps.Limits.defaults())
                .reserve("ada", "earlier", Channel.EMAIL, "other", Optional.empty(), clock.instant().minusSeconds(3600));
        Map<String, Object> before = TableSnapshot.of(TestDynamo.client(), tables);
        ok(test("cart", "{'userId':'ada','event':{'properties':{'total':99}}}"));
        ok(test("cart", "{'userId':'bob','event':{'properties':{'total':99}}}"));
        ok(test("cart", "{'userId':'eve','event':{'properties':{'total':99}}}"));
        ok(test("draft", "{'userId':'ada','event':{'properties':{'total':99}},'trigger':"
                + CART.substring(0, CART.length() - 1) + ",'reentry':'once_per:P1D','frequencyCap':1}}"));
        assertThat(TableSnapshot.of(TestDynamo.client(), tables)).isEqualTo(before);
    }

    private void user(String id, String email, String plan) {
        ApiResponse saved = call("PUT", "/v1/users/" + id, "{'email':'" + email + "','attributes':{'plan':'" + plan + "'}}");
        assertThat(saved.status()).as(saved.body()).isIn(200, 201);
    }

    private ApiResponse test(String trigger, String body) {
        return call("POST", "/v1/triggers/" + trigger + "/test", body);
    }

    private ApiResponse call(String method, String path, String body) {
        return api.handle(new ApiRequest(method, path, Map.of("authorization", "Bearer " + admin), Map.of(),
                Optional.ofNullable(body).map(b -> b.replace('\'', '"').getBytes(StandardCharsets.UTF_8))));
    }



}
