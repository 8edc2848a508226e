package io.nudge.evaluate;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.Channels;
import io.nudge.definitions.DefinitionService;
import io.nudge.deliver.DeliverService;
import io.nudge.deliver.DeliveryResult;
import io.nudge.guards.GuardSettings;
import io.nudge.model.Event;
import io.nudge.model.HistoryEntry;
import io.nudge.model.MessageStatus;
import io.nudge.stats.Counter;
import io.nudge.stats.Subject;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingSenders;
import io.nudge.testing.TestDynamo;
import io.nudge.trigger.TriggerParser;
import io.nudge.users.UserService;
import io.nudge.validation.InvalidInputException;
import io.nudge.wiring.Services;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A trigger's conversion goal: attributed to the last message sent within the window, once. */
class ConversionTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T12:00:00Z");
    private final RecordingSenders senders = new RecordingSenders();
    private Services services;
    private DefinitionService definitions;
    private EvaluateService evaluate;
    private DeliverService deliver;
    private int events;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("mail", json("{'channel':'email','subject':'s','text':'x'}"));
        definitions.putTrigger("welcome", json("{'event':'signed_up','channel':'email','template':'mail',"
                + "'conversion':{'event':'purchase_completed','within':'P3D'}}"));
        definitions.putTrigger("reminder", json("{'event':'cart_abandoned','channel':'email','template':'mail',"
                + "'conversion':{'event':'purchase_completed','within':'PT6H'}}"));
        new UserService(services.users(), clock).upsert("u", json("{'email':'u@example.com'}"));
        evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        deliver = services.deliver(Channels.withoutPush(senders, senders, "from@example.com"), GuardSettings.defaults());
        deliver.refreshDefinitions();
    }

    private Event event(String name) {
        Event event = new Event("e" + ++events, "u", name, (ObjectNode) json("{}"), clock.instant(), clock.instant());
        services.events().putIfAbsent(event);
        return event;
    }

    /** The trigger fires and deliver sends the message now. */
    private String sendFor(String eventName) {
        Evaluation evaluation = evaluate.evaluate(event(eventName));
        String id = ((Evaluation.Matched) evaluation.decisions().get(0)).messageId();
        assertThat(deliver.deliver(services.messages().find(id).orElseThrow())).isInstanceOf(DeliveryResult.Sent.class);
        return id;
    }

    private long converted(String triggerId) {
        return services.stats().read(Subject.trigger(triggerId), null, null).stream()
                .mapToLong(day -> day.counts().getOrDefault(Counter.CONVERTED.wire(), 0L)).sum();
    }

    private List<String> reasons(String messageId) {
        return services.messages().find(messageId).orElseThrow().history().stream().map(HistoryEntry::reason).filter(r -> r != null).toList();
    }

    @Test
    void a_purchase_within_the_window_converts_the_message_once() {
        String id = sendFor("signed_up");
        clock.advance(Duration.ofDays(2));

        Event purchase = event("purchase_completed");
        Evaluation first = evaluate.evaluate(purchase);
        Evaluation replay = evaluate.evaluate(purchase);
        clock.advance(Duration.ofHours(1));
        Evaluation another = evaluate.evaluate(event("purchase_completed"));

        assertThat(first.decisions()).containsExactly(new Evaluation.Converted("welcome", id, true));
        assertThat(replay.decisions()).containsExactly(new Evaluation.Converted("welcome", id, true));
        assertThat(another.decisions()).containsExactly(new Evaluation.Converted("welcome", id, false));
        assertThat(converted("welcome")).isEqualTo(1);
        assertThat(reasons(id)).containsOnlyOnce("converted: purchase_completed (event " + purchase.id() + ")");
        assertThat(services.messages().find(id).orElseThrow().status()).isEqualTo(MessageStatus.SENT);
        assertThat(services.events().rawItem(purchase.id())).hasValueSatisfying(item -> {
            var decision = item.get("evaluation").l().get(0).m();
            assertThat(decision.get("converted").s()).isEqualTo(id);
            assertThat(decision.get("reason").s()).contains("last touch");
        });
    }

    @Test
    void a_purchase_outside_the_window_or_before_the_send_does_not_convert() {
        Event early = event("purchase_completed");
        clock.advance(Duration.ofMinutes(1));
        sendFor("signed_up");
        assertThat(evaluate.evaluate(early).decisions()).isEmpty();

        clock.advance(Duration.ofDays(3).plusMinutes(1));
        assertThat(evaluate.evaluate(event("purchase_completed")).decisions()).isEmpty();
        assertThat(converted("welcome")).isZero();
    }

    @Test
    void the_most_recent_message_within_its_window_gets_the_conversion() {
        String welcome = sendFor("signed_up");
        clock.advance(Duration.ofHours(1));
        String reminder = sendFor("cart_abandoned");
        clock.advance(Duration.ofHours(2));

        assertThat(evaluate.evaluate(event("purchase_completed")).decisions()).containsExactly(new Evaluation.Converted("reminder", reminder, true));
        assertThat(converted("reminder")).isEqualTo(1);
        assertThat(converted("welcome")).isZero();

        // past the reminder's six hours but within the welcome's three days: the welcome is the last touch left
        clock.advance(Duration.ofHours(5));
        assertThat(evaluate.evaluate(event("purchase_completed")).decisions()).containsExactly(new Evaluation.Converted("welcome", welcome, true));
    }

    @Test
    void a_bounced_message_does_not_convert() {
        String id = sendFor("signed_up");
        services.messages().transitionFrom(id, java.util.Set.of(MessageStatus.SENT), MessageStatus.BOUNCED, Optional.of("bounce"), clock.instant());
        clock.advance(Duration.ofHours(1));

        assertThat(evaluate.evaluate(event("purchase_completed")).decisions()).isEmpty();
        assertThat(converted("welcome")).isZero();
    }

    @Test
    void the_goal_is_validated_and_stored_in_normal_form() {
        assertThat(definitions.putTrigger("welcome", json("{'event':'signed_up','channel':'email','template':'mail',"
                + "'conversion':{'event':'purchase_completed','within':'P3D'}}")).document().get("conversion"))
                .isEqualTo(json("{'event':'purchase_completed','within':'PT72H'}"));
        assertThat(TriggerParser.fromStored("welcome", TriggerParser.toJson(TriggerParser.fromStored("welcome",
                services.definitions().list(io.nudge.store.DefinitionStore.TRIGGER).stream().filter(s -> s.id().equals("welcome"))
                        .findFirst().orElseThrow().document()))).conversion())
                .hasValueSatisfying(goal -> assertThat(goal.within()).isEqualTo(Duration.ofDays(3)));

        for (String[] bad : new String[][] {
                {"{'event':'purchase completed','within':'P3D'}", "/conversion/event"},
                {"{'within':'P3D'}", "/conversion/event"},
                {"{'event':'purchase_completed'}", "/conversion/within"},
                {"{'event':'purchase_completed','within':'three days'}", "/conversion/within"},
                {"{'event':'purchase_completed','within':'P400D'}", "/conversion/within"},
                {"{'event':'purchase_completed','within':'PT10S'}", "/conversion/within"},
                {"'purchase_completed'", "/conversion"}}) {
            assertThatThrownBy(() -> definitions.putTrigger("t", json("{'event':'signed_up','channel':'email','template':'mail',"
                    + "'conversion':" + bad[0] + "}")))
                    .as(bad[0]).isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(bad[1]));
        }
    }
}
