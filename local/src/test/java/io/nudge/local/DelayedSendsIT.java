package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Delayed sends end to end through the local runner: its scheduler, schedule-sends and deliver. */
class DelayedSendsIT extends LocalRunnerCase {

    /** On disk: a restart keeps the scheduled messages. */
    private void start() throws Exception {
        startRunner(ItClient.options(data).inMemory(false).build());
    }

    private void defineCartReminder(String delay) throws Exception {
        api.call("PUT", "/v1/templates/cart", "{'channel':'email','subject':'Your cart {{ event.properties.cartId }}','text':'Come back'}");
        api.call("PUT", "/v1/triggers/cart", "{'event':'cart_abandoned','channel':'email','template':'cart','delay':'" + delay + "',"
                + "'cancelOn':[{'event':'purchase_completed','match':['properties.cartId']}]}");
        api.call("PUT", "/v1/users/ada", "{'email':'ada@example.com','timezone':'" + ItTime.zoneAt(13) + "'}");
    }

    /** The message once it reached a final status; a deadline, not a stand-in for the delay. */
    private JsonNode finalMessage(String cartId) {
        return api.settled("ada", "cart-" + cartId, ItClient.NOT_FINAL);
    }

    private static Instant at(JsonNode message, String status) {
        for (JsonNode h : message.get("history")) {
            if (h.get("status").asText().equals(status)) {
                return Instant.parse(h.get("at").asText());
            }
        }
        throw new AssertionError("no " + status + " in " + message);
    }

    @Test
    void a_delayed_cart_reminder_goes_out_for_one_cart_and_is_cancelled_by_a_purchase_of_the_other() throws Exception {
        start();
        // long enough that the purchase is evaluated before the reminder is due even on a loaded machine (a loaded
        // 2-core CI box has taken over 3 s to evaluate); the test asserts the order of events, not the delay's accuracy
        defineCartReminder("PT10S");
        Instant posted = Instant.now();
        api.call("POST", "/v1/events", "{'events':[{'id':'cart-c1','userId':'ada','name':'cart_abandoned','properties':{'cartId':'c1'}},"
                + "{'id':'cart-c2','userId':'ada','name':'cart_abandoned','properties':{'cartId':'c2'}}]}");
        api.call("POST", "/v1/events", "{'id':'buy-c2','userId':'ada','name':'purchase_completed','properties':{'cartId':'c2'}}");

        JsonNode c1 = finalMessage("c1");
        JsonNode c2 = finalMessage("c2");

        assertThat(c1.get("status").asText()).isEqualTo("SENT");
        assertThat(c1.get("subject").asText()).isEqualTo("Your cart c1");
        assertThat(at(c1, "SENT")).isAfterOrEqualTo(posted.plusSeconds(10).minusMillis(5));
        assertThat(c1.get("history").findValuesAsText("status")).startsWith("SCHEDULED", "READY", "SENDING", "SENT");
        assertThat(c2.get("status").asText()).isEqualTo("CANCELLED");
        assertThat(c2.get("reason").asText()).contains("purchase_completed");
        assertThat(runner.outbox().resolve(c1.get("id").asText() + ".eml")).exists();
        assertThat(runner.outbox().resolve(c2.get("id").asText() + ".eml")).doesNotExist();
    }

    @Test
    void a_restart_loses_no_delayed_message() throws Exception {
        start();
        defineCartReminder("PT10S");
        api.call("POST", "/v1/events", "{'id':'cart-c3','userId':'ada','name':'cart_abandoned','properties':{'cartId':'c3'}}");
        JsonNode scheduled = ItClient.eventually("the message for cart c3", () -> api.messageFor("ada", "cart-c3"));
        assertThat(scheduled.get("status").asText()).isEqualTo("SCHEDULED");
        closeRunner();

        start();

        JsonNode c3 = finalMessage("c3");
        assertThat(c3.get("status").asText()).isEqualTo("SENT");
    }
}
