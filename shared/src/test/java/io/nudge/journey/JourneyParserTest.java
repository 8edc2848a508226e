package io.nudge.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.testing.JourneyFixtures;
import io.nudge.model.Channel;
import io.nudge.model.Priority;
import io.nudge.trigger.Reentry;
import io.nudge.validation.InvalidInputException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class JourneyParserTest {
    static final String ONBOARDING = JourneyFixtures.ONBOARDING;
    static final Function<String, Optional<Channel>> LOOKUP = JourneyFixtures::templateChannel;

    static ObjectNode onboarding() {
        return JourneyFixtures.onboarding();
    }

    private static JourneyDefinition parse(JsonNode doc) {
        return JourneyParser.parse("onboarding", doc, LOOKUP);
    }

    /** The onboarding document changed by {@code edit} is refused with {@code code} at {@code field}. */
    private static void refused(Consumer<ObjectNode> edit, String code, String field) {
        ObjectNode doc = onboarding();
        edit.accept(doc);
        assertThatThrownBy(() -> parse(doc)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        });
    }

    private static ObjectNode step(ObjectNode doc, String id) {
        return (ObjectNode) doc.get("steps").get(id);
    }

    private static JsonNode json(String singleQuoted) {
        return io.nudge.testing.Fixtures.json(singleQuoted);
    }

    @Test
    void the_issues_onboarding_document_parses_into_the_model() {
        JourneyDefinition journey = parse(onboarding());

        assertThat(journey.version()).isZero();
        assertThat(journey.name()).isEqualTo("Onboarding");
        assertThat(journey.entry().event()).isEqualTo("signed_up");
        assertThat(journey.entry().conditions()).singleElement().satisfies(c -> assertThat(c.path()).isEqualTo("event.properties.plan"));
        assertThat(journey.reentry()).isEqualTo(new Reentry.Once());
        assertThat(journey.exitOn()).hasSize(2);
        assertThat(journey.exitOn().get(1).match()).containsExactly(List.of("properties", "cartId"));
        assertThat(journey.conversion()).contains(new JourneyDefinition.JourneyConversion("project_created", Duration.ofDays(14), true));
        assertThat(journey.steps().keySet()).containsExactly("welcome", "wait_day", "created", "engaged", "tips", "tips_a", "tips_b",
                "sms", "mark", "congrats", "end");
        assertThat(journey.step("welcome")).isInstanceOfSatisfying(JourneyStep.Send.class, s -> {
            assertThat(s.priority()).isEqualTo(Priority.TRANSACTIONAL);
            assertThat(s.next()).contains("wait_day");
        });
        assertThat(journey.step("wait_day")).isInstanceOfSatisfying(JourneyStep.Delay.class,
                d -> assertThat(d.sendAt().orElseThrow().localTime()).hasToString("10:00"));
        assertThat(journey.step("created").successors()).containsExactly("congrats", "engaged");
        assertThat(journey.step("tips")).isInstanceOfSatisfying(JourneyStep.Split.class,
                s -> assertThat(s.arms()).extracting(JourneyStep.Split.Arm::id).containsExactly("A", "B"));
        assertThat(journey.step("mark")).isInstanceOfSatisfying(JourneyStep.UpdateUser.class,
                u -> assertThat(u.attributes()).containsEntry("onboarding", Json.MAPPER.getNodeFactory().textNode("nudged")));
        assertThat(journey.step("end")).isInstanceOf(JourneyStep.Exit.class);
    }

    @Test
    void to_json_fills_in_the_defaults_and_parses_back_to_the_same_journey() {
        JourneyDefinition journey = parse(onboarding());
        ObjectNode doc = JourneyParser.toJson(journey);

        assertThat(parse(doc)).isEqualTo(journey);
        assertThat(JourneyParser.toJson(parse(doc))).isEqualTo(doc);
        assertThat(doc.at("/steps/tips_a/priority").asText()).isEqualTo("marketing");
        assertThat(doc.at("/steps/wait_day/sendAt/timezone").asText()).isEqualTo("UTC");
        assertThat(doc.at("/exitOn/0/match").isArray()).isTrue();
        assertThat(doc.has("id")).isFalse();
        assertThat(JourneyParser.fromStored("onboarding", 3, doc)).isEqualTo(JourneyParser.withVersion(journey, 3));
    }

    @Test
    void a_minimal_document_gets_the_defaults() {
        JourneyDefinition journey = JourneyParser.parse("j", json("{'name':'One','entry':{'event':'e'},'start':'s',"
                + "'steps':{'s':{'type':'send','channel':'sms','template':'nudge_sms'}}}"), LOOKUP);

        assertThat(journey.enabled()).isTrue();
        assertThat(journey.reentry()).isEqualTo(new Reentry.Always());
        assertThat(journey.exitOn()).isEmpty();
        assertThat(journey.conversion()).isEmpty();
        assertThat(journey.step("s").successors()).isEmpty();
    }

    @Test
    void unknown_fields_are_refused_at_every_level() {
        refused(d -> d.put("delay", "PT1H"), "unknown_field", "/delay");
        refused(d -> ((ObjectNode) d.get("entry")).put("channel", "email"), "unknown_field", "/entry/channel");
        refused(d -> step(d, "wait_day").put("timeout", "P1D"), "unknown_field", "/steps/wait_day/timeout");
        refused(d -> ((ObjectNode) step(d, "tips").get("arms").get(0)).put("template", "x"), "unknown_field", "/steps/tips/arms/0/template");
        refused(d -> step(d, "end").put("next", "welcome"), "unknown_field", "/steps/end/next");
        refused(d -> step(d, "end").put("type", "goto"), "unknown_step_type", "/steps/end/type");
    }

    @Test
    void a_step_referenced_but_not_defined_is_named_where_it_is_referenced() {
        refused(d -> d.put("start", "hello"), "unknown_step", "/start");
        refused(d -> step(d, "welcome").put("next", "nope"), "unknown_step", "/steps/welcome/next");
        refused(d -> step(d, "created").put("timeoutNext", "nope"), "unknown_step", "/steps/created/timeoutNext");
        refused(d -> ((ObjectNode) step(d, "engaged").get("branches").get(0)).put("next", "nope"), "unknown_step",
                "/steps/engaged/branches/0/next");
        refused(d -> step(d, "engaged").put("default", "nope"), "unknown_step", "/steps/engaged/default");
        refused(d -> ((ObjectNode) step(d, "tips").get("arms").get(1)).put("next", "nope"), "unknown_step", "/steps/tips/arms/1/next");
    }

    @Test
    void an_unknown_template_or_one_of_another_channel_is_refused() {
        refused(d -> step(d, "tips_a").put("template", "missing"), "unknown_template", "/steps/tips_a/template");
        refused(d -> step(d, "sms").put("template", "welcome_email"), "channel_mismatch", "/steps/sms/template");
    }

    @Test
    void a_cycle_is_refused_naming_the_steps_on_it() {
        ObjectNode doc = onboarding();
        step(doc, "mark").put("next", "engaged");
        assertThatThrownBy(() -> parse(doc)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.code()).isEqualTo("cycle");
            assertThat(e.field()).isEqualTo("/steps/mark/next");
            assertThat(e.getMessage()).contains("engaged → tips → tips_a → mark → engaged");
        });
    }

    @Test
    void a_step_nothing_reaches_is_refused() {
        refused(d -> ((ObjectNode) d.get("steps")).set("orphan", json("{'type':'exit'}")), "unreachable_step", "/steps/orphan");
    }

    @Test
    void more_than_fifty_steps_are_refused() {
        refused(d -> {
            for (int i = 0; i < 40; i++) {
                ((ObjectNode) d.get("steps")).set("extra" + i, json("{'type':'exit'}"));
            }
        }, "too_many_steps", "/steps");
    }

    @Test
    void more_than_a_year_of_waiting_on_the_longest_path_is_refused() {
        // 364 days of delay + 2 of wait_for timeout: the timeout is where the total passes a year
        refused(d -> step(d, "wait_day").put("duration", "P364D"), "too_long", "/steps/created/timeout");
    }

    @Test
    void the_waiting_limit_adds_delays_and_timeouts_along_a_path() {
        ObjectNode doc = onboarding();
        step(doc, "wait_day").put("duration", "P300D");
        step(doc, "created").put("timeout", "P65D");
        assertThat(parse(doc).step("created")).isInstanceOf(JourneyStep.WaitFor.class);
        step(doc, "created").put("timeout", "P66D");
        assertThatThrownBy(() -> parse(doc)).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.code()).isEqualTo("too_long");
            assertThat(e.field()).isEqualTo("/steps/created/timeout");
        });
    }

    @Test
    void a_steps_condition_must_read_a_send_step_passed_on_every_path() {
        // welcome comes before engaged on every path: fine (the issue's document). tips_a does not come before engaged.
        refused(d -> ((ObjectNode) step(d, "engaged").at("/branches/0/conditions/0")).put("path", "steps.tips_a.opened"),
                "step_not_before", "/steps/engaged/branches/0/conditions/0/path");
        // wait_day is before it, but not a send step
        refused(d -> ((ObjectNode) step(d, "engaged").at("/branches/0/conditions/0")).put("path", "steps.wait_day.sent"),
                "step_not_before", "/steps/engaged/branches/0/conditions/0/path");
        // a branch after the split: tips_a is on one path to it only
        refused(d -> {
            ((ObjectNode) d.get("steps")).set("after", json("{'type':'branch','branches':[{'conditions':"
                    + "[{'path':'steps.tips_a.clicked','op':'eq','value':true}],'next':'end'}],'default':'end'}"));
            step(d, "mark").put("next", "after");
        }, "step_not_before", "/steps/after/branches/0/conditions/0/path");
        refused(d -> ((ObjectNode) step(d, "engaged").at("/branches/0/conditions/0")).put("path", "steps.welcome.read"),
                "invalid_path", "/steps/engaged/branches/0/conditions/0/path");
    }

    @Test
    void a_branch_reads_the_entry_event_anywhere_and_the_waking_event_only_after_a_wait_for() {
        ObjectNode doc = onboarding();
        ObjectNode condition = (ObjectNode) step(doc, "engaged").at("/branches/0/conditions/0");
        condition.put("path", "entry.properties.plan");
        assertThat(parse(doc).step("engaged")).isInstanceOf(JourneyStep.Branch.class);
        condition.put("path", "event.properties.projectId");
        assertThat(parse(doc).step("engaged")).isInstanceOf(JourneyStep.Branch.class);
        condition.put("path", "user.attributes.plan");
        assertThat(parse(doc).step("engaged")).isInstanceOf(JourneyStep.Branch.class);

        refused(d -> {
            ((ObjectNode) d.get("steps")).set("first", json("{'type':'branch','branches':[{'conditions':"
                    + "[{'path':'event.name','op':'eq','value':'x'}],'next':'welcome'}],'default':'welcome'}"));
            d.put("start", "first");
        }, "no_waking_event", "/steps/first/branches/0/conditions/0/path");
        refused(d -> ((ObjectNode) step(d, "engaged").at("/branches/0/conditions/0")).put("path", "entry.attributes.x"),
                "invalid_path", "/steps/engaged/branches/0/conditions/0/path");
        refused(d -> ((ObjectNode) d.at("/entry/conditions/0")).put("path", "steps.welcome.sent"),
                "invalid_path", "/entry/conditions/0/path");
    }

    @Test
    void split_weights_are_1_to_1000_and_arm_ids_unique() {
        refused(d -> ((ObjectNode) step(d, "tips").at("/arms/0")).put("weight", 0), "invalid_weight", "/steps/tips/arms/0/weight");
        refused(d -> ((ObjectNode) step(d, "tips").at("/arms/1")).put("weight", 1001), "invalid_weight", "/steps/tips/arms/1/weight");
        refused(d -> ((ObjectNode) step(d, "tips").at("/arms/1")).put("weight", 2.5), "invalid_weight", "/steps/tips/arms/1/weight");
        refused(d -> ((ObjectNode) step(d, "tips").at("/arms/1")).put("id", "A"), "duplicate_arm", "/steps/tips/arms/1/id");
        refused(d -> step(d, "tips").set("arms", Json.MAPPER.createArrayNode()), "invalid_field", "/steps/tips/arms");
    }

    @Test
    void durations_are_one_second_up() {
        refused(d -> step(d, "wait_day").put("duration", "PT0.5S"), "invalid_duration", "/steps/wait_day/duration");
        refused(d -> step(d, "wait_day").put("duration", "PT0S"), "invalid_duration", "/steps/wait_day/duration");
        refused(d -> step(d, "created").put("timeout", "soon"), "invalid_duration", "/steps/created/timeout");
        refused(d -> step(d, "created").remove("timeout"), "missing_field", "/steps/created/timeout");
        ObjectNode doc = onboarding();
        step(doc, "wait_day").put("duration", "PT1S");
        assertThat(((JourneyStep.Delay) parse(doc).step("wait_day")).duration()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void the_fields_shared_with_triggers_are_checked_with_their_pointers() {
        refused(d -> d.put("reentry", "twice"), "unknown_reentry", "/reentry");
        refused(d -> ((ArrayNode) d.at("/exitOn/1/match")).removeAll().add("cartId"), "invalid_path", "/exitOn/1/match/0");
        refused(d -> ((ArrayNode) step(d, "created").get("match")).add("user.id"), "invalid_path", "/steps/created/match/0");
        refused(d -> ((ObjectNode) step(d, "wait_day").get("sendAt")).put("localTime", "25:00"), "invalid_time",
                "/steps/wait_day/sendAt/localTime");
        refused(d -> step(d, "welcome").put("quietHours", "late"), "invalid_time", "/steps/welcome/quietHours");
        refused(d -> step(d, "welcome").put("frequencyCap", 0), "invalid_field", "/steps/welcome/frequencyCap");
        refused(d -> ((ObjectNode) d.get("conversion")).put("exit", "yes"), "invalid_field", "/conversion/exit");
        refused(d -> ((ObjectNode) d.at("/entry/conditions/0")).put("op", "like"), "unknown_operator", "/entry/conditions/0/op");
        refused(d -> step(d, "mark").set("attributes", json("{'bad name':1}")), "invalid_field", "/steps/mark/attributes/bad name");
        refused(d -> d.remove("name"), "missing_field", "/name");
        refused(d -> d.remove("entry"), "invalid_field", "/entry");
    }

    @Test
    void update_user_keeps_null_to_clear_an_attribute() {
        ObjectNode doc = onboarding();
        step(doc, "mark").set("attributes", json("{'onboarding':null,'stage':2}"));
        JourneyStep.UpdateUser mark = (JourneyStep.UpdateUser) parse(doc).step("mark");
        assertThat(mark.attributes().get("onboarding").isNull()).isTrue();
        assertThat(JourneyParser.toJson(parse(doc)).at("/steps/mark/attributes").toString()).isEqualTo("{\"onboarding\":null,\"stage\":2}");
    }
}
