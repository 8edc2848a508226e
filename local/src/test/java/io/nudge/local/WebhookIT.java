package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.webhook.WebhookDestinations;
import io.nudge.channel.webhook.WebhookSignature;
import io.nudge.json.Json;
import io.nudge.testing.WebhookReceiver;
import io.nudge.testing.WebhookReceiver.Answer;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook channel end to end in the local runner: a receiver on loopback (allow-listed, as NUDGE_WEBHOOK_ALLOW_HOSTS
 * would) that fails the first attempt and then verifies signatures; a receiver that refuses; destinations refused at
 * save and at send.
 */
class WebhookIT extends LocalRunnerCase {
    private static final String SECRET = "a-shared-secret";
    private WebhookReceiver receiver;

    @AfterEach
    void stopReceiver() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private void start(Answer... answers) throws Exception {
        receiver = new WebhookReceiver(answers);
        startRunner(ItClient.options(data).webhooks(WebhookDestinations.allowing(List.of("127.0.0.1"))).build());
        api.call("PUT", "/v1/users/ada", "{'timezone':'" + ItTime.zoneAt(13) + "','attributes':{'first_name':'Ada','team':'growth'}}");
    }

    private static ObjectNode template(String url) {
        ObjectNode doc = Json.object();
        doc.put("channel", "webhook");
        doc.put("method", "POST");
        doc.put("url", url);
        doc.putObject("headers").put("Content-Type", "application/json");
        doc.put("body", "{\"text\":{{ user.attributes.first_name | append: \" left a cart of \" | append: event.properties.total | json }},"
                + "\"team\":{{ user.attributes.team | json }}}");
        doc.put("secret", SECRET);
        return doc;
    }

    private void define(ObjectNode template) {
        api.callRaw("PUT", "/v1/templates/cart_alert", template.toString());
        api.call("PUT", "/v1/triggers/big_cart", "{'event':'cart_abandoned','channel':'webhook','template':'cart_alert'}");
    }

    private JsonNode post(String eventId, Set<String> unsettled) {
        api.call("POST", "/v1/events", "{'id':'" + eventId + "','userId':'ada','name':'cart_abandoned','properties':{'total':'$420'}}");
        return api.settled("ada", eventId, unsettled);
    }

    @Test
    void a_failed_first_attempt_is_retried_with_the_same_idempotency_key_and_a_valid_signature_then_sent() throws Exception {
        start(Answer.of(500, "warming up"), Answer.of(200, "ok"));
        define(template(receiver.url("/hooks/{{ user.attributes.team }}?token=t0k3n")));

        JsonNode message = post("ev-hook-1", ItClient.NOT_FINAL);

        assertThat(message.get("status").asText()).as(message.toString()).isEqualTo("SENT");
        assertThat(message.get("channel").asText()).isEqualTo("webhook");
        assertThat(message.get("to").asText()).isEqualTo("127.0.0.1");
        assertThat(message.toString()).doesNotContain("t0k3n");
        JsonNode full = api.call("GET", "/v1/messages/" + message.get("id").asText(), null);
        assertThat(full.get("history").toString()).contains("provider_unavailable").contains("HTTP 200 from 127.0.0.1");
        List<WebhookReceiver.Received> attempts = receiver.all();
        assertThat(attempts).hasSize(2);
        assertThat(attempts).allSatisfy(attempt -> {
            assertThat(attempt.path()).isEqualTo("/hooks/growth?token=t0k3n");
            assertThat(attempt.header("Idempotency-Key")).isEqualTo(message.get("id").asText());
            assertThat(attempt.header("User-Agent")).startsWith("Nudge/");
            long t = Long.parseLong(attempt.header("Nudge-Signature").replaceAll("^t=(\\d+),.*$", "$1"));
            assertThat(WebhookSignature.verify(SECRET, attempt.header("Nudge-Signature"), attempt.body(), t, 300)).isTrue();
            assertThat(Json.parse(attempt.body())).isEqualTo(Json.parse("{\"text\":\"Ada left a cart of $420\",\"team\":\"growth\"}"));
        });
        assertThat(receiver.mostAtOnce()).as("never two posts of the message at once").isEqualTo(1);
        // shown like any other message: in the user's timeline and the stats per trigger and channel
        assertThat(api.call("GET", "/v1/users/ada/timeline", null).toString()).contains(message.get("id").asText());
        JsonNode stats = api.call("GET", "/v1/stats/triggers/big_cart", null);
        assertThat(stats.toString()).contains("webhook");
    }

    @Test
    void a_receiver_that_answers_400_fails_the_message_with_the_status_and_its_answer() throws Exception {
        start(Answer.of(400, "{\"error\":\"unknown team\"}"));
        define(template(receiver.url("/hooks/x")));

        JsonNode message = post("ev-hook-2", ItClient.NOT_FINAL);

        assertThat(message.get("status").asText()).isEqualTo("FAILED");
        assertThat(message.get("reason").asText()).isEqualTo("provider_rejected: HTTP 400 from 127.0.0.1: {\"error\":\"unknown team\"}");
        assertThat(receiver.all()).hasSize(1);
    }

    @Test
    void forbidden_destinations_are_refused_at_save_and_fail_blocked_destination_at_send() throws Exception {
        start(Answer.of(200, ""));

        for (String url : List.of("http://169.254.169.254/latest/meta-data/", "https://169.254.169.254/latest/meta-data/",
                "https://10.0.0.7/hook", "https://[::1]/hook", "http://hooks.example.com/plain-http")) {
            HttpResponse<String> refused = api.send("PUT", "/v1/templates/bad", template(url).toString());
            assertThat(refused.statusCode()).as(url).isEqualTo(400);
            assertThat(ItClient.json(refused).at("/error/field").asText()).as(url).isEqualTo("/url");
        }
        // a URL made at send time: checked then, every resolved address
        define(template("https://169.254.169.{{ 127 | plus: 127 }}/latest/meta-data/"));

        JsonNode message = post("ev-hook-3", ItClient.NOT_FINAL);

        assertThat(message.get("status").asText()).isEqualTo("FAILED");
        assertThat(message.get("reason").asText()).isEqualTo("blocked_destination: 169.254.169.254 resolves to 169.254.169.254, "
                + "a link-local address (the instance metadata service is one)");
    }
}
