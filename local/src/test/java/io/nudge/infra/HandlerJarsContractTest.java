package io.nudge.infra;

import static io.nudge.infra.TemplateFixture.INPUT_TYPES;
import static io.nudge.infra.TemplateFixture.PENDING_MODULES;
import static io.nudge.infra.TemplateFixture.REQUEST_STREAM_HANDLER;
import static io.nudge.infra.TemplateFixture.codeUri;
import static io.nudge.infra.TemplateFixture.implementsInterface;
import static io.nudge.infra.TemplateFixture.repo;
import static io.nudge.infra.TemplateFixture.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/** template.yaml against the function jars Maven built: each holds its handler for its event type, and gets every variable it reads. */
class HandlerJarsContractTest {
    @Test
    void every_function_jar_exists_and_holds_its_handler_for_the_expected_event_type() throws Exception {
        assertThat(template.functions().keySet())
                .as("functions in template.yaml (add an expected input type here for a new one)")
                .containsExactlyInAnyOrderElementsOf(INPUT_TYPES.keySet());
        SoftAssertions softly = new SoftAssertions();
        List<String> pending = new ArrayList<>();
        for (String function : template.functions().keySet()) {
            Path jar = codeUri(function);
            if (PENDING_MODULES.contains(function) && !Files.isRegularFile(jar)) {
                pending.add(function + " (" + repo.relativize(jar) + ")");
                continue;
            }
            softly.assertThat(jar).as("%s CodeUri (run ./mvnw package first)", function).isRegularFile();
            if (!Files.isRegularFile(jar)) {
                continue;
            }
            String handler = template.functionProperty(function, "Handler").asText();
            try (HandlerJar opened = HandlerJar.open(jar)) {
                Class<?> type = opened.load(HandlerJar.className(handler), false);
                boolean stream = INPUT_TYPES.get(function).equals(REQUEST_STREAM_HANDLER);
                if (stream) {
                    softly.assertThat(implementsInterface(type, REQUEST_STREAM_HANDLER))
                            .as("%s: %s implements RequestStreamHandler", function, type.getName()).isTrue();
                    softly.assertThat(HandlerJar.requestHandlerInput(type))
                            .as("%s: %s is a stream handler, not also a RequestHandler", function, type.getName()).isEmpty();
                } else {
                    softly.assertThat(HandlerJar.requestHandlerInput(type))
                            .as("%s: %s implements RequestHandler<input, ?>", function, type.getName())
                            .contains(INPUT_TYPES.get(function));
                }
                String method = HandlerJar.methodName(handler);
                int parameters = stream ? 3 : 2;
                softly.assertThat(Arrays.stream(type.getMethods())
                                .filter(m -> m.getName().equals(method) && m.getParameterCount() == parameters)
                                .map(Method::getName).findAny())
                        .as("%s: %s has %s(%s, Context)", function, type.getName(), method, stream ? "InputStream, OutputStream" : "input")
                        .isPresent();
            } catch (ClassNotFoundException e) {
                softly.fail("%s: handler class %s is not in %s", function, HandlerJar.className(handler), repo.relativize(jar));
            }
        }
        softly.assertAll();
        assumeTrue(pending.isEmpty(), "every other function checked; jar and handler not checked for modules still being written: " + pending);
    }

    @Test
    void every_environment_variable_a_handler_reads_is_set_for_its_function() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        List<String> unchecked = new ArrayList<>();
        for (String function : template.functions().keySet()) {
            Path jar = codeUri(function);
            if (!Files.isRegularFile(jar)) {
                unchecked.add(function + (PENDING_MODULES.contains(function) ? " (module still being written)" : " (run ./mvnw package first)"));
                continue;
            }
            String handler = template.functionProperty(function, "Handler").asText();
            try (HandlerJar opened = HandlerJar.open(jar)) {
                Class<?> type = opened.load(HandlerJar.className(handler), true);
                List<String> reads = HandlerJar.environment(type);
                softly.assertThat(template.environmentOf(function))
                        .as("%s environment (Globals + own) vs %s.ENVIRONMENT", function, type.getSimpleName())
                        .containsAll(reads);
            }
        }
        softly.assertAll();
        assumeTrue(unchecked.isEmpty(), "every other function checked; no jar for " + unchecked);
    }
}
