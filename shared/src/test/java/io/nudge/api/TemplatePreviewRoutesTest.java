package io.nudge.api;

import static io.nudge.api.ApiAnswers.assertError;
import static io.nudge.api.ApiAnswers.json;
import static io.nudge.api.ApiAnswers.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.config.Tables;
import io.nudge.keys.Scope;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TableSnapshot;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /v1/templates/{id}/preview over DynamoDB Local: stored and draft templates, rendered as deliver renders them. */
class TemplatePreviewRoutesTest {
    private final MutableClock clock = MutableClock.at("2026-12-07T09:00:00Z");
    private Tables tables;
    private NudgeApi api;
    private String admin;

    @BeforeEach
    void setUp() {
        tables = TestDynamo.freshTables();
        Services services = Services.builder(TestDynamo.client(), tables).clock(clock).build();
        api = services.api(ApiSettings.defaults());
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();
        assertThat(call("PUT", "/v1/users/ada", "{'email':'ada@example.com','locale':'en-GB','attributes':{'first_name':'Ada'}}").status())
                .isEqualTo(200);
        assertThat(call("PUT", "/v1/templates/welcome", "{'channel':'email','subject':'Welcome {{ user.attributes.first_name }}',"
                + "'html':'<p>Your plan: {{ event.properties.plan }}</p>','text':'Bye: {{ unsubscribe_url }}',"
                + "'locales':{'de':{'subject':'Willkommen {{ user.attributes.first_name }}','text':'Hallo {{ event.name }}'}}}").status())
                .isEqualTo(201);
    }

    @Test
    void a_stored_template_renders_for_a_stored_user_and_an_event_with_the_locale_variant_the_locale_picks() {
        JsonNode byDefault = ok(preview("welcome", "{'userId':'ada','event':{'name':'signed_up','properties':{'plan':'pro'}}}"));
        assertThat(byDefault.get("channel").asText()).isEqualTo("email");
        assertThat(byDefault.has("locale")).as("en-GB has no variant: the default parts").isFalse();
        assertThat(byDefault.get("subject").asText()).isEqualTo("Welcome Ada");
        assertThat(byDefault.get("html").asText()).isEqualTo("<p>Your plan: pro</p>");
        assertThat(byDefault.get("text").asText()).startsWith("Bye: ").contains("/v1/unsubscribe?token=");

        JsonNode german = ok(preview("welcome", "{'userId':'ada','locale':'de-AT','event':{'name':'signed_up'}}"));
        assertThat(german.get("locale").asText()).isEqualTo("de");
        assertThat(german.get("subject").asText()).isEqualTo("Willkommen Ada");
        assertThat(german.get("text").asText()).isEqualTo("Hallo signed_up");
        assertThat(german.has("html")).isFalse();
    }

    @Test
    void an_inline_user_or_none_renders_without_a_stored_profile() {
        JsonNode inline = ok(preview("welcome", "{'user':{'locale':'de','attributes':{'first_name':'Grace'}}}"));
        assertThat(inline.get("locale").asText()).isEqualTo("de");
        assertThat(inline.get("subject").asText()).isEqualTo("Willkommen Grace");

        JsonNode nobody = ok(preview("welcome", "{}"));
        assertThat(nobody.get("subject").asText()).isEqualTo("Welcome");

        ApiResponse badZone = preview("welcome", "{'user':{'timezone':'Mars/Olympus'}}");
        assertThat(badZone.status()).isEqualTo(400);
        assertThat(json(badZone).at("/error/field").asText()).isEqualTo("/user/timezone");
        ApiResponse both = preview("welcome", "{'userId':'ada','user':{}}");
        assertThat(json(both).at("/error/field").asText()).isEqualTo("/user");
    }

    @Test
    void a_draft_renders_without_being_saved_and_sms_answers_its_segments_and_encoding() {
        JsonNode gsm = ok(preview("shipped", "{'userId':'ada','event':{'name':'order_shipped','properties':{'order':'A-17'}},"
                + "'template':{'channel':'sms','body':'Hi {{ user.attributes.first_name }}, order {{ event.properties.order }} shipped [1]'}}"));
        assertThat(gsm.get("channel").asText()).isEqualTo("sms");
        assertThat(gsm.get("body").asText()).isEqualTo("Hi Ada, order A-17 shipped [1]");
        assertThat(gsm.at("/sms/encoding").asText()).isEqualTo("GSM_7");
        assertThat(gsm.at("/sms/segments").asInt()).isEqualTo(1);
        assertThat(gsm.at("/sms/characters").asInt()).as("[ and ] are extension characters: two septets each").isEqualTo(32);

        JsonNode emoji = ok(preview("shipped", "{'userId':'ada','template':{'channel':'sms','body':'Hi {{ user.attributes.first_name }} \uD83D\uDC4B "
                + "x".repeat(64) + "'}}"));
        assertThat(emoji.at("/sms/encoding").asText()).isEqualTo("UCS_2");
        assertThat(emoji.at("/sms/characters").asInt()).as("the emoji is two UTF-16 code units").isEqualTo(74);
        assertThat(emoji.at("/sms/segments").asInt()).isEqualTo(2);

        assertThat(call("GET", "/v1/templates/shipped", null).status()).as("a draft is never saved").isEqualTo(404);
        JsonNode draftOverStored = ok(preview("welcome", "{'userId':'ada','template':{'channel':'email','subject':'Draft {{ user.email }}','text':'x'}}"));
        assertThat(draftOverStored.get("subject").asText()).isEqualTo("Draft ada@example.com");
    }

    @Test
    void a_liquid_error_is_answered_with_its_part_line_and_column() {
        JsonNode ifWithoutCondition = ok(preview("welcome", "{'template':{'channel':'email','subject':'Hi',"
                + "'html':'<p>one</p>\\n<p>two</p>\\n  {% if %}yes{% endif %}'}}"));
        assertThat(ifWithoutCondition.at("/error/code").asText()).isEqualTo("template_syntax");
        assertThat(ifWithoutCondition.at("/error/part").asText()).isEqualTo("html");
        assertThat(ifWithoutCondition.at("/error/field").asText()).isEqualTo("/html");
        assertThat(ifWithoutCondition.at("/error/line").asInt()).isEqualTo(3);
        assertThat(ifWithoutCondition.at("/error/column").asInt()).isEqualTo(COLUMN_OF_IF);
        assertThat(ifWithoutCondition.has("subject")).isFalse();

        JsonNode danglingFilter = ok(preview("welcome", "{'template':{'channel':'email','subject':'Hi','text':'ok',"
                + "'locales':{'de':{'subject':'Hallo {{ user.name | }}','text':'ok'}}}}"));
        assertThat(danglingFilter.at("/error/part").asText()).isEqualTo("subject");
        assertThat(danglingFilter.at("/error/field").asText()).isEqualTo("/locales/de/subject");
        assertThat(danglingFilter.at("/locale").asText()).isEqualTo("de");
        assertThat(danglingFilter.at("/error/line").asInt()).isEqualTo(1);
        assertThat(danglingFilter.at("/error/column").asInt()).isEqualTo(COLUMN_OF_PIPE);
        assertThat(danglingFilter.at("/error/message").asText()).isNotBlank();

        JsonNode divideByZero = ok(preview("welcome", "{'template':{'channel':'sms','body':'{{ 10 | divided_by: event.properties.n }}'},"
                + "'event':{'properties':{'n':0}}}"));
        assertThat(divideByZero.at("/error/code").asText()).isEqualTo("render_error");
        assertThat(divideByZero.at("/error/part").asText()).isEqualTo("body");
        assertThat(divideByZero.at("/error/field").asText()).isEqualTo("/body");
        assertThat(divideByZero.at("/error").has("line")).as("liqp knows no position for a render error").isFalse();

        JsonNode tooLong = ok(preview("welcome", "{'template':{'channel':'email','subject':'Hi',"
                + "'text':'{% for i in (1..event.properties.n) %}x{% endfor %}'},'event':{'properties':{'n':20000}}}"));
        assertThat(tooLong.at("/error/code").asText()).isEqualTo("render_limit");
        assertThat(tooLong.at("/error/part").asText()).isEqualTo("text");
    }

    /** liqp points at the token it could not take: the {@code %}} where the condition should have been. */
    private static final int COLUMN_OF_IF = 9;
    /** … and at the {@code {{} that opens an output it could not read (after "Hallo "). */
    private static final int COLUMN_OF_PIPE = 7;

    @Test
    void a_bad_draft_an_unknown_user_or_template_is_refused_naming_the_field() {
        assertError(preview("welcome", "{'template':{'channel':'fax','body':'x'}}"), 400, "/template/channel");
        assertError(preview("welcome", "{'template':{'channel':'email','subject':'Hi'}}"), 400, "/template/html");
        assertError(preview("welcome", "{'template':{'channel':'sms','body':'x','locales':{'Deutsch':{'body':'y'}}}}"), 400,
                "/template/locales/Deutsch");
        assertError(preview("welcome", "{'template':'hello'}"), 400, "/template");
        assertError(preview("welcome", "{'userId':'nobody'}"), 404, "/userId");
        assertError(preview("welcome", "{'locale':'not a locale'}"), 400, "/locale");
        assertError(preview("welcome", "{'event':{'name':'x','when':'now'}}"), 400, "/event/when");
        assertError(preview("welcome", "{'colour':'red'}"), 400, "/colour");
        assertThat(preview("nothing", "{}").status()).isEqualTo(404);
        assertThat(json(preview("nothing", "{}")).at("/error/code").asText()).isEqualTo("not_found");
    }

    @Test
    void previews_write_nothing_to_any_table() {
        Map<String, Object> before = TableSnapshot.of(TestDynamo.client(), tables);
        assertThat((Integer) before.get(tables.definitions())).isPositive();
        ok(preview("welcome", "{'userId':'ada','event':{'name':'signed_up','properties':{'plan':'pro'}}}"));
        ok(preview("welcome", "{'user':{'email':'grace@example.com','phone':'+44 20 7946 0958','locale':'de'}}"));
        ok(preview("shipped", "{'userId':'ada','template':{'channel':'sms','body':'Hi {{ user.attributes.first_name }}'}}"));
        ok(preview("welcome", "{'template':{'channel':'email','subject':'{% if %}','text':'x'}}"));
        preview("welcome", "{'userId':'nobody'}");
        assertThat(TableSnapshot.of(TestDynamo.client(), tables)).isEqualTo(before);
    }

    private ApiResponse preview(String id, String body) {
        return call("POST", "/v1/templates/" + id + "/preview", body);
    }

    private ApiResponse call(String method, String path, String body) {
        return api.handle(new ApiRequest(method, path, Map.of("authorization", "Bearer " + admin), Map.of(),
                Optional.ofNullable(body).map(b -> b.replace('\'', '"').getBytes(StandardCharsets.UTF_8))));
    }
}
