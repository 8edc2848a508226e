package io.nudge.infra;

import static io.nudge.infra.TemplateFixture.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/** template.yaml's HTTP API route, the sweep's schedule and the functions' log groups. */
class ApiAndScheduleContractTest {
    @Test
    void every_request_reaches_ingest_through_one_throttled_default_route() {
        int routes = 0;
        for (String function : template.functions().keySet()) {
            Map<String, JsonNode> http = template.events(function, "HttpApi");
            routes += http.size();
            if (!http.isEmpty()) {
                assertThat(function).isEqualTo("IngestApiFunction");
            }
        }
        assertThat(routes).as("HttpApi events").isEqualTo(1);
        JsonNode route = template.events("IngestApiFunction", "HttpApi").values().iterator().next();
        assertThat(route.path("Path").asText()).isEqualTo("$default");
        assertThat(route.path("Method").asText().toUpperCase(Locale.ROOT)).isEqualTo("ANY");
        assertThat(route.path("PayloadFormatVersion").asText("2.0")).isEqualTo("2.0");
        String api = SamTemplate.ref(route.path("ApiId")).orElseThrow();
        assertThat(template.resource(api).path("Type").asText()).isEqualTo("AWS::Serverless::HttpApi");
        JsonNode throttling = template.resource(api).path("Properties").path("DefaultRouteSettings");
        assertThat(throttling.has("ThrottlingBurstLimit") && throttling.has("ThrottlingRateLimit")).as("HttpApi throttling").isTrue();
    }

    @Test
    void sweep_runs_every_five_minutes() {
        Map<String, JsonNode> schedules = template.events("SweepFunction", "Schedule");
        assertThat(schedules).hasSize(1);
        assertThat(schedules.values().iterator().next().path("Schedule").asText()).isEqualTo("rate(5 minutes)");
    }

    @Test
    void every_function_logs_to_its_own_group_with_a_retention() {
        Map<String, JsonNode> groups = template.resources("AWS::Logs::LogGroup");
        Set<String> used = new HashSet<>();
        SoftAssertions softly = new SoftAssertions();
        template.functions().forEach((id, function) -> {
            Optional<String> group = SamTemplate.ref(function.path("Properties").path("LoggingConfig").path("LogGroup"));
            softly.assertThat(group.filter(groups::containsKey)).as("%s LoggingConfig.LogGroup", id).isPresent();
            group.ifPresent(g -> softly.assertThat(used.add(g)).as("%s shares log group %s", id, g).isTrue());
        });
        groups.forEach((id, group) ->
                softly.assertThat(group.path("Properties").has("RetentionInDays")).as("%s RetentionInDays", id).isTrue());
        softly.assertAll();
    }
}
