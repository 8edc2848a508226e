package io.nudge.evaluate;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.config.Tables;
import io.nudge.definitions.DefinitionService;
import io.nudge.model.Event;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.testing.MutableClock;
import io.nudge.trigger.Operator;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EvaluateServiceTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private Services services;
    private EvaluateService evaluate;

    @BeforeEach
    void setUp() {
        Tables tables = TestDynamo.freshTables();
        services = Services.builder(TestDynamo.client(), tables).clock(clock).build();
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("welcome", json("{'channel':'email','subject':'Hi {{ user.attributes.first_name }}','text':'Welcome'}"));
        definitions.putTrigger("welcome_pro", json("{'event':'signed_up','conditions':[{'path':'event.properties.plan','op':'eq','value':'pro'}],"
                + "'channel':'email','template':'welcome'}"));
        evaluate = services.evaluate();
        evaluate.refreshDefinitions();
    }

    private Event event(String id, String userId, String name, String properties) {
        Instant now = clock.instant();
        Event event = new Event(id, userId, name, (ObjectNode) json(properties), now, now);
        services.events().putIfAbsent(event);
        return event;
    }

    @Test
    void matching_event_writes_one_ready_message_with_the_event_context() {
        Evaluation evaluation = evaluate.evaluate(event("e1", "u1", "signed_up", "{'plan':'pro'}"));

        assertThat(evaluation.decisions()).singleElement().isInstanceOf(Evaluation.Matched.class);
        List<Message> messages = services.messages().forUser("u1", 10);
        assertThat(messages).singleElement().satisfies(m -> {
            assertThat(m.status()).isEqualTo(MessageStatus.READY);
            assertThat(m.triggerId()).isEqualTo("welcome_pro");
            assertThat(m.id()).matches("[a-z2-7]{26}");
            assertThat(m.context().at("/event/properties/plan").asText()).isEqualTo("pro");
            assertThat(m.history()).extracting(h -> h.status()).containsExactly(MessageStatus.READY);
        });
    }

    @Test
    void evaluating_the_same_event_twice_creates_nothing_twice() {
        Event event = event("e1", "u1", "signed_up", "{'plan':'pro'}");
        evaluate.evaluate(event);
        Evaluation second = evaluate.evaluate(event);

        assertThat(second.decisions()).singleElement()
                .isEqualTo(new Evaluation.Matched("welcome_pro", ((Evaluation.Matched) second.decisions().get(0)).messageId(), false));
        assertThat(services.messages().forUser("u1", 10)).hasSize(1);
    }

    @Test
    void non_matching_event_writes_no_message_and_records_why() {
        Evaluation evaluation = evaluate.evaluate(event("e2", "u2", "signed_up", "{'plan':'free'}"));

        assertThat(evaluation.decisions()).singleElement()
                .isEqualTo(new Evaluation.NotMatched("welcome_pro", 0, "event.properties.plan", Operator.EQ,
                        Optional.of(json("'pro'")), new Evaluation.Value(json("'free'"))));
        assertThat(services.messages().forUser("u2", 10)).isEmpty();
        assertThat(services.events().rawItem("e2")).hasValueSatisfying(item ->
                assertThat(item.get("evaluation").l().get(0).m().get("reason").s()).contains("event.properties.plan"));
    }

    /** The stored evaluation as JSON text reads it back (DynamoDB numbers come back as decimals). */
    private JsonNode storedEvaluation(String eventId) throws Exception {
        return io.nudge.json.Json.parse(io.nudge.store.AttributeValues.toJson(
                services.events().rawItem(eventId).orElseThrow().get("evaluation")).toString());
    }

    @Test
    void a_stored_not_matched_decision_names_the_operator_the_expected_and_the_actual_value() throws Exception {
        new DefinitionService(services.definitions(), clock).putTrigger("big", json("{'event':'ordered','conditions':"
                + "[{'path':'event.properties.total','op':'gte','value':100},{'path':'user.attributes.tier','op':'in','value':['gold']}],"
                + "'channel':'email','template':'welcome'}"));
        evaluate.refreshDefinitions();
        evaluate.evaluate(event("e7", "u7", "ordered", "{'total':99.5}"));

        JsonNode stored = storedEvaluation("e7");
        assertThat(stored.get(0)).isEqualTo(json("{'triggerId':'big','matched':false,'reason':'condition 0 (event.properties.total) did not hold',"
                + "'condition':{'index':0,'path':'event.properties.total','op':'gte','expected':100,'actual':99.5}}"));
    }

    @Test
    void a_missing_value_has_no_actual_and_a_list_value_is_expected_as_a_list() throws Exception {
        new DefinitionService(services.definitions(), clock).putTrigger("big", json("{'event':'ordered','conditions':"
                + "[{'path':'event.properties.total','op':'exists'},{'path':'user.attributes.tier','op':'in','value':['gold']}],"
                + "'channel':'email','template':'welcome'}"));
        evaluate.refreshDefinitions();
        evaluate.evaluate(event("e8", "u8", "ordered", "{}"));
        evaluate.evaluate(event("e9", "u8", "ordered", "{'total':5}"));

        JsonNode missing = storedEvaluation("e8");
        assertThat(missing.get(0).get("condition")).isEqualTo(json("{'index':0,'path':'event.properties.total','op':'exists'}"));
        JsonNode second = storedEvaluation("e9");
        assertThat(second.get(0).get("condition")).isEqualTo(json("{'index':1,'path':'user.attributes.tier','op':'in','expected':['gold']}"));
    }

    @Test
    void a_large_actual_value_is_not_copied_into_the_evaluation() throws Exception {
        new DefinitionService(services.definitions(), clock).putTrigger("big", json("{'event':'ordered','conditions':"
                + "[{'path':'event.properties.note','op':'eq','value':'x'}],'channel':'email','template':'welcome'}"));
        evaluate.refreshDefinitions();
        String note = "y".repeat(5000);
        evaluate.evaluate(event("e10", "u10", "ordered", "{'note':'" + note + "'}"));

        JsonNode stored = storedEvaluation("e10");
        assertThat(stored.get(0).get("condition").has("actual")).isFalse();
        assertThat(stored.get(0).get("condition").get("actualOmitted").asText()).contains("5002 characters");
    }

    @Test
    void an_event_for_an_unknown_user_creates_a_bare_profile() {
        evaluate.evaluate(event("e3", "newcomer", "app_opened", "{}"));

        assertThat(services.users().find("newcomer")).hasValueSatisfying(u -> {
            assertThat(u.email()).isEmpty();
            assertThat(u.createdAt()).isEqualTo(clock.instant());
        });
    }

    @Test
    void conditions_on_the_user_read_the_stored_profile() {
        new DefinitionService(services.definitions(), clock).putTrigger("vip", json("{'event':'signed_up','conditions':"
                + "[{'path':'user.attributes.tier','op':'in','value':['gold','platinum']}],'channel':'email','template':'welcome'}"));
        new UserService(services.users(), clock).upsert("u4", json("{'attributes':{'tier':'gold'}}"));
        evaluate.refreshDefinitions();

        Evaluation evaluation = evaluate.evaluate(event("e4", "u4", "signed_up", "{'plan':'free'}"));

        assertThat(evaluation.decisions()).extracting(Evaluation.Decision::triggerId, d -> d instanceof Evaluation.Matched)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("welcome_pro", false), org.assertj.core.groups.Tuple.tuple("vip", true));
    }

    @Test
    void a_trigger_saved_after_the_cache_was_filled_is_seen_after_refresh() {
        evaluate.evaluate(event("e5", "u5", "cart_abandoned", "{}"));
        new DefinitionService(services.definitions(), clock).putTrigger("cart", json("{'event':'cart_abandoned','channel':'email','template':'welcome'}"));
        evaluate.refreshDefinitions();

        Evaluation evaluation = evaluate.evaluate(event("e6", "u5", "cart_abandoned", "{}"));

        assertThat(evaluation.decisions()).singleElement().isInstanceOf(Evaluation.Matched.class);
    }
}
