package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.definitions.DefinitionService;
import io.nudge.journey.JourneyCatalog;
import io.nudge.journey.JourneyDefinition;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.Services;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** examples/ as the local runner loads it at start: every file valid, the journeys after the templates they send. */
class DefinitionsLoaderTest {
    private static final Path EXAMPLES = Path.of("..", "examples");
    private final MutableClock clock = MutableClock.at("2026-12-07T09:00:00Z");

    private static int files(String kind) throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES.resolve(kind))) {
            return (int) files.filter(f -> f.toString().endsWith(".json")).count();
        }
    }

    @Test
    void every_example_loads_and_the_journeys_enter_on_their_own_events() throws IOException {
        Services services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();

        DefinitionsLoader.Loaded loaded = DefinitionsLoader.load(EXAMPLES, new DefinitionService(services.definitions(), clock),
                services.segments(), services.journeys());

        assertThat(loaded.errors()).isEmpty();
        assertThat(loaded.templates()).isEqualTo(files("templates"));
        assertThat(loaded.triggers()).isEqualTo(files("triggers"));
        assertThat(loaded.journeys()).isEqualTo(2).isEqualTo(files("journeys"));
        JourneyCatalog catalog = new JourneyCatalog(services.definitions());
        catalog.refresh();
        assertThat(catalog.enteredBy("trial_started")).extracting(JourneyDefinition::id).containsExactly("onboarding");
        assertThat(catalog.enteredBy("checkout_started")).extracting(JourneyDefinition::id).containsExactly("abandoned_cart");
        // no example trigger fires on a journey's entry event: ./nudge never sends both for one event
        assertThat(services.definitions().list("trigger")).allSatisfy(t ->
                assertThat(t.document().get("event").asText()).isNotIn("trial_started", "checkout_started"));

        // a restart loads the same files again: the journeys keep their version
        DefinitionsLoader.load(EXAMPLES, new DefinitionService(services.definitions(), clock), services.segments(), services.journeys());
        assertThat(services.journeys().current("onboarding").orElseThrow().version()).isEqualTo(1);
    }
}
