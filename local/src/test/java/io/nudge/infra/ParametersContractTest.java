package io.nudge.infra;

import static io.nudge.infra.TemplateFixture.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.config.Tables;
import io.nudge.guards.GuardSettings;
import io.nudge.store.TableDefinitions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/** template.yaml's parameters default to the code's defaults and reach the functions that read them. */
class ParametersContractTest {
    @Test
    void the_key_rate_limit_parameter_defaults_to_the_code_default_and_reaches_ingest_api_only() {
        JsonNode parameter = template.root.path("Parameters").path("ApiKeyRateLimit");
        assertThat(io.nudge.ratelimit.RateLimit.parse(parameter.path("Default").asText())).isEqualTo(io.nudge.ratelimit.RateLimit.DEFAULT);
        java.util.regex.Pattern allowed = java.util.regex.Pattern.compile(parameter.path("AllowedPattern").asText());
        assertThat(List.of("off", "100/s burst 200", "30/m", "0.5/s burst 1")).allMatch(v -> allowed.matcher(v).matches());
        assertThat(List.of("", "fast", "100/d")).noneMatch(v -> allowed.matcher(v).matches());
        template.functions().forEach((id, function) -> assertThat(function.path("Properties").path("Environment").path("Variables")
                .has(io.nudge.ratelimit.RateLimit.VARIABLE)).as(id).isEqualTo(id.equals("IngestApiFunction")));
    }

    @Test
    void deliver_reads_the_guard_settings_from_parameters_whose_defaults_are_the_code_defaults() {
        JsonNode env = template.resource("DeliverFunction").path("Properties").path("Environment").path("Variables");
        Map<String, String> parameterOf = Map.of(
                GuardSettings.QUIET_HOURS, "QuietHours",
                GuardSettings.DEFAULT_TIMEZONE, "DefaultTimezone",
                GuardSettings.FREQUENCY_CAPS, "FrequencyCaps",
                GuardSettings.RATE_LIMITS, "RateLimits");
        assertThat(parameterOf.keySet()).containsExactlyInAnyOrderElementsOf(GuardSettings.ENVIRONMENT);
        Map<String, String> defaults = new TreeMap<>();
        SoftAssertions softly = new SoftAssertions();
        parameterOf.forEach((variable, parameter) -> {
            softly.assertThat(SamTemplate.ref(env.path(variable))).as("DeliverFunction %s", variable).contains(parameter);
            JsonNode declared = template.root.path("Parameters").path(parameter);
            String value = declared.path("Default").asText();
            defaults.put(variable, value);
            softly.assertThat(value).as("%s default", parameter).isNotBlank()
                    .matches(declared.path("AllowedPattern").asText(".*"));
            softly.assertThat(declared.path("Description").asText()).as("%s description", parameter).contains(variable);
        });
        softly.assertAll();
        assertThat(GuardSettings.fromEnvironment(defaults)).as("the parameters' defaults, parsed as deliver parses them")
                .isEqualTo(GuardSettings.defaults());
        String rates = template.root.path("Parameters").path("RateLimits").path("Description").asText();
        assertThat(rates).as("RateLimits tells users to set their real limits").contains("SES").contains("MPS");
    }

    @Test
    void dead_letters_expire_after_a_retention_parameter_that_defaults_to_the_code_default_and_reaches_every_function() {
        JsonNode ttl = template.resource("DeadLettersTable").path("Properties").path("TimeToLiveSpecification");
        assertThat(ttl.path("Enabled").asBoolean(false)).as("DeadLettersTable TTL").isTrue();
        assertThat(ttl.path("AttributeName").asText()).isEqualTo("expiresAt");
        assertThat(TableDefinitions.TTL_TABLES.apply(Tables.withPrefix(""))).as("local mode expires them too").contains("DeadLetters");

        JsonNode parameter = template.root.path("Parameters").path("DeadLetterRetentionDays");
        assertThat(io.nudge.config.DeadLetterRetention.fromEnvironment(Map.of(io.nudge.config.DeadLetterRetention.ENV,
                parameter.path("Default").asText()))).as("the parameter's default, parsed as the functions parse it")
                .isEqualTo(io.nudge.config.DeadLetterRetention.DEFAULT);
        assertThat(parameter.path("MinValue").asInt()).isEqualTo(1);
        assertThat(io.nudge.config.DeadLetterRetention.fromEnvironment(Map.of(io.nudge.config.DeadLetterRetention.ENV,
                parameter.path("MaxValue").asText()))).as("the largest value the parameter allows starts").isPositive();
        assertThat(parameter.path("Description").asText()).contains(io.nudge.config.DeadLetterRetention.ENV);
        assertThat(SamTemplate.ref(template.globalsFunction().path("Environment").path("Variables")
                .path(io.nudge.config.DeadLetterRetention.ENV))).as("Globals, so every function that dead-letters has it")
                .contains("DeadLetterRetentionDays");
    }
}
