package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.testing.Samples;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The feedback loop end to end through the local runner: SES and SNS feedback posted to /local/sns and
 * /local/cloudwatch-logs as AWS would deliver it, and what the API shows afterwards.
 */
class FeedbackIT extends LocalRunnerCase {

    @BeforeEach
    void start() throws Exception {
        startRunner();
    }

    /** Posts feedback to a /local/ route as AWS would deliver it; must be applied. */
    private JsonNode feedback(String route, JsonNode payload) throws Exception {
        HttpResponse<String> response = api.send("POST", route, Json.write(payload));
        assertThat(response.statusCode()).as(route + ": " + response.body()).isEqualTo(200);
        return Json.parse(response.body());
    }

    private JsonNode message(String userId, String messageId) {
        for (JsonNode m : api.messages(userId)) {
            if (m.get("id").asText().equals(messageId)) {
                return m;
            }
        }
        throw new AssertionError("no message " + messageId);
    }

    /** The event's evaluation once evaluate-triggers recorded it (the API shows [] until then). */
    private JsonNode evaluation(String eventId) {
        return ItClient.eventually("the evaluation of " + eventId, () -> {
            JsonNode event = api.call("GET", "/v1/events/" + eventId, null);
            return event.path("evaluation").isEmpty() ? Optional.empty() : Optional.of(event.get("evaluation"));
        });
    }

    private JsonNode totals() throws Exception {
        return api.call("GET", "/v1/stats/triggers/welcome", null).get("totals");
    }

    /** A sample's SNS notification (the Sns object of its Lambda record) about our message instead of the sample's. */
    private static ObjectNode notificationAbout(String sample, String messageId, String providerId) {
        ObjectNode sns = ((ObjectNode) Samples.json(sample).at("/Records/0/Sns")).deepCopy();
        sns.put("Message", sns.get("Message").textValue().replace(Samples.MESSAGE_ID, messageId).replace(Samples.SES_MESSAGE_ID, providerId));
        return sns;
    }

    @Test
    void a_permanent_bounce_suppresses_the_address_an_inbound_stop_the_number_and_a_purchase_converts_once() throws Exception {
        api.call("PUT", "/v1/templates/welcome", "{'channel':'email','subject':'Welcome','text':'Hello'}");
        api.call("PUT", "/v1/triggers/welcome", "{'event':'signed_up','channel':'email','template':'welcome','quietHours':'off',"
                + "'conversion':{'event':'purchase_completed','within':'P3D'}}");
        api.call("PUT", "/v1/templates/promo", "{'channel':'sms','body':'20% off today'}");
        api.call("PUT", "/v1/triggers/promo", "{'event':'promo','channel':'sms','template':'promo','quietHours':'off'}");
        api.call("PUT", "/v1/users/ada", "{'email':'ada@example.com'}");

        // 1. a message is sent; SES reports a permanent bounce through SNS
        api.call("POST", "/v1/events", "{'id':'signup-ada','userId':'ada','name':'signed_up'}");
        JsonNode sent = api.settled("ada", "signup-ada");
        assertThat(sent.get("status").asText()).isEqualTo("SENT");
        String messageId = sent.get("id").asText();
        assertThat(api.sendAnonymous("POST", "/local/sns", "{}").statusCode()).isEqualTo(401);

        JsonNode result = feedback("/local/sns", notificationAbout("sns-ses-bounce-permanent.json", messageId,
                sent.get("providerMessageId").asText()));

        assertThat(result.get("applied").asInt()).isEqualTo(1);
        JsonNode bounced = message("ada", messageId);
        assertThat(bounced.get("status").asText()).isEqualTo("BOUNCED");
        assertThat(bounced.get("reason").asText()).startsWith("bounce: Permanent/General").doesNotContain("@");
        assertThat(bounced.get("history")).extracting(h -> h.get("status").asText()).containsSubsequence("SENT", "BOUNCED");

        // the next message to that address is suppressed
        api.call("POST", "/v1/events", "{'id':'signup-ada-again','userId':'ada','name':'signed_up'}");
        JsonNode next = api.settled("ada", "signup-ada-again");
        assertThat(next.get("status").asText()).isEqualTo("SUPPRESSED");
        assertThat(next.get("reason").asText()).isEqualTo("suppressed");
        assertThat(totals().get("sent").asInt()).isEqualTo(1);
        assertThat(totals().get("bounced").asInt()).isEqualTo(1);

        // 2. an SMS is delivered (receipt through CloudWatch Logs); then the user texts STOP to the two-way number
        api.call("PUT", "/v1/users/bob", "{'phone':'" + Samples.PHONE + "','consent':{'sms':'opted_in'}}");
        api.call("POST", "/v1/events", "{'id':'promo-1','userId':'bob','name':'promo'}");
        JsonNode sms = api.settled("bob", "promo-1");
        assertThat(sms.get("status").asText()).isEqualTo("SENT");
        ObjectNode receipt = (ObjectNode) Samples.json("cwlogs-sms-receipt.decoded.json");
        ((ObjectNode) receipt.get("logEvents").get(0)).put("message", receipt.at("/logEvents/0/message").textValue()
                .replace(Samples.SMS_PROVIDER_ID, sms.get("providerMessageId").asText()));
        feedback("/local/cloudwatch-logs", receipt);
        assertThat(message("bob", sms.get("id").asText()).get("status").asText()).isEqualTo("DELIVERED");

        // as the HTTP notification body SNS posts, with its own spelling of the fields
        JsonNode stop = Samples.json("sns-inbound-stop.json").at("/Records/0/Sns");
        ObjectNode httpNotification = Json.object().put("Type", "Notification").put("MessageId", stop.get("MessageId").asText())
                .put("TopicArn", stop.get("TopicArn").asText()).put("Message", stop.get("Message").asText())
                .put("Timestamp", stop.get("Timestamp").asText()).put("SignatureVersion", "1").put("Signature", "x")
                .put("SigningCertURL", "https://sns.eu-west-1.amazonaws.com/cert.pem").put("UnsubscribeURL", "https://sns.eu-west-1.amazonaws.com/");
        assertThat(feedback("/local/sns", httpNotification).get("applied").asInt()).isEqualTo(1);
        assertThat(api.call("GET", "/v1/users/bob", null).at("/consent/sms/status").asText()).isEqualTo("opted_out");

        api.call("POST", "/v1/events", "{'id':'promo-2','userId':'bob','name':'promo'}");
        JsonNode afterStop = api.settled("bob", "promo-2");
        assertThat(afterStop.get("status").asText()).isEqualTo("SUPPRESSED");
        assertThat(afterStop.get("reason").asText()).isEqualTo("no_consent");

        // 3. a purchase within the window converts the last message, once
        api.call("PUT", "/v1/users/carol", "{'email':'carol@example.com'}");
        api.call("POST", "/v1/events", "{'id':'signup-carol','userId':'carol','name':'signed_up'}");
        String carolsMessage = api.settled("carol", "signup-carol").get("id").asText();
        api.call("POST", "/v1/events", "{'id':'purchase-1','userId':'carol','name':'purchase_completed'}");
        api.call("POST", "/v1/events", "{'id':'purchase-2','userId':'carol','name':'purchase_completed'}");

        assertThat(evaluation("purchase-1").get(0).get("converted").asText()).isEqualTo(carolsMessage);
        assertThat(evaluation("purchase-2").get(0).get("converted").asText()).isEqualTo(carolsMessage);
        JsonNode totals = totals();
        assertThat(totals.get("converted").asInt()).isEqualTo(1);
        assertThat(totals.get("sent").asInt()).isEqualTo(2);
        assertThat(totals.get("bounced").asInt()).isEqualTo(1);
        assertThat(totals.at("/suppressed/suppressed").asInt()).isEqualTo(1);
        assertThat(message("carol", carolsMessage).get("history")).extracting(h -> h.path("reason").asText())
                .contains("converted: purchase_completed (event purchase-1)");
    }
}
