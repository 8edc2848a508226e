package io.nudge.api;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.definitions.DefinitionService;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TimelineRoutesTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private Services services;
    private NudgeApi api;
    private String admin;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        api = services.api(ApiSettings.defaults());
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("welcome", json("{'channel':'email','subject':'Hi','text':'Welcome'}"));
        definitions.putTrigger("welcome_pro", json("{'event':'signed_up','conditions':[{'path':'event.properties.plan','op':'eq','value':'pro'}],"
                + "'channel':'email','template':'welcome'}"));
    }

    private ApiResponse get(String path, Map<String, String> query) {
        return api.handle(new ApiRequest("GET", path, Map.of("authorization", "Bearer " + admin), query, Optional.empty()));
    }

    private static JsonNode body(ApiResponse response) throws Exception {
        return Json.parse(response.body());
    }

    @Test
    void a_not_matched_event_shows_its_failing_condition_and_the_message_of_a_matched_one_its_history() throws Exception {
        services.events().putIfAbsent(new io.nudge.model.Event("e1", "ada", "signed_up", Json.object().put("plan", "free"),
                clock.instant(), clock.instant()));
        io.nudge.evaluate.EvaluateService evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        evaluate.evaluate(services.events().find("e1", clock.instant()).orElseThrow());
        clock.advance(java.time.Duration.ofMinutes(1));
        services.events().putIfAbsent(new io.nudge.model.Event("e2", "ada", "signed_up", Json.object().put("plan", "pro"),
                clock.instant(), clock.instant()));
        evaluate.evaluate(services.events().find("e2", clock.instant()).orElseThrow());

        JsonNode first = body(get("/v1/users/ada/timeline", Map.of("limit", "2")));
        assertThat(first.get("userId").asText()).isEqualTo("ada");
        assertThat(first.at("/entries/0/type").asText()).isEqualTo("message");
        assertThat(first.at("/entries/0/message/history/0/reason").asText()).isEqualTo("trigger_matched");
        assertThat(first.at("/entries/1/event/eventId").asText()).isEqualTo("e2");
        Map<String, String> next = new HashMap<>(Map.of("limit", "2", "cursor", first.get("next").asText()));
        JsonNode second = body(get("/v1/users/ada/timeline", next));
        assertThat(second.at("/entries/0/event/eventId").asText()).isEqualTo("e1");
        assertThat(second.at("/entries/0/evaluation/0/condition"))
                .isEqualTo(json("{'index':0,'path':'event.properties.plan','op':'eq','expected':'pro','actual':'free'}"));
        assertThat(second.has("next")).isFalse();
    }

    @Test
    void bad_input_is_a_400_naming_the_field() throws Exception {
        assertThat(body(get("/v1/users/ada/timeline", Map.of("limit", "201"))).at("/error/field").asText()).isEqualTo("limit");
        assertThat(body(get("/v1/users/ada/timeline", Map.of("cursor", "!!"))).at("/error/field").asText()).isEqualTo("cursor");
        assertThat(body(get("/v1/users/" + "x".repeat(129) + "/timeline", Map.of())).at("/error/field").asText()).isEqualTo("userId");
        assertThat(get("/v1/users/nobody/timeline", Map.of()).status()).isEqualTo(200);
    }
}
