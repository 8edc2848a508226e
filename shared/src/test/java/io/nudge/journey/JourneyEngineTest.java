package io.nudge.journey;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.BooleanNode;
import io.nudge.definitions.DefinitionService;
import io.nudge.model.Channel;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.scheduling.Slots;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.trigger.CancelRule;
import io.nudge.trigger.Condition;
import io.nudge.trigger.Operator;
import io.nudge.trigger.QuietHoursSetting;
import io.nudge.trigger.Reentry;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine against DynamoDB Local with an injected clock, driven by {@link JourneyHarness}, on a small journey built in code. */
class JourneyEngineTest {
    private final MutableClock clock = MutableClock.at("2026-12-07T09:00:00Z");
    private final Map<String, JourneyDefinition> journeys = new LinkedHashMap<>();
    private Services services;
    private JourneyHarness harness;

    /** The journeys of this test, as the catalog would serve them. */
    private final JourneyLookup lookup = new JourneyLookup() {
        @Override
        public List<JourneyDefinition> enteredBy(String eventName) {
            return journeys.values().stream().filter(j -> j.enabled() && j.entry().event().equals(eventName)).toList();
        }

        @Override
        public Optional<JourneyDefinition> version(String journeyId, int version) {
            return Optional.ofNullable(journeys.get(journeyId)).filter(j -> j.version() == version);
        }

        @Override
        public boolean cares(String eventName) {
            return true;
        }

        @Override
        public boolean deleted(String journeyId) {
            return !journeys.containsKey(journeyId);
        }
    };

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        for (String template : List.of("welcome", "congrats", "tips")) {
            definitions.putTemplate(template, json("{'channel':'email','subject':'" + template + "','text':'Hi'}"));
        }
        harness = new JourneyHarness(services, clock, lookup);
        journeys.put("onboarding", onboarding(new Reentry.Always()));
        new UserService(services.users(), clock).upsert("ada", json("{'email':'ada@example.com','attributes':{'first_name':'Ada'}}"));
    }

    /**
     * welcome (send) → created (wait_for project_created, P2D) → congrats (send) | on timeout → engaged (branch: opened
     * welcome → tips, else → split A → mark (update_user) → end (exit), B → nothing: the journey ends there).
     */
    private static JourneyDefinition onboarding(Reentry reentry) {
        Map<String, JourneyStep> steps = new LinkedHashMap<>();
        steps.put("welcome", send("welcome", "created"));
        steps.put("created", new JourneyStep.WaitFor("project_created", List.of(), Duration.ofDays(2), Optional.of("congrats"),
                Optional.of("engaged")));
        steps.put("engaged", new JourneyStep.Branch(List.of(new JourneyStep.Branch.Path(
                List.of(condition("steps.welcome.opened", BooleanNode.TRUE)), Optional.of("tips"))), Optional.of("split")));
        steps.put("split", new JourneyStep.Split(List.of(new JourneyStep.Split.Arm("A", 1, Optional.of("mark")),
                new JourneyStep.Split.Arm("B", 1, Optional.empty()))));
        steps.put("tips", send("tips", null));
        steps.put("mark", new JourneyStep.UpdateUser(Map.of("onboarding", json("'nudged'")), Optional.of("end")));
        steps.put("congrats", send("congrats", "end"));
        steps.put("end", new JourneyStep.Exit());
        return new JourneyDefinition("onboarding", 1, "Onboarding", true,
                new JourneyDefinition.Entry("trial_started", List.of(condition("event.properties.plan", json("'pro'")))), reentry,
                List.of(new CancelRule("account_closed", List.of())),
                Optional.of(new JourneyDefinition.JourneyConversion("purchase_completed", Duration.ofDays(14), true)), "welcome", steps);
    }

    private static JourneyStep.Send send(String template, String next) {
        return new JourneyStep.Send(Channel.EMAIL, template, Priority.MARKETING, new QuietHoursSetting.Default(), Optional.empty(),
                Optional.ofNullable(next));
    }

    private static Condition condition(String path, com.fasterxml.jackson.databind.JsonNode value) {
        return new Condition(path, Arrays.asList(path.split("\\.")), Operator.EQ, value);
    }

    @Test
    void an_entry_sends_the_first_step_and_waits_and_its_replay_creates_nothing_twice() {
        List<JourneyEngine.Outcome> outcomes = post("t1", "trial_started", "{'plan':'pro'}");
        post("t1", "trial_started", "{'plan':'pro'}");

        assertThat(outcomes).singleElement().isInstanceOf(JourneyEngine.Outcome.Entered.class);
        JourneyInstance instance = only();
        assertThat(instance.step()).isEqualTo("created");
        assertThat(instance.phase()).isEqualTo(JourneyInstance.Phase.WAIT);
        assertThat(instance.waitingFor()).contains("project_created");
        assertThat(instance.dueAt()).contains(clock.instant().plus(Duration.ofDays(2)));
        assertThat(messages()).singleElement().satisfies(m -> {
            assertThat(m.templateId()).isEqualTo("welcome");
            assertThat(m.status()).isEqualTo(MessageStatus.READY);
            assertThat(m.context().at("/journey/step").asText()).isEqualTo("welcome");
            assertThat(m.context().at("/journey/instanceId").asText()).isEqualTo(instance.id());
        });
        assertThat(harness.scheduler.createCalls).as("one schedule, for the timeout's slot").singleElement()
                .satisfies(r -> assertThat(r.name()).isEqualTo(Slots.scheduleName(instance.dueAt().orElseThrow().getEpochSecond())));
        assertThat(instance.path()).extracting(JourneyInstance.PathEntry::step).containsExactly("welcome", "created");
        assertThat(instance.path().get(0).left()).contains("next");
    }

    @Test
    void the_entry_and_the_end_are_recorded_for_the_stream_out_once_each_and_a_replay_adds_nothing() {
        services.subscriptions().put(new io.nudge.outbound.Subscription("warehouse", "https://hooks.example.com/nudge",
                java.util.EnumSet.of(io.nudge.outbound.OutboundType.JOURNEY_ENTERED, io.nudge.outbound.OutboundType.JOURNEY_EXITED),
                true, false, "whsec_test", Optional.empty(), Optional.empty(), clock.instant(), clock.instant()));
        post("t1", "trial_started", "{'plan':'pro'}");
        post("t1", "trial_started", "{'plan':'pro'}");
        clock.advance(Duration.ofHours(5));
        post("p1", "project_created", "{}");

        JourneyInstance instance = only();
        Map<io.nudge.outbound.OutboundType, io.nudge.outbound.OutboundEvent> recorded = services.outboundStore().of("ada").stream()
                .collect(java.util.stream.Collectors.toMap(io.nudge.outbound.OutboundEvent::type, e -> e));
        assertThat(recorded).hasSize(2);
        io.nudge.outbound.OutboundEvent entered = recorded.get(io.nudge.outbound.OutboundType.JOURNEY_ENTERED);
        assertThat(entered.journeyId()).contains("onboarding");
        assertThat(entered.occurredAt()).isEqualTo(instance.enteredAt());
        assertThat(entered.data().get("instanceId").asText()).isEqualTo(instance.id());
        assertThat(entered.data().get("eventId").asText()).isEqualTo("t1");
        assertThat(entered.data().get("step").asText()).isEqualTo("welcome");
        io.nudge.outbound.OutboundEvent exited = recorded.get(io.nudge.outbound.OutboundType.JOURNEY_EXITED);
        assertThat(exited.data().get("status").asText()).isEqualTo("completed");
        assertThat(exited.data().get("step").asText()).isEqualTo("end");
        assertThat(exited.occurredAt()).isEqualTo(instance.endedAt().orElseThrow());
    }

    @Test
    void a_user_who_does_not_match_the_entry_conditions_does_not_enter() {
        List<JourneyEngine.Outcome> outcomes = post("t1", "trial_started", "{'plan':'free'}");

        assertThat(outcomes).singleElement().isEqualTo(new JourneyEngine.Outcome.NotEntered("onboarding",
                "condition 0 (event.properties.plan) did not hold"));
        assertThat(services.journeyInstances().forUser("ada", 10)).isEmpty();
    }

    @Test
    void the_awaited_event_takes_the_received_edge_and_the_journey_completes_at_its_exit() {
        post("t1", "trial_started", "{'plan':'pro'}");
        clock.advance(Duration.ofHours(5));
        post("p1", "project_created", "{}");

        JourneyInstance instance = only();
        assertThat(instance.status()).isEqualTo(JourneyInstance.Status.COMPLETED);
        assertThat(instance.endReason()).contains("exit");
        assertThat(instance.path()).extracting(JourneyInstance.PathEntry::step).containsExactly("welcome", "created", "congrats", "end");
        assertThat(instance.path().get(1).left()).contains("received");
        assertThat(instance.path().get(1).detail()).contains("project_created (event p1)");
        assertThat(messages()).extracting(Message::templateId).containsExactlyInAnyOrder("welcome", "congrats");
    }

    @Test
    void without_the_event_the_timeout_fires_in_its_slot_and_the_branch_reads_the_welcome_email() {
        post("t1", "trial_started", "{'plan':'pro'}");
        Message welcome = messages().get(0);
        services.messages().note(welcome.id(), MessageStatus.READY, "opened", clock.instant());

        timePasses(Duration.ofDays(2));

        JourneyInstance instance = only();
        assertThat(instance.path()).extracting(JourneyInstance.PathEntry::step).containsExactly("welcome", "created", "engaged", "tips");
        assertThat(instance.path().get(1).left()).contains("timeout");
        assertThat(instance.path().get(2).left()).contains("branch");
        assertThat(instance.path().get(2).detail()).contains("branch 0");
        assertThat(instance.status()).as("tips has no next: the journey ends there").isEqualTo(JourneyInstance.Status.COMPLETED);
        assertThat(messages()).extracting(Message::templateId).containsExactlyInAnyOrder("welcome", "tips");
    }

    @Test
    void an_unopened_welcome_takes_the_default_and_the_split_is_the_same_for_a_replay() {
        post("t1", "trial_started", "{'plan':'pro'}");
        timePasses(Duration.ofDays(2));

        JourneyInstance instance = only();
        assertThat(instance.path().get(2).detail()).contains("default");
        String arm = instance.arms().get("split");
        assertThat(arm).isIn("A", "B");
        assertThat(JourneyEngine.arm((JourneyStep.Split) journeys.get("onboarding").step("split"), instance.id() + "#split").id())
                .as("deterministic").isEqualTo(arm);
        if (arm.equals("A")) {
            assertThat(services.users().find("ada").orElseThrow().attributes().get("onboarding").asText()).isEqualTo("nudged");
            assertThat(instance.endReason()).contains("exit");
        } else {
            assertThat(instance.endReason()).contains("end");
        }
        assertThat(instance.status()).isEqualTo(JourneyInstance.Status.COMPLETED);
    }

    @Test
    void an_exit_event_ends_the_instance_where_it_waits_and_the_timeout_then_does_nothing() {
        post("t1", "trial_started", "{'plan':'pro'}");
        List<JourneyEngine.Outcome> outcomes = post("x1", "account_closed", "{}");
        timePasses(Duration.ofDays(2));

        assertThat(outcomes).singleElement().isInstanceOf(JourneyEngine.Outcome.Ended.class);
        JourneyInstance instance = only();
        assertThat(instance.status()).isEqualTo(JourneyInstance.Status.EXITED);
        assertThat(instance.endReason()).contains("exit: account_closed (event x1)");
        assertThat(instance.path()).extracting(JourneyInstance.PathEntry::step).containsExactly("welcome", "created");
        assertThat(messages()).extracting(Message::templateId).containsExactly("welcome");
    }

    @Test
    void a_conversion_within_the_window_exits_and_cancels_what_was_not_sent() {
        post("t1", "trial_started", "{'plan':'pro'}");
        post("b1", "purchase_completed", "{}");

        JourneyInstance instance = only();
        assertThat(instance.status()).isEqualTo(JourneyInstance.Status.EXITED);
        assertThat(instance.endReason()).contains("conversion: purchase_completed (event b1)");
        assertThat(instance.path().get(1).left()).contains("conversion");
        assertThat(messages()).singleElement().satisfies(m -> assertThat(m.status()).as("still READY, so cancelled")
                .isEqualTo(MessageStatus.CANCELLED));
    }

    @Test
    void the_event_and_the_timeout_racing_cannot_both_win() {
        post("t1", "trial_started", "{'plan':'pro'}");
        JourneyInstance waiting = only();
        clock.advance(Duration.ofDays(2).plusSeconds(60));
        // the slot wakes it first (DUE) …
        assertThat(new JourneyWake(services.journeyInstances()).wakeNow(waiting)).isTrue();
        // … then the awaited event finds it no longer waiting, and a second wake from the same read loses
        post("p1", "project_created", "{}");
        assertThat(new JourneyWake(services.journeyInstances()).wakeNow(waiting)).isFalse();

        JourneyInstance instance = only();
        assertThat(instance.path().get(1).left()).contains("timeout");
        assertThat(messages()).extracting(Message::templateId).doesNotContain("congrats");
    }

    @Test
    void an_awaited_event_that_came_in_time_but_is_evaluated_after_the_timeout_still_takes_the_received_edge_once() {
        post("t1", "trial_started", "{'plan':'pro'}");
        clock.advance(Duration.ofDays(2).minusSeconds(30));
        // ingest stored it during the wait; evaluate lags behind (a burst, a retried batch) and the slot fires first
        io.nudge.model.Event late = new io.nudge.model.Event("p1", "ada", "project_created",
                (com.fasterxml.jackson.databind.node.ObjectNode) json("{}"), clock.instant(), clock.instant());
        assertThat(services.events().putIfAbsent(late)).isTrue();
        for (int n = 0; n < 150; n++) { // a busy user: more than a page of newer events to read past
            clock.advance(Duration.ofMillis(100));
            services.events().putIfAbsent(new io.nudge.model.Event("v" + n, "ada", "page_viewed",
                    (com.fasterxml.jackson.databind.node.ObjectNode) json("{}"), clock.instant(), clock.instant()));
        }

        timePasses(Duration.ofMinutes(2));

        JourneyInstance instance = only();
        assertThat(instance.path()).extracting(JourneyInstance.PathEntry::step).containsExactly("welcome", "created", "congrats", "end");
        assertThat(instance.path().get(1).left()).contains("received");
        assertThat(instance.path().get(1).detail()).contains("project_created (event p1)");
        assertThat(messages()).extracting(Message::templateId).containsExactlyInAnyOrder("welcome", "congrats");

        // evaluate gets to it at last: the wait it answered is over, and it answers nothing twice
        List<JourneyEngine.Outcome> outcomes = harness.engine.onEvent(late, services.users().find("ada").orElseThrow());
        harness.drain();
        assertThat(outcomes).isEmpty();
        assertThat(only()).isEqualTo(instance);
    }

    @Test
    void an_awaited_event_that_came_after_the_deadline_does_not_answer_a_timeout_run_late() {
        post("t1", "trial_started", "{'plan':'pro'}");
        JourneyInstance waiting = only();
        clock.advance(Duration.ofDays(2).plusSeconds(60));
        assertThat(new JourneyWake(services.journeyInstances()).wakeNow(waiting)).isTrue(); // DUE; advance-journeys runs later
        clock.advance(Duration.ofMinutes(10));
        services.events().putIfAbsent(new io.nudge.model.Event("p-late", "ada", "project_created",
                (com.fasterxml.jackson.databind.node.ObjectNode) json("{}"), clock.instant(), clock.instant()));

        harness.drain();

        assertThat(only().path().get(1).left()).as("stored ten minutes after the deadline: too late").contains("timeout");
    }

    @Test
    void a_journey_entered_once_refuses_the_second_entry() {
        journeys.put("onboarding", onboarding(new Reentry.Once()));
        post("t1", "trial_started", "{'plan':'pro'}");
        List<JourneyEngine.Outcome> second = post("t2", "trial_started", "{'plan':'pro'}");

        assertThat(second).singleElement().isInstanceOf(JourneyEngine.Outcome.NotEntered.class)
                .satisfies(o -> assertThat(((JourneyEngine.Outcome.NotEntered) o).reason()).startsWith("re-entry rule once"));
        assertThat(services.journeyInstances().forUser("ada", 10)).hasSize(1);
    }

    @Test
    void deleting_the_journey_ends_its_running_instances_at_once_and_nothing_of_it_runs_after() {
        post("t1", "trial_started", "{'plan':'pro'}");
        JourneyInstance waiting = only();
        assertThat(services.journeyInstances().activeOf("onboarding", 10)).containsExactly(waiting.id());
        journeys.remove("onboarding");

        assertThat(harness.engine.endAll("onboarding", 10)).isEqualTo(1);
        timePasses(Duration.ofDays(2));

        JourneyInstance ended = only();
        assertThat(ended.status()).isEqualTo(JourneyInstance.Status.EXITED);
        assertThat(ended.endReason()).contains("journey_deleted");
        assertThat(ended.path()).extracting(JourneyInstance.PathEntry::step).containsExactly("welcome", "created");
        assertThat(services.journeyInstances().activeOf("onboarding", 10)).as("out of the index").isEmpty();
        assertThat(messages()).singleElement().satisfies(m -> assertThat(m.status()).as("the welcome, not sent yet")
                .isEqualTo(MessageStatus.CANCELLED));
        assertThat(harness.engine.endAll("onboarding", 10)).as("nothing left").isZero();
    }

    @Test
    void once_per_a_window_refuses_an_entry_inside_it_and_takes_one_after_it() {
        journeys.put("onboarding", onboarding(new Reentry.OncePer(Duration.ofDays(7))));
        post("t1", "trial_started", "{'plan':'pro'}");
        clock.advance(Duration.ofDays(1));
        List<JourneyEngine.Outcome> inside = post("t2", "trial_started", "{'plan':'pro'}");
        clock.advance(Duration.ofDays(7));
        List<JourneyEngine.Outcome> after = post("t3", "trial_started", "{'plan':'pro'}");

        assertThat(inside).singleElement().isInstanceOf(JourneyEngine.Outcome.NotEntered.class)
                .satisfies(o -> assertThat(((JourneyEngine.Outcome.NotEntered) o).reason()).startsWith("re-entry rule once_per:PT168H"));
        assertThat(after).singleElement().isInstanceOf(JourneyEngine.Outcome.Entered.class);
        assertThat(services.journeyInstances().forUser("ada", 10)).hasSize(2);
    }

    @Test
    void a_new_entry_replaces_the_running_instance_when_the_journey_says_replace() {
        journeys.put("onboarding", onboarding(new Reentry.Replace()));
        post("t1", "trial_started", "{'plan':'pro'}");
        clock.advance(Duration.ofMinutes(1));
        post("t2", "trial_started", "{'plan':'pro'}");

        List<JourneyInstance> all = services.journeyInstances().forUser("ada", 10);
        assertThat(all).extracting(JourneyInstance::status).containsExactly(JourneyInstance.Status.ACTIVE, JourneyInstance.Status.EXITED);
        assertThat(all.get(1).endReason().orElseThrow()).startsWith("replaced_by: a newer trial_started (event t2)");
    }

    private List<JourneyEngine.Outcome> post(String id, String name, String properties) {
        return harness.post("ada", id, name, properties);
    }

    private void timePasses(Duration duration) {
        harness.timePasses(duration);
    }

    private JourneyInstance only() {
        List<JourneyInstance> all = services.journeyInstances().forUser("ada", 10);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private List<Message> messages() {
        return services.messages().forUser("ada", 50);
    }
}
