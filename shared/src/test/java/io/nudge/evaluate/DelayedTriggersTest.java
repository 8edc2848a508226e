package io.nudge.evaluate;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.definitions.DefinitionService;
import io.nudge.model.Event;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Delays, send-at local times, re-entry rules and exception events, with an injected clock. */
class DelayedTriggersTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T08:00:00Z");
    private Services services;
    private DefinitionService definitions;
    private EvaluateService evaluate;
    private int events;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("t", json("{'channel':'email','subject':'s','text':'x'}"));
        evaluate = services.evaluate();
    }

    private void trigger(String id, String body) {
        definitions.putTrigger(id, json(body));
        evaluate.refreshDefinitions();
    }

    private Evaluation post(String userId, String name, String properties, Instant timestamp) {
        Event event = new Event("e" + ++events, userId, name, (ObjectNode) json(properties), timestamp, clock.instant());
        services.events().putIfAbsent(event);
        return evaluate.evaluate(event);
    }

    private List<Message> messages(String userId) {
        return services.messages().forUser(userId, 100).stream().sorted(Comparator.comparing(Message::createdAt)).toList();
    }

    @Test
    void a_delay_counts_from_the_events_timestamp_and_schedules_the_message() {
        trigger("cart", "{'event':'cart_abandoned','channel':'email','template':'t','delay':'PT1H'}");

        post("u1", "cart_abandoned", "{}", Instant.parse("2026-11-24T07:50:00Z"));

        Message m = messages("u1").get(0);
        assertThat(m.status()).isEqualTo(MessageStatus.SCHEDULED);
        assertThat(m.reason()).contains("delay");
        assertThat(m.dueAt()).contains(Instant.parse("2026-11-24T08:50:00Z"));
        assertThat(services.messages().slotKeyOf(m)).startsWith(Instant.parse("2026-11-24T08:50:00Z").getEpochSecond() + "#");
    }

    @Test
    void a_delay_already_over_by_the_time_of_evaluation_is_ready_at_once() {
        trigger("cart", "{'event':'cart_abandoned','channel':'email','template':'t','delay':'PT10M'}");

        post("u1", "cart_abandoned", "{}", Instant.parse("2026-11-24T07:49:30Z"));

        assertThat(messages("u1").get(0).status()).isEqualTo(MessageStatus.READY);
    }

    @Test
    void send_at_is_the_next_local_time_in_the_users_zone() {
        trigger("tips", "{'event':'first_session','channel':'email','template':'t','delay':'P1D','sendAt':{'localTime':'10:00','timezone':'Europe/Berlin'}}");
        new UserService(services.users(), clock).upsert("ny", json("{'timezone':'America/New_York'}"));

        post("ny", "first_session", "{}", Instant.parse("2026-11-24T08:00:00Z"));   // 03:00 in New York
        post("nozone", "first_session", "{}", Instant.parse("2026-11-24T08:00:00Z")); // default zone: Berlin

        assertThat(messages("ny").get(0).dueAt()).contains(Instant.parse("2026-11-25T15:00:00Z"));
        assertThat(messages("ny").get(0).reason()).contains("send_at");
        assertThat(messages("nozone").get(0).dueAt()).contains(Instant.parse("2026-11-25T09:00:00Z"));
    }

    @Test
    void send_at_follows_daylight_saving_changes() {
        trigger("tips", "{'event':'first_session','channel':'email','template':'t','delay':'P1D','sendAt':{'localTime':'10:00','timezone':'Europe/Berlin'}}");
        trigger("night", "{'event':'late','channel':'email','template':'t','sendAt':{'localTime':'02:30','timezone':'Europe/Berlin'}}");
        clock.set(Instant.parse("2026-03-28T09:00:00Z"));

        post("spring", "first_session", "{}", Instant.parse("2026-03-28T07:00:00Z")); // 08:00 CET; +1 day = 09:00 CEST
        post("gap", "late", "{}", Instant.parse("2026-03-28T23:00:00Z"));             // 02:30 does not exist on 29 March

        assertThat(messages("spring").get(0).dueAt()).contains(Instant.parse("2026-03-29T08:00:00Z")); // 10:00 CEST
        assertThat(messages("gap").get(0).dueAt()).contains(Instant.parse("2026-03-29T01:30:00Z"));    // 03:30 CEST

        clock.set(Instant.parse("2026-10-24T09:00:00Z"));
        post("autumn", "first_session", "{}", Instant.parse("2026-10-24T09:00:00Z"));
        assertThat(messages("autumn").get(0).dueAt()).contains(Instant.parse("2026-10-25T09:00:00Z")); // 10:00 CET
    }

    @Test
    void replace_keeps_only_the_latest_pending_message() {
        trigger("winback", "{'event':'app_opened','channel':'email','template':'t','delay':'P14D','reentry':'replace'}");

        post("u1", "app_opened", "{}", clock.instant());
        clock.advance(Duration.ofHours(1));
        post("u1", "app_opened", "{}", clock.instant());
        clock.advance(Duration.ofHours(1));
        post("u1", "app_opened", "{}", clock.instant());

        List<Message> all = messages("u1");
        assertThat(all).extracting(Message::status)
                .containsExactly(MessageStatus.CANCELLED, MessageStatus.CANCELLED, MessageStatus.SCHEDULED);
        assertThat(all.get(0).reason().orElseThrow()).startsWith("replaced_by: a newer app_opened (event e2)");
        assertThat(all.get(2).dueAt()).contains(clock.instant().plus(Duration.ofDays(14)));
    }

    @Test
    void once_sends_one_message_per_user_ever() {
        trigger("first", "{'event':'purchase','channel':'email','template':'t','reentry':'once'}");

        post("u1", "purchase", "{}", clock.instant());
        clock.advance(Duration.ofDays(30));
        post("u1", "purchase", "{}", clock.instant());
        post("u2", "purchase", "{}", clock.instant());

        assertThat(messages("u1")).hasSize(1);
        assertThat(messages("u2")).hasSize(1);
    }

    @Test
    void once_per_allows_one_message_per_window() {
        trigger("digest", "{'event':'viewed','channel':'email','template':'t','reentry':'once_per:P7D'}");

        post("u1", "viewed", "{}", clock.instant());
        clock.advance(Duration.ofDays(1));
        Evaluation blocked = post("u1", "viewed", "{}", clock.instant());
        clock.advance(Duration.ofDays(7));
        post("u1", "viewed", "{}", clock.instant());

        assertThat(blocked.decisions()).singleElement().isInstanceOf(Evaluation.ReentryBlocked.class);
        assertThat(messages("u1")).hasSize(2);
    }

    @Test
    void the_same_event_evaluated_twice_under_once_per_still_has_its_message() {
        trigger("digest", "{'event':'viewed','channel':'email','template':'t','reentry':'once_per:P7D'}");
        Event event = new Event("replayed", "u1", "viewed", (ObjectNode) json("{}"), clock.instant(), clock.instant());

        evaluate.evaluate(event);
        Evaluation again = evaluate.evaluate(event);

        assertThat(again.decisions()).singleElement().isInstanceOf(Evaluation.Matched.class);
        assertThat(messages("u1")).hasSize(1);
    }

    @Test
    void an_exception_event_cancels_only_the_message_whose_properties_match() {
        trigger("cart", "{'event':'cart_abandoned','channel':'email','template':'t','delay':'PT1H',"
                + "'cancelOn':[{'event':'purchase_completed','match':['properties.cartId']}]}");
        post("u1", "cart_abandoned", "{'cartId':'c1'}", clock.instant());
        post("u1", "cart_abandoned", "{'cartId':'c2'}", clock.instant());

        clock.advance(Duration.ofMinutes(20));
        Evaluation purchase = post("u1", "purchase_completed", "{'cartId':'c1','total':30}", clock.instant());

        assertThat(purchase.decisions()).singleElement().isInstanceOf(Evaluation.Cancelled.class);
        List<Message> all = messages("u1");
        Message c1 = all.stream().filter(m -> m.context().at("/event/properties/cartId").asText().equals("c1")).findFirst().orElseThrow();
        Message c2 = all.stream().filter(m -> m.context().at("/event/properties/cartId").asText().equals("c2")).findFirst().orElseThrow();
        assertThat(c1.status()).isEqualTo(MessageStatus.CANCELLED);
        assertThat(c1.reason().orElseThrow()).contains("purchase_completed");
        assertThat(c2.status()).isEqualTo(MessageStatus.SCHEDULED);
    }

    @Test
    void an_empty_match_cancels_on_any_such_event_from_the_same_user_only() {
        trigger("cart", "{'event':'cart_abandoned','channel':'email','template':'t','delay':'PT1H','cancelOn':[{'event':'purchase_completed'}]}");
        post("u1", "cart_abandoned", "{'cartId':'c1'}", clock.instant());
        post("u2", "cart_abandoned", "{'cartId':'c9'}", clock.instant());

        post("u1", "purchase_completed", "{}", clock.instant());

        assertThat(messages("u1").get(0).status()).isEqualTo(MessageStatus.CANCELLED);
        assertThat(messages("u2").get(0).status()).isEqualTo(MessageStatus.SCHEDULED);
    }

    /** Found by the crash harness: a cancel evaluated again after a restart replaced its explanation with nothing. */
    @Test
    void an_exception_event_evaluated_again_keeps_the_evaluation_that_says_what_it_cancelled() {
        trigger("cart", "{'event':'cart_abandoned','channel':'email','template':'t','delay':'PT1H','cancelOn':[{'event':'purchase_completed'}]}");
        Event purchase = new Event("p1", "u1", "purchase_completed", (ObjectNode) json("{}"), clock.instant(), clock.instant());
        services.events().putIfAbsent(purchase);
        evaluate.evaluate(purchase);                      // out of order: nothing to cancel yet, an empty evaluation
        post("u1", "cart_abandoned", "{'cartId':'c1'}", clock.instant());

        evaluate.evaluate(purchase);                      // in order: cancels, and says so
        evaluate.evaluate(purchase);                      // again after a crash: nothing pending any more

        assertThat(messages("u1").get(0).status()).isEqualTo(MessageStatus.CANCELLED);
        assertThat(services.events().rawItem("p1").orElseThrow().get("evaluation").l()).singleElement()
                .satisfies(d -> assertThat(d.m().get("cancelled").s()).isEqualTo(messages("u1").get(0).id()));
    }

    @Test
    void a_cancel_after_the_claim_loses_and_says_so_in_the_history() {
        trigger("cart", "{'event':'cart_abandoned','channel':'email','template':'t','cancelOn':[{'event':'purchase_completed'}]}");
        post("u1", "cart_abandoned", "{}", clock.instant());
        String id = messages("u1").get(0).id();
        services.messages().claimForSend(id, clock.instant(), "u1@example.com", Optional.empty(), Optional.empty());

        Evaluation purchase = post("u1", "purchase_completed", "{}", clock.instant());

        assertThat(purchase.decisions()).singleElement().isEqualTo(new Evaluation.Cancelled("cart", id, false));
        Message message = services.messages().find(id).orElseThrow();
        assertThat(message.status()).isEqualTo(MessageStatus.SENDING);
        assertThat(message.history().get(message.history().size() - 1).reason()).startsWith("cancel_too_late: cancelled_by: purchase_completed");
    }

    @Test
    void bad_delay_fields_are_rejected_naming_the_field() {
        String base = "'event':'x','channel':'email','template':'t'";
        assertThat(rejectedField("{" + base + ",'delay':'1 hour'}")).isEqualTo("/delay");
        assertThat(rejectedField("{" + base + ",'delay':'P400D'}")).isEqualTo("/delay");
        assertThat(rejectedField("{" + base + ",'reentry':'sometimes'}")).isEqualTo("/reentry");
        assertThat(rejectedField("{" + base + ",'reentry':'once_per:soon'}")).isEqualTo("/reentry");
        assertThat(rejectedField("{" + base + ",'sendAt':{'localTime':'25:00'}}")).isEqualTo("/sendAt/localTime");
        assertThat(rejectedField("{" + base + ",'sendAt':{'localTime':'10:00','timezone':'Mars/Base'}}")).isEqualTo("/sendAt/timezone");
        assertThat(rejectedField("{" + base + ",'cancelOn':[{'match':['properties.x']}]}")).isEqualTo("/cancelOn/0/event");
        assertThat(rejectedField("{" + base + ",'cancelOn':[{'event':'p','match':['cartId']}]}")).isEqualTo("/cancelOn/0/match/0");
        assertThat(rejectedField("{" + base + ",'cancelOn':{'event':'p'}}")).isEqualTo("/cancelOn");
    }

    private String rejectedField(String body) {
        try {
            definitions.putTrigger("bad", json(body));
            return "accepted";
        } catch (io.nudge.validation.InvalidInputException e) {
            return e.field();
        }
    }
}
