package io.nudge.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.feedback.Feedback.BounceType;
import io.nudge.feedback.Feedback.EmailEvent;
import io.nudge.feedback.Feedback.Keyword;
import io.nudge.json.Json;
import io.nudge.lambda.CloudWatchLogsJson;
import io.nudge.lambda.PermanentFailure;
import io.nudge.lambda.SnsEventJson;
import io.nudge.testing.Samples;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The real payload shapes (events/ and the formats SES documents) read into Feedback; nothing personal in any reason. */
class FeedbackParserTest {

    private static Feedback.Email email(String sample) {
        return (Feedback.Email) FeedbackParser.fromSnsMessage(Samples.snsMessage(sample));
    }

    @Test
    void the_ses_samples_correlate_through_the_nudge_message_id_tag_and_keep_the_ses_id() {
        for (String sample : List.of("sns-ses-delivery.json", "sns-ses-bounce-permanent.json", "sns-ses-bounce-transient.json",
                "sns-ses-complaint.json", "sns-ses-open.json", "sns-ses-click.json")) {
            Feedback.Mail mail = email(sample).mail();
            assertThat(mail.nudgeMessageId()).as(sample).contains(Samples.MESSAGE_ID);
            assertThat(mail.sesMessageId()).as(sample).isEqualTo(Samples.SES_MESSAGE_ID);
            assertThat(mail.destination()).as(sample).containsExactly(Samples.EMAIL);
        }
    }

    @Test
    void a_permanent_bounce_names_its_recipient_and_a_diagnostic_without_the_address() {
        EmailEvent.Bounced bounce = (EmailEvent.Bounced) email("sns-ses-bounce-permanent.json").event();

        assertThat(bounce.bounceType()).isEqualTo(BounceType.PERMANENT);
        assertThat(bounce.subType()).isEqualTo("General");
        assertThat(bounce.at()).contains(Instant.parse("2026-11-24T09:00:03.118Z"));
        assertThat(bounce.recipients()).singleElement().satisfies(r -> {
            assertThat(r.address()).isEqualTo(Samples.EMAIL);
            assertThat(r.diagnostic()).startsWith("smtp; 550 5.1.1").contains("User unknown").doesNotContain("@");
        });
        assertThat(((EmailEvent.Bounced) email("sns-ses-bounce-transient.json").event()).bounceType()).isEqualTo(BounceType.TRANSIENT);
    }

    @Test
    void delivery_complaint_open_and_click_read_their_own_objects() {
        assertThat(email("sns-ses-delivery.json").event()).isEqualTo(new EmailEvent.Delivered(List.of(Samples.EMAIL),
                "250 2.6.0 Message received", Optional.of(Instant.parse("2026-11-24T09:00:02.031Z"))));
        assertThat(email("sns-ses-complaint.json").event()).isEqualTo(new EmailEvent.Complained(List.of(Samples.EMAIL),
                Optional.of("abuse"), Optional.of(Instant.parse("2026-11-24T09:31:15Z"))));
        assertThat(email("sns-ses-open.json").event()).isEqualTo(new EmailEvent.Opened(Optional.of(Instant.parse("2026-11-24T09:10:21.377Z"))));
        // the query string may carry personal data or tokens: the link is kept without it
        assertThat(email("sns-ses-click.json").event()).isEqualTo(new EmailEvent.Clicked("https://acme.test/welcome",
                Optional.of(Instant.parse("2026-11-24T09:11:05.908Z"))));
    }

    @Test
    void the_older_notification_format_has_no_tags_and_may_name_several_recipients() {
        String notification = """
                {"notificationType":"Bounce","bounce":{"bounceType":"Permanent","reportingMTA":"dns; email.example.com",
                "bouncedRecipients":[{"emailAddress":"jane@example.com","status":"5.1.1","action":"failed",
                "diagnosticCode":"smtp; 550 5.1.1 <jane@example.com>... User"},{"emailAddress":"Ric@Example.com","status":"5.1.1",
                "action":"failed"}],"bounceSubType":"General","timestamp":"2016-01-27T14:59:38.237Z",
                "feedbackId":"00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000","remoteMtaIp":"127.0.2.0"},
                "mail":{"timestamp":"2016-01-27T14:59:38.237Z","source":"john@example.com",
                "sourceArn":"arn:aws:ses:us-east-1:888888888888:identity/example.com","sourceIp":"127.0.3.0",
                "sendingAccountId":"123456789012","callerIdentity":"IAM_user_or_role_name",
                "messageId":"00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000",
                "destination":["jane@example.com","mary@example.com","richard@example.com"]}}""";

        Feedback.Email email = (Feedback.Email) FeedbackParser.fromSnsMessage(notification);

        assertThat(email.mail().nudgeMessageId()).isEmpty();
        assertThat(email.mail().sesMessageId()).isEqualTo("00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000");
        EmailEvent.Bounced bounce = (EmailEvent.Bounced) email.event();
        assertThat(bounce.recipients()).extracting(Feedback.BouncedRecipient::address).containsExactly("jane@example.com", "Ric@Example.com");
        assertThat(bounce.recipients().get(0).diagnostic()).doesNotContain("jane").doesNotContain("@");
    }

    @Test
    void reject_rendering_failure_delay_and_subscription_events() {
        String mail = "\"mail\":{\"timestamp\":\"2026-11-24T09:00:00.512Z\",\"messageId\":\"m-1\",\"destination\":[\"a@example.com\"],"
                + "\"tags\":{\"nudge_message_id\":[\"abc\"]}}";
        assertThat(FeedbackParser.fromSnsMessage("{\"eventType\":\"Reject\"," + mail + ",\"reject\":{\"reason\":\"Bad content\"}}"))
                .extracting(f -> ((Feedback.Email) f).event()).isInstanceOfSatisfying(EmailEvent.Rejected.class,
                        r -> assertThat(r.reason()).isEqualTo("Bad content"));
        assertThat(FeedbackParser.fromSnsMessage("{\"eventType\":\"Rendering Failure\"," + mail
                + ",\"failure\":{\"errorMessage\":\"Attribute 'name' is not present in the rendering data.\",\"templateName\":\"t\"}}"))
                .extracting(f -> ((Feedback.Email) f).event()).isInstanceOfSatisfying(EmailEvent.RenderingFailed.class,
                        r -> assertThat(r.errorMessage()).contains("is not present"));
        assertThat(FeedbackParser.fromSnsMessage("{\"eventType\":\"DeliveryDelay\"," + mail + ",\"deliveryDelay\":{\"timestamp\":"
                + "\"2026-11-24T09:20:00Z\",\"delayType\":\"MailboxFull\",\"expirationTime\":\"2026-11-25T09:00:00Z\","
                + "\"delayedRecipients\":[{\"emailAddress\":\"a@example.com\",\"status\":\"4.2.2\",\"diagnosticCode\":\"smtp; 452\"}]}}"))
                .extracting(f -> ((Feedback.Email) f).event()).isInstanceOfSatisfying(EmailEvent.Delayed.class,
                        d -> assertThat(d.delayType()).isEqualTo("MailboxFull"));
        assertThat(FeedbackParser.fromSnsMessage("{\"eventType\":\"Subscription\"," + mail + ",\"subscription\":{\"contactList\":\"news\","
                + "\"timestamp\":\"2026-11-24T09:20:00Z\",\"source\":\"UnsubscribeHeader\",\"newTopicPreferences\":{\"unsubscribeAll\":false,"
                + "\"topicSubscriptionStatus\":[{\"topicName\":\"offers\",\"subscriptionStatus\":\"OptOut\"}]},"
                + "\"oldTopicPreferences\":{\"unsubscribeAll\":false,\"topicSubscriptionStatus\":[{\"topicName\":\"offers\",\"subscriptionStatus\":\"OptIn\"}]}}}"))
                .extracting(f -> ((Feedback.Email) f).event()).isEqualTo(new EmailEvent.Subscription(true, Optional.of(Instant.parse("2026-11-24T09:20:00Z"))));
        assertThat(FeedbackParser.fromSnsMessage("{\"notificationType\":\"AmazonSnsSubscriptionSucceeded\",\"message\":\"You have successfully subscribed\"}"))
                .isInstanceOf(Feedback.Ignored.class);
    }

    @Test
    void inbound_keywords_are_read_trimmed_in_any_case() {
        assertThat(FeedbackParser.fromSnsMessage(Samples.snsMessage("sns-inbound-stop.json"))).isEqualTo(new Feedback.InboundSms(
                "7c1e5b2a-0f3d-5e4c-9b8a-6d7e8f9a0b1c", Samples.PHONE, Keyword.STOP, Optional.of(Samples.SMS_PROVIDER_ID)));
        assertThat(((Feedback.InboundSms) FeedbackParser.fromSnsMessage(Samples.snsMessage("sns-inbound-start.json"))).keyword())
                .isEqualTo(Keyword.START);
        for (String stop : List.of("STOP", " stop ", "StopAll", "UNSUBSCRIBE", "cancel", "End\n", "quit")) {
            assertThat(Keyword.of(stop)).as(stop).isEqualTo(Keyword.STOP);
        }
        assertThat(Keyword.of(" unstop")).isEqualTo(Keyword.START);
        assertThat(Keyword.of("Help")).isEqualTo(Keyword.HELP);
        assertThat(Keyword.of("stop it please")).isEqualTo(Keyword.OTHER);
    }

    @Test
    void the_sms_receipt_sample_decodes_to_the_json_beside_it_and_reads_as_delivered() throws Exception {
        CloudWatchLogsJson.Data data = CloudWatchLogsJson.decode(Samples.json("cwlogs-sms-receipt.json"));
        assertThat(Json.MAPPER.readTree(Json.write(data.logEvents().get(0).message())))
                .isEqualTo(Json.MAPPER.readTree(Json.write(Samples.json("cwlogs-sms-receipt.decoded.json").at("/logEvents/0/message").textValue())));
        assertThat(data.logGroup()).isEqualTo(Samples.json("cwlogs-sms-receipt.decoded.json").path("logGroup").asText());
        assertThat(CloudWatchLogsJson.decode(CloudWatchLogsJson.encode(Samples.json("cwlogs-sms-receipt.decoded.json")))).isEqualTo(data);

        assertThat(FeedbackParser.fromSmsDeliveryLog(data.logEvents().get(0).message())).isEqualTo(new Feedback.SmsReceipt(
                Samples.SMS_PROVIDER_ID, true, "Message has been accepted by phone carrier",
                Optional.of(Instant.parse("2026-11-24T09:00:00.488Z"))));
    }

    @Test
    void a_failed_sms_keeps_the_carriers_words_without_the_number() {
        Feedback.SmsReceipt receipt = (Feedback.SmsReceipt) FeedbackParser.fromSmsDeliveryLog("""
                {"notification":{"messageId":"1077257a-92f3-5ca3-bc97-6a915b310625","timestamp":"2016-06-28 00:40:34.559"},
                "delivery":{"mnc":0,"destination":"+14255550100","priceInUSD":0.00645,"smsType":"Transactional","mcc":0,
                "providerResponse":"Unknown error attempting to reach phone +14255550100","dwellTimeMs":1420},"status":"FAILURE"}""");

        assertThat(receipt.delivered()).isFalse();
        assertThat(receipt.providerResponse()).isEqualTo("Unknown error attempting to reach phone <number>");
    }

    @Test
    void a_lambda_sns_event_is_rebuilt_from_an_http_notification_in_either_spelling() {
        var http = Json.object().put("Type", "Notification").put("MessageId", "m-1").put("TopicArn", "arn:aws:sns:eu-west-1:1:t")
                .put("Message", "{\"x\":1}").put("SigningCertURL", "https://cert").put("UnsubscribeURL", "https://unsub");
        var lower = Json.object().put("type", "Notification").put("messageId", "m-1").put("topicArn", "arn:aws:sns:eu-west-1:1:t");
        lower.putObject("message").put("x", 1);

        for (var notification : List.of(http, lower)) {
            var event = SnsEventJson.wrap(notification);
            assertThat(SnsEventJson.isSnsEvent(event)).isTrue();
            assertThat(SnsEventJson.notifications(event)).singleElement().satisfies(n -> {
                assertThat(n.messageId()).isEqualTo("m-1");
                assertThat(n.topicArn()).isEqualTo("arn:aws:sns:eu-west-1:1:t");
                assertThat(n.message()).contains("{\"x\":1}");
            });
        }
        assertThat(SnsEventJson.wrap(http).at("/Records/0/Sns/SigningCertUrl").asText()).isEqualTo("https://cert");
    }

    @Test
    void payloads_that_can_never_be_understood_are_permanent_failures() {
        assertThatThrownBy(() -> FeedbackParser.fromSnsMessage("not json")).isInstanceOf(PermanentFailure.class);
        assertThatThrownBy(() -> FeedbackParser.fromSnsMessage("{\"hello\":\"world\"}")).isInstanceOf(PermanentFailure.class);
        assertThatThrownBy(() -> FeedbackParser.fromSnsMessage("{\"eventType\":\"Bounce\"}")).isInstanceOf(PermanentFailure.class)
                .hasMessageContaining("no mail object");
        assertThatThrownBy(() -> FeedbackParser.fromSnsMessage("{\"eventType\":\"Teleport\",\"mail\":{\"messageId\":\"m\"}}"))
                .isInstanceOf(PermanentFailure.class).hasMessageContaining("unknown SES event type");
        assertThatThrownBy(() -> FeedbackParser.fromSmsDeliveryLog("{\"status\":\"SUCCESS\"}")).isInstanceOf(PermanentFailure.class);
        assertThatThrownBy(() -> FeedbackParser.fromSnsMessage("{\"originationNumber\":\"jane@example.com\",\"messageBody\":\"STOP\","
                + "\"inboundMessageId\":\"i\"}")).isInstanceOf(PermanentFailure.class).message().doesNotContain("jane");
        assertThatThrownBy(() -> CloudWatchLogsJson.decode(Json.parse("{\"awslogs\":{\"data\":\"bm90IGd6aXA=\"}}")))
                .isInstanceOf(PermanentFailure.class);
    }
}
