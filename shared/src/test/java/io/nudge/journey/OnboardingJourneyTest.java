package io.nudge.journey;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.definitions.DefinitionService;
import io.nudge.json.Json;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * examples/journeys/onboarding.json, stored as the API stores it and run by the engine with the injected clock: users
 * driven down every edge — the awaited event received and timed out, each branch, each split arm, an exit event, the
 * conversion exit, re-entry — checking their messages and their instances' paths.
 */
class OnboardingJourneyTest {
    static final Path EXAMPLES = Path.of("..", "examples");
    /** A Monday, 09:00 UTC: the delay of a day then "10:00 local" lands on Tuesday 10:00 for users in UTC. */
    private final MutableClock clock = MutableClock.at("2026-12-07T09:00:00Z");
    private Services services;
    private JourneyHarness journeys;
    private UserService users;

    @BeforeEach
    void storeTheExample() throws IOException {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        try (Stream<Path> templates = Files.list(EXAMPLES.resolve("templates"))) {
            for (Path file : templates.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                definitions.putTemplate(file.getFileName().toString().replace(".json", ""), Json.parse(Files.readString(file)));
            }
        }
        new JourneyService(services.definitions(), clock).put("onboarding",
                Json.parse(Files.readString(EXAMPLES.resolve("journeys/onboarding.json"))));
        JourneyCatalog catalog = new JourneyCatalog(services.definitions());
        catalog.refresh();
        journeys = new JourneyHarness(services, clock, catalog);
        users = new UserService(services.users(), clock);
    }

    private String entryEvent() {
        return journey().entry().event();
    }

    private JourneyDefinition journey() {
        return new JourneyService(services.definitions(), clock).current("onboarding").orElseThrow();
    }

    /** A user who signs up now: the welcome email goes at once, then a day's wait to 10:00 local. */
    private JourneyInstance enter(String userId) {
        users.upsert(userId, json("{'email':'" + userId + "@example.com','phone':'+4915112345678','consent':{'sms':'opted_in'},"
                + "'attributes':{'first_name':'" + userId + "'}}"));
        List<JourneyEngine.Outcome> outcomes = journeys.post(userId, "entry-" + userId, entryEvent(), "{'plan':'pro','cartId':'c-" + userId + "'}");
        assertThat(outcomes).singleElement().isInstanceOf(JourneyEngine.Outcome.Entered.class);
        JourneyInstance instance = only(userId);
        assertThat(instance.step()).isEqualTo("wait_day");
        Instant due = instance.dueAt().orElseThrow();
        assertThat(due.atZone(java.time.ZoneOffset.UTC).toLocalTime()).as("10:00 in the user's zone (UTC)").isEqualTo(java.time.LocalTime.of(10, 0));
        assertThat(due).as("the first 10:00 after a day").isAfter(clock.instant().plus(Duration.ofDays(1)).minusSeconds(1))
                .isBeforeOrEqualTo(clock.instant().plus(Duration.ofDays(2)));
        assertThat(templates(userId)).containsExactly("journey_welcome");
        return instance;
    }

    @Test
    void a_project_created_while_waiting_for_it_is_received_and_congratulated_and_counts_as_the_conversion() {
        enter("ada");
        journeys.timePasses(Duration.ofDays(1).plusHours(2));
        assertThat(only("ada").step()).isEqualTo("created");
        assertThat(only("ada").waitingFor()).contains("project_created");

        List<JourneyEngine.Outcome> outcomes = journeys.post("ada", "p1", "project_created", "{}");

        assertThat(outcomes).singleElement().isInstanceOf(JourneyEngine.Outcome.Woke.class);
        JourneyInstance instance = only("ada");
        assertThat(steps(instance)).containsExactly("welcome", "wait_day", "created", "congrats", "end");
        assertThat(lefts(instance)).containsExactly("next", "next", "received", "next", "exit");
        assertThat(instance.status()).isEqualTo(JourneyInstance.Status.COMPLETED);
        assertThat(templates("ada")).containsExactlyInAnyOrder("journey_welcome", "journey_congrats");
        assertThat(services.markers().find("journey-conversion#" + instance.id(), clock.instant())).as("counted once").isPresent();
        Message welcome = journeys.messages("ada").stream().filter(m -> m.templateId().equals("journey_welcome")).findFirst().orElseThrow();
        assertThat(welcome.history()).as("the last send before the goal is its touch")
                .anyMatch(h -> "converted: project_created (event p1)".equals(h.reason()));
    }

    @Test
    void without_a_project_an_opened_welcome_leads_to_the_tips_split_and_both_arms_are_taken() {
        Set<String> arms = new HashSet<>();
        for (String user : List.of("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8")) {
            enter(user);
            Message welcome = journeys.messages(user).get(0);
            services.messages().note(welcome.id(), MessageStatus.READY, "opened", clock.instant());
        }
        journeys.timePasses(Duration.ofDays(4));

        for (String user : List.of("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8")) {
            JourneyInstance instance = only(user);
            String arm = instance.arms().get("tips");
            arms.add(arm);
            assertThat(steps(instance)).containsExactly("welcome", "wait_day", "created", "engaged", "tips", "tips_" + arm.toLowerCase(),
                    "mark", "end");
            assertThat(lefts(instance)).containsExactly("next", "next", "timeout", "branch", "branch", "next", "next", "exit");
            assertThat(instance.path().get(3).detail()).contains("branch 0");
            assertThat(instance.path().get(4).detail()).contains("arm " + arm);
            assertThat(templates(user)).containsExactlyInAnyOrder("journey_welcome", "journey_tips_" + arm.toLowerCase());
            assertThat(services.users().find(user).orElseThrow().attributes().get("onboarding").asText()).isEqualTo("nudged");
        }
        assertThat(arms).as("each arm, over eight users").containsExactlyInAnyOrder("A", "B");
    }

    @Test
    void without_a_project_an_unopened_welcome_takes_the_default_branch_to_the_sms() {
        enter("carol");
        journeys.timePasses(Duration.ofDays(4));

        JourneyInstance instance = only("carol");
        assertThat(steps(instance)).containsExactly("welcome", "wait_day", "created", "engaged", "sms", "mark", "end");
        assertThat(instance.path().get(3).detail()).contains("default");
        assertThat(journeys.messages("carol")).extracting(Message::templateId).containsExactlyInAnyOrder("journey_welcome", "journey_nudge_sms");
        assertThat(journeys.messages("carol")).filteredOn(m -> m.templateId().equals("journey_nudge_sms")).singleElement()
                .satisfies(m -> assertThat(m.context().at("/journey/step").asText()).isEqualTo("sms"));
    }

    @Test
    void account_closed_ends_the_instance_wherever_it_waits() {
        enter("dave");
        journeys.post("dave", "x1", "account_closed", "{}");
        journeys.timePasses(Duration.ofDays(4));

        JourneyInstance instance = only("dave");
        assertThat(instance.status()).isEqualTo(JourneyInstance.Status.EXITED);
        assertThat(instance.endReason()).contains("exit: account_closed (event x1)");
        assertThat(steps(instance)).containsExactly("welcome", "wait_day");
        assertThat(templates("dave")).containsExactly("journey_welcome");
    }

    @Test
    void a_purchase_ends_it_only_when_it_is_for_the_cart_the_user_entered_with() {
        enter("erin");
        journeys.post("erin", "b1", "purchase_completed", "{'cartId':'another'}");
        assertThat(only("erin").active()).as("another cart").isTrue();

        journeys.post("erin", "b2", "purchase_completed", "{'cartId':'c-erin'}");
        assertThat(only("erin").endReason()).contains("exit: purchase_completed (event b2)");
    }

    @Test
    void a_project_created_before_the_wait_for_it_is_the_conversion_and_exits() {
        enter("fay");
        List<JourneyEngine.Outcome> outcomes = journeys.post("fay", "p1", "project_created", "{}");

        assertThat(outcomes).singleElement().isInstanceOf(JourneyEngine.Outcome.Ended.class);
        JourneyInstance instance = only("fay");
        assertThat(instance.status()).isEqualTo(JourneyInstance.Status.EXITED);
        assertThat(instance.endReason()).contains("conversion: project_created (event p1)");
        assertThat(lefts(instance)).containsExactly("next", "conversion");
        journeys.timePasses(Duration.ofDays(4));
        assertThat(templates("fay")).containsExactly("journey_welcome");
    }

    @Test
    void a_user_enters_it_once() {
        JourneyInstance first = enter("gus");
        List<JourneyEngine.Outcome> again = journeys.post("gus", "entry-gus-2", entryEvent(), "{'plan':'pro'}");

        assertThat(again).singleElement().isInstanceOf(JourneyEngine.Outcome.NotEntered.class);
        assertThat(journeys.instances("gus")).extracting(JourneyInstance::id).containsExactly(first.id());
    }

    @Test
    void an_internal_user_does_not_enter() {
        users.upsert("hal", json("{'email':'hal@example.com'}"));
        List<JourneyEngine.Outcome> outcomes = journeys.post("hal", "entry-hal", entryEvent(), "{'plan':'internal'}");

        assertThat(outcomes).singleElement().isInstanceOf(JourneyEngine.Outcome.NotEntered.class);
        assertThat(journeys.instances("hal")).isEmpty();
    }

    @Test
    void the_journeys_stats_count_every_edge_the_users_took() {
        enter("ada");
        journeys.timePasses(Duration.ofDays(1).plusHours(2));
        journeys.post("ada", "p1", "project_created", "{}");
        enter("carol");
        enter("dave");
        journeys.post("dave", "x1", "account_closed", "{}");
        journeys.timePasses(Duration.ofDays(4));

        com.fasterxml.jackson.databind.JsonNode stats = JourneyStatsReport.build(journey(), services.journeyStats().read("onboarding",
                java.time.LocalDate.parse("2026-12-07"), java.time.LocalDate.parse("2026-12-12")), services.stats(),
                java.time.LocalDate.parse("2026-12-07"), java.time.LocalDate.parse("2026-12-12"));
        assertThat(stats.at("/totals/entered").asInt()).isEqualTo(3);
        assertThat(stats.at("/totals/completed").asInt()).as("ada (congrats) and carol (sms)").isEqualTo(2);
        assertThat(stats.at("/totals/exited/exit").asInt()).as("dave").isEqualTo(1);
        assertThat(stats.at("/totals/converted").asInt()).as("ada's project").isEqualTo(1);
        assertThat(stats.at("/steps/welcome/edges/wait_day").asInt()).isEqualTo(3);
        assertThat(stats.at("/steps/wait_day/exited/exit").asInt()).as("dave left while waiting a day").isEqualTo(1);
        assertThat(stats.at("/steps/created/edges/congrats").asInt()).isEqualTo(1);
        assertThat(stats.at("/steps/created/edges/engaged").asInt()).isEqualTo(1);
        assertThat(stats.at("/steps/engaged/edges/sms").asInt()).isEqualTo(1);
        assertThat(stats.at("/steps/mark/edges/end").asInt()).isEqualTo(1);
        assertThat(stats.at("/steps/sms/entered").asInt()).isEqualTo(1);
    }

    private JourneyInstance only(String userId) {
        List<JourneyInstance> all = journeys.instances(userId);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private List<String> templates(String userId) {
        return journeys.messages(userId).stream().map(Message::templateId).toList();
    }

    private static List<String> steps(JourneyInstance instance) {
        return instance.path().stream().map(JourneyInstance.PathEntry::step).toList();
    }

    private static List<String> lefts(JourneyInstance instance) {
        return instance.path().stream().map(p -> p.left().orElse("-")).toList();
    }
}
