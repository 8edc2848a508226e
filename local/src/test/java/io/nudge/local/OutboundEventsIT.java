package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.webhook.WebhookDestinations;
import io.nudge.channel.webhook.WebhookSignature;
import io.nudge.json.Json;
import io.nudge.testing.Samples;
import io.nudge.testing.WebhookReceiver;
import io.nudge.testing.WebhookReceiver.Answer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stream out end to end in the local runner: a subscription on a loopback receiver (allow-listed, as
 * NUDGE_WEBHOOK_ALLOW_HOSTS would) gets a send, an SES bounce through /local/sns, an open and a one-click unsubscribe,
 * signed, without addresses, once per id and in order; a receiver that is down gets everything, in order, once it
 * answers; a rotated secret and the one it replaced both verify during the overlap.
 */
class OutboundEventsIT extends LocalRunnerCase {
    private final HttpClient http = HttpClient.newHttpClient();
    private WebhookReceiver receiver;

    @AfterEach
    void stopReceiver() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private String start(List<String> events, Answer... answers) throws Exception {
        receiver = new WebhookReceiver(answers);
        startRunner(ItClient.options(data).webhooks(WebhookDestinations.allowing(List.of("127.0.0.1"))).build());
        api.call("PUT", "/v1/templates/mail", "{'channel':'email','subject':'News','text':'Hello'}");
        api.call("PUT", "/v1/triggers/news", "{'event':'news','channel':'email','template':'mail','quietHours':'off'}");
        ObjectNode subscription = Json.object();
        subscription.put("url", receiver.url("/nudge-events"));
        events.forEach(subscription.putArray("events")::add);
        HttpResponse<String> created = api.send("PUT", "/v1/webhooks/warehouse", subscription.toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = Json.parse(created.body());
        assertThat(body.get("secret").asText()).startsWith("whsec_");
        assertThat(body.get("includeAddresses").asBoolean()).isFalse();
        return body.get("secret").asText();
    }

    /** Requests received until {@code ids} distinct event ids came (duplicates kept), in arrival order. */
    private List<WebhookReceiver.Received> receive(int ids, Duration within) throws Exception {
        List<WebhookReceiver.Received> got = new ArrayList<>();
        long deadline = System.nanoTime() + within.toNanos();
        while (distinctIds(got).size() < ids && System.nanoTime() < deadline) {
            WebhookReceiver.Received next = receiver.take(1);
            if (next != null) {
                got.add(next);
            }
        }
        assertThat(distinctIds(got)).as("event ids received within " + within).hasSize(ids);
        return got;
    }

    private static Map<String, JsonNode> distinctIds(List<WebhookReceiver.Received> requests) throws Exception {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (WebhookReceiver.Received r : requests) {
            JsonNode event = Json.parse(r.body());
            byId.putIfAbsent(event.get("id").asText(), event);
        }
        return byId;
    }

    private static void assertSignedWith(String secret, WebhookReceiver.Received request) {
        assertThat(WebhookSignature.verify(secret, request.header(WebhookSignature.HEADER), request.body(),
                java.time.Instant.now().getEpochSecond(), 300)).as("signature of " + request.body()).isTrue();
    }

    @Test
    void a_send_a_bounce_an_open_and_a_one_click_unsubscribe_arrive_signed_without_addresses_once_each_in_order() throws Exception {
        String secret = start(List.of("message.sent", "message.bounced", "message.opened", "user.unsubscribed"), Answer.of(200, "ok"));
        api.call("PUT", "/v1/users/ada", "{'email':'" + Samples.EMAIL + "'}");

        // 1. sent
        api.call("POST", "/v1/events", "{'id':'news-1','userId':'ada','name':'news'}");
        JsonNode sent = api.settled("ada", "news-1");
        assertThat(sent.get("status").asText()).isEqualTo("SENT");
        String messageId = sent.get("id").asText();
        receive(1, Duration.ofSeconds(10));

        // 2. SES says it bounced, 3. and that it was opened (as SNS delivers them to process-feedback)
        for (String sample : List.of("sns-ses-bounce-permanent.json", "sns-ses-open.json")) {
            ObjectNode sns = ((ObjectNode) Samples.json(sample).at("/Records/0/Sns")).deepCopy();
            sns.put("Message", sns.get("Message").textValue().replace(Samples.MESSAGE_ID, messageId)
                    .replace(Samples.SES_MESSAGE_ID, sent.get("providerMessageId").asText()));
            HttpResponse<String> fed = api.send("POST", "/local/sns", Json.write(sns));
            assertThat(fed.statusCode()).as(fed.body()).isEqualTo(200);
        }

        // 4. the one-click unsubscribe of the mail's List-Unsubscribe header, as a mailbox provider posts it
        String mail = java.nio.file.Files.readString(runner.outbox().resolve(messageId + ".eml"));
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("List-Unsubscribe: <([^>]+)>").matcher(mail.replace("\r\n ", ""));
        assertThat(link.find()).as(mail).isTrue();
        HttpResponse<String> oneClick = http.send(HttpRequest.newBuilder(URI.create(link.group(1)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(oneClick.statusCode()).isEqualTo(200);

        List<WebhookReceiver.Received> all = new ArrayList<>(receiver.all());
        all.addAll(receive(3, Duration.ofSeconds(10)));
        Map<String, JsonNode> events = distinctIds(receiver.all());
        assertThat(events.values()).extracting(e -> e.get("type").asText())
                .as("in the order they happened").containsExactly("message.sent", "message.bounced", "message.opened", "user.unsubscribed");
        for (WebhookReceiver.Received request : receiver.all()) {
            assertSignedWith(secret, request);
            JsonNode event = Json.parse(request.body());
            assertThat(request.header("Idempotency-Key")).isEqualTo(event.get("id").asText());
            assertThat(request.header("Nudge-Event-Type")).isEqualTo(event.get("type").asText());
            assertThat(event.get("userId").asText()).isEqualTo("ada");
            assertThat(request.body()).as("no address without includeAddresses").doesNotContain(Samples.EMAIL).doesNotContain("\"to\"");
        }
        JsonNode first = events.values().iterator().next();
        assertThat(first.get("messageId").asText()).isEqualTo(messageId);
        assertThat(first.get("triggerId").asText()).isEqualTo("news");
        assertThat(first.get("channel").asText()).isEqualTo("email");
        assertThat(first.get("data").get("providerMessageId").asText()).isEqualTo(sent.get("providerMessageId").asText());
        JsonNode unsubscribed = new ArrayList<>(events.values()).get(3);
        assertThat(unsubscribed.get("channel").asText()).isEqualTo("email");
        assertThat(unsubscribed.has("messageId")).isFalse();

        // the same bounce again (SNS delivers at least once): no second event
        ObjectNode again = ((ObjectNode) Samples.json("sns-ses-bounce-permanent.json").at("/Records/0/Sns")).deepCopy();
        again.put("Message", again.get("Message").textValue().replace(Samples.MESSAGE_ID, messageId)
                .replace(Samples.SES_MESSAGE_ID, sent.get("providerMessageId").asText()));
        assertThat(api.send("POST", "/local/sns", Json.write(again)).statusCode()).isEqualTo(200);
        assertThat(receiver.take(3)).as("a repeated notification is no new event").isNull();

        JsonNode log = api.call("GET", "/v1/webhooks/warehouse/deliveries", null).get("deliveries");
        assertThat(log).hasSize(4);
        assertThat(log.get(0).get("outcome").asText()).isEqualTo("delivered");
        assertThat(log.get(0).get("statusCode").asInt()).isEqualTo(200);
        assertThat(log.get(0).has("latencyMs")).isTrue();
        assertThat(log.get(0).get("type").asText()).isEqualTo("user.unsubscribed");
    }

    @Test
    void a_receiver_down_for_a_while_gets_everything_in_order_and_a_rotated_secret_verifies_both_ways() throws Exception {
        // down (503) for the first attempt and the first retry, then up
        String secret = start(List.of("message.sent"), Answer.of(503, "down for maintenance"), Answer.of(503, "still down"),
                Answer.of(200, "ok"));
        api.call("PUT", "/v1/users/bo", "{'email':'bo@example.com'}");
        for (int i = 1; i <= 3; i++) {
            api.call("POST", "/v1/events", "{'id':'down-" + i + "','userId':'bo','name':'news'}");
            assertThat(api.settled("bo", "down-" + i).get("status").asText()).isEqualTo("SENT");
        }
        // the first event's attempt failed; the later ones wait behind it and come, in order, once the receiver answers
        receive(3, Duration.ofSeconds(40));
        List<WebhookReceiver.Received> delivered = receiver.all().stream().skip(2).toList();
        List<String> sentOrder = new ArrayList<>();
        for (String eventId : List.of("down-1", "down-2", "down-3")) {
            sentOrder.add(api.messageFor("bo", eventId).orElseThrow().get("id").asText());
        }
        List<String> receivedOrder = new ArrayList<>();
        for (WebhookReceiver.Received r : delivered) {
            String messageId = Json.parse(r.body()).get("messageId").asText();
            if (!receivedOrder.contains(messageId)) {
                receivedOrder.add(messageId);
            }
        }
        assertThat(receivedOrder).as("the receiver's order").containsExactlyElementsOf(sentOrder);
        JsonNode log = api.call("GET", "/v1/webhooks/warehouse/deliveries?limit=100", null).get("deliveries");
        assertThat(log).anySatisfy(d -> {
            assertThat(d.get("outcome").asText()).isEqualTo("failed");
            assertThat(d.get("statusCode").asInt()).isEqualTo(503);
            assertThat(d.get("error").asText()).contains("down for maintenance");
        });

        // rotation: the new secret is shown once; both sign until the old one expires
        JsonNode rotated = api.call("POST", "/v1/webhooks/warehouse/rotate-secret", null);
        String fresh = rotated.get("secret").asText();
        assertThat(fresh).isNotEqualTo(secret);
        assertThat(rotated.get("previousSecretExpiresAt").asText()).isNotEmpty();
        JsonNode shown = api.call("GET", "/v1/webhooks/warehouse", null);
        assertThat(shown.has("secret")).as("the secret is never shown again").isFalse();
        int before = receiver.all().size();
        // (another user: a fourth marketing email to bo today would meet the frequency cap)
        api.call("PUT", "/v1/users/cy", "{'email':'cy@example.com'}");
        api.call("POST", "/v1/events", "{'id':'after-rotation','userId':'cy','name':'news'}");
        assertThat(api.settled("cy", "after-rotation").get("status").asText()).isEqualTo("SENT");
        Optional<WebhookReceiver.Received> signed = Optional.empty();
        for (int i = 0; i < 10 && signed.isEmpty(); i++) {
            WebhookReceiver.Received next = receiver.take(1);
            if (next != null && receiver.all().indexOf(next) >= before) {
                signed = Optional.of(next);
            }
        }
        assertThat(signed).isPresent();
        assertSignedWith(fresh, signed.get());
        assertSignedWith(secret, signed.get());
    }
}
