package io.nudge.feedback;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.guards.Suppression;
import io.nudge.guards.SuppressionReason;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.model.ConsentStatus;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.stats.Counter;
import io.nudge.stats.Subject;
import io.nudge.testing.MutableClock;
import io.nudge.testing.Samples;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Feedback applied against DynamoDB Local, from the samples in events/: effects, duplicates, late feedback. */
class FeedbackServiceTest {
    private static final String TRIGGER = "welcome";
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:05Z");
    private final RecordingOptIn optIn = new RecordingOptIn();
    private Services services;
    private FeedbackService feedback;
    private UserService users;

    /** An OptInPhoneNumber stand-in that records its calls and answers what the test says. */
    static final class RecordingOptIn implements PhoneOptIn {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile Result answer = new Result.OptedIn();

        @Override
        public Result optIn(String e164) {
            calls.add(e164);
            return answer;
        }
    }

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        feedback = services.feedback(optIn);
        users = new UserService(services.users(), clock);
        users.upsert("ada", json("{'email':'ada@example.com','phone':'+4915112345678','consent':{'sms':'opted_in'}}"));
    }

    /** A message as deliver leaves it after the provider accepted it. */
    private Message sent(String id, String userId, Channel channel, String providerId) {
        Instant at = clock.instant().minusSeconds(5);
        Message message = new Message(id, userId, TRIGGER, "e-" + id, channel, Priority.MARKETING, "welcome", MessageStatus.SENT,
                Optional.empty(), Json.object(), Optional.of(channel == Channel.EMAIL ? Samples.EMAIL : Samples.PHONE), Optional.empty(),
                Optional.of(providerId), Optional.of(at), Optional.empty(), at,
                List.of(new HistoryEntry(MessageStatus.READY, "trigger_matched", at), new HistoryEntry(MessageStatus.SENDING, null, at),
                        new HistoryEntry(MessageStatus.SENT, null, at)));
        services.dynamo().putItem(b -> b.tableName(services.tables().messages()).item(services.messages().toItem(message)));
        return message;
    }

    private Message sentSample() {
        return sent(Samples.MESSAGE_ID, "ada", Channel.EMAIL, Samples.SES_MESSAGE_ID);
    }

    private FeedbackResult apply(String sample) {
        return feedback.apply(FeedbackParser.fromSnsMessage(Samples.snsMessage(sample)));
    }

    /** A sample about another email: its ids swapped, optionally one more text replacement. */
    private FeedbackResult apply(String sample, String messageId, String sesId, String... replace) {
        String message = Samples.snsMessage(sample).replace(Samples.MESSAGE_ID, messageId).replace(Samples.SES_MESSAGE_ID, sesId);
        for (int i = 0; i + 1 < replace.length; i += 2) {
            message = message.replace(replace[i], replace[i + 1]);
        }
        return feedback.apply(FeedbackParser.fromSnsMessage(message));
    }

    private Message stored(String id) {
        return services.messages().find(id).orElseThrow();
    }

    private long count(Counter counter) {
        return services.stats().read(Subject.trigger(TRIGGER), null, null).stream()
                .mapToLong(day -> day.counts().getOrDefault(counter.wire(), 0L)).sum();
    }

    private Optional<Suppression> suppression(String address) {
        return services.suppressions().find(Channel.EMAIL, address);
    }

    private List<String> reasons(String id) {
        return stored(id).history().stream().map(HistoryEntry::reason).filter(r -> r != null).toList();
    }

    @Test
    void a_campaign_message_s_feedback_is_counted_under_its_campaign_arm_not_under_a_trigger() {
        Instant at = clock.instant().minusSeconds(5);
        Message campaignMessage = new Message(Samples.MESSAGE_ID, "ada", "spring_sale", "run-1", Channel.EMAIL, Priority.MARKETING,
                "welcome", MessageStatus.SENT, Optional.empty(), (com.fasterxml.jackson.databind.node.ObjectNode) json("{'campaign':{'id':'spring_sale','arm':'A'}}"),
                Optional.of(Samples.EMAIL), Optional.empty(), Optional.of(Samples.SES_MESSAGE_ID), Optional.of(at), Optional.empty(), at,
                List.of(new HistoryEntry(MessageStatus.READY, "campaign", at), new HistoryEntry(MessageStatus.SENT, null, at)));
        services.dynamo().putItem(b -> b.tableName(services.tables().messages()).item(services.messages().toItem(campaignMessage)));

        apply("sns-ses-delivery.json");
        apply("sns-ses-open.json");

        assertThat(countFor(Subject.campaignArm("spring_sale", "A"), Counter.DELIVERED)).isEqualTo(1);
        assertThat(countFor(Subject.campaignArm("spring_sale", "A"), Counter.OPENED)).isEqualTo(1);
        assertThat(countFor(Subject.trigger("spring_sale"), Counter.DELIVERED)).isZero();
    }

    private long countFor(Subject subject, Counter counter) {
        return services.stats().read(subject, null, null).stream()
                .mapToLong(day -> day.counts().getOrDefault(counter.wire(), 0L)).sum();
    }

    @Test
    void a_delivery_moves_the_sent_message_to_delivered_once() {
        sentSample();

        FeedbackResult first = apply("sns-ses-delivery.json");
        FeedbackResult second = apply("sns-ses-delivery.json");

        assertThat(first).isInstanceOfSatisfying(FeedbackResult.Applied.class,
                a -> assertThat(a.effects()).contains("status:DELIVERED", "counted:delivered"));
        assertThat(second).isEqualTo(new FeedbackResult.Duplicate(Samples.MESSAGE_ID));
        Message message = stored(Samples.MESSAGE_ID);
        assertThat(message.status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(message.reason()).contains("ses_delivery: 250 2.6.0 Message received");
        assertThat(message.history()).extracting(HistoryEntry::status).containsOnlyOnce(MessageStatus.DELIVERED);
        assertThat(count(Counter.DELIVERED)).isEqualTo(1);
    }

    @Test
    void a_permanent_bounce_bounces_suppresses_the_address_and_counts_once_when_it_arrives_twice() {
        sentSample();

        apply("sns-ses-bounce-permanent.json");
        Suppression after = suppression(Samples.EMAIL).orElseThrow();
        clock.advance(Duration.ofMinutes(1));
        assertThat(apply("sns-ses-bounce-permanent.json")).isInstanceOf(FeedbackResult.Duplicate.class);

        Message message = stored(Samples.MESSAGE_ID);
        assertThat(message.status()).isEqualTo(MessageStatus.BOUNCED);
        assertThat(message.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("bounce: Permanent/General: smtp; 550 5.1.1")
                .doesNotContain("@"));
        assertThat(message.history()).extracting(HistoryEntry::status).containsOnlyOnce(MessageStatus.BOUNCED);
        assertThat(after.reason()).isEqualTo(SuppressionReason.BOUNCED);
        assertThat(after.source()).isEqualTo("ses_bounce");
        assertThat(suppression(Samples.EMAIL)).contains(after); // the replay did not even rewrite it
        assertThat(count(Counter.BOUNCED)).isEqualTo(1);
    }

    @Test
    void a_complaint_complains_suppresses_and_opts_the_user_out_of_email() {
        sentSample();

        apply("sns-ses-complaint.json");
        apply("sns-ses-complaint.json");

        Message message = stored(Samples.MESSAGE_ID);
        assertThat(message.status()).isEqualTo(MessageStatus.COMPLAINED);
        assertThat(message.reason()).contains("complaint: abuse");
        assertThat(suppression(Samples.EMAIL)).hasValueSatisfying(s -> assertThat(s.reason()).isEqualTo(SuppressionReason.COMPLAINED));
        assertThat(users.find("ada").orElseThrow().consent().get(Channel.EMAIL)).satisfies(c -> {
            assertThat(c.status()).isEqualTo(ConsentStatus.OPTED_OUT);
            assertThat(c.source()).isEqualTo("complaint");
        });
        assertThat(count(Counter.COMPLAINED)).isEqualTo(1);
    }

    @Test
    void late_feedback_follows_the_status_table() {
        // a Delivery after a Complaint changes nothing
        sentSample();
        apply("sns-ses-complaint.json");
        assertThat(apply("sns-ses-delivery.json")).isInstanceOfSatisfying(FeedbackResult.Applied.class,
                a -> assertThat(a.effects()).containsExactly("no_change:DELIVERED"));
        assertThat(stored(Samples.MESSAGE_ID).status()).isEqualTo(MessageStatus.COMPLAINED);
        assertThat(count(Counter.DELIVERED)).isZero();

        // a Permanent bounce after a Delivery still bounces; a Complaint after a Bounce still complains
        sent("m2", "ada", Channel.EMAIL, "ses-2");
        apply("sns-ses-delivery.json", "m2", "ses-2");
        apply("sns-ses-bounce-permanent.json", "m2", "ses-2");
        assertThat(stored("m2").status()).isEqualTo(MessageStatus.BOUNCED);
        apply("sns-ses-complaint.json", "m2", "ses-2");
        assertThat(stored("m2").history()).extracting(HistoryEntry::status).containsSubsequence(
                MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.BOUNCED, MessageStatus.COMPLAINED);
        assertThat(suppression(Samples.EMAIL)).hasValueSatisfying(s -> assertThat(s.reason()).isEqualTo(SuppressionReason.COMPLAINED));

        // and a later permanent bounce for the address does not weaken the complaint's suppression
        sent("m3", "ada", Channel.EMAIL, "ses-3");
        apply("sns-ses-bounce-permanent.json", "m3", "ses-3");
        assertThat(stored("m3").status()).isEqualTo(MessageStatus.BOUNCED);
        assertThat(suppression(Samples.EMAIL)).hasValueSatisfying(s -> assertThat(s.reason()).isEqualTo(SuppressionReason.COMPLAINED));
    }

    @Test
    void transient_bounces_are_noted_and_the_third_within_seven_days_suppresses() {
        for (int i = 1; i <= 3; i++) {
            sent("soft" + i, "ada", Channel.EMAIL, "ses-soft-" + i);
            apply("sns-ses-bounce-transient.json", "soft" + i, "ses-soft-" + i);
            apply("sns-ses-bounce-transient.json", "soft" + i, "ses-soft-" + i); // a duplicate is not a new bounce
            assertThat(stored("soft" + i).status()).isEqualTo(MessageStatus.SENT);
            assertThat(reasons("soft" + i)).containsOnlyOnce("soft_bounce: Transient/MailboxFull: smtp; 452 4.2.2 "
                    + "The email account that you tried to reach is over quota");
            assertThat(suppression(Samples.EMAIL)).as("after %d soft bounces", i).isEqualTo(i < 3 ? Optional.empty()
                    : Optional.of(new Suppression(Channel.EMAIL, Samples.EMAIL, SuppressionReason.BOUNCED, "ses_soft_bounces: 3 in 7 days",
                    clock.instant())));
            clock.advance(Duration.ofDays(3).minusHours(1));
        }
        assertThat(count(Counter.BOUNCED)).isZero();

        // spread wider than the window, three never add up
        users.upsert("bo", json("{'email':'bo@example.com'}"));
        for (int i = 1; i <= 3; i++) {
            sent("wide" + i, "bo", Channel.EMAIL, "ses-wide-" + i);
            apply("sns-ses-bounce-transient.json", "wide" + i, "ses-wide-" + i, Samples.EMAIL, "bo@example.com");
            clock.advance(Duration.ofDays(4));
        }
        assertThat(suppression("bo@example.com")).isEmpty();
    }

    @Test
    void the_first_open_counts_and_each_click_is_noted_with_its_link() {
        sentSample();
        apply("sns-ses-delivery.json");

        apply("sns-ses-open.json");
        assertThat(apply("sns-ses-open.json")).isInstanceOf(FeedbackResult.Duplicate.class);
        apply("sns-ses-open.json", Samples.MESSAGE_ID, Samples.SES_MESSAGE_ID, "09:10:21.377Z", "11:42:00.000Z"); // opened again later
        apply("sns-ses-click.json");
        apply("sns-ses-click.json");
        apply("sns-ses-click.json", Samples.MESSAGE_ID, Samples.SES_MESSAGE_ID, "https://acme.test/welcome?", "https://acme.test/pricing?",
                "09:11:05.908Z", "09:15:00.000Z");

        Message message = stored(Samples.MESSAGE_ID);
        assertThat(message.status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(reasons(Samples.MESSAGE_ID)).containsSubsequence("opened", "clicked: https://acme.test/welcome", "clicked: https://acme.test/pricing")
                .containsOnlyOnce("opened", "clicked: https://acme.test/welcome");
        assertThat(message.history()).allSatisfy(h -> assertThat(h.reason() == null ? "" : h.reason()).doesNotContain("utm_"));
        assertThat(count(Counter.OPENED)).isEqualTo(1);
        assertThat(count(Counter.CLICKED)).isEqualTo(1);
    }

    @Test
    void reject_and_rendering_failure_fail_a_sent_message_with_the_reason() {
        sent("r1", "ada", Channel.EMAIL, "ses-r1");
        sent("r2", "ada", Channel.EMAIL, "ses-r2");
        String mail = "\"mail\":{\"timestamp\":\"2026-11-24T09:00:00.512Z\",\"messageId\":\"%s\",\"destination\":[\"ada@example.com\"],"
                + "\"tags\":{\"nudge_message_id\":[\"%s\"]}}";

        feedback.apply(FeedbackParser.fromSnsMessage("{\"eventType\":\"Reject\"," + mail.formatted("ses-r1", "r1")
                + ",\"reject\":{\"reason\":\"Bad content\"}}"));
        feedback.apply(FeedbackParser.fromSnsMessage("{\"eventType\":\"Rendering Failure\"," + mail.formatted("ses-r2", "r2")
                + ",\"failure\":{\"errorMessage\":\"Attribute 'name' is not present in the rendering data.\",\"templateName\":\"t\"}}"));

        assertThat(stored("r1").status()).isEqualTo(MessageStatus.FAILED);
        assertThat(stored("r1").reason()).contains("ses_reject: Bad content");
        assertThat(stored("r2").status()).isEqualTo(MessageStatus.FAILED);
        assertThat(stored("r2").reason()).contains("rendering_failure: Attribute 'name' is not present in the rendering data.");
        assertThat(count(Counter.FAILED)).isEqualTo(2);
    }

    @Test
    void an_unsubscribe_through_ses_subscription_management_opts_out_of_email_and_counts() {
        sentSample();
        String message = "{\"eventType\":\"Subscription\",\"mail\":{\"timestamp\":\"2026-11-24T09:00:00.512Z\",\"messageId\":\""
                + Samples.SES_MESSAGE_ID + "\",\"destination\":[\"ada@example.com\"],\"tags\":{\"nudge_message_id\":[\"" + Samples.MESSAGE_ID
                + "\"]}},\"subscription\":{\"contactList\":\"news\",\"timestamp\":\"2026-11-24T10:00:00Z\",\"source\":\"UnsubscribeHeader\","
                + "\"newTopicPreferences\":{\"unsubscribeAll\":true,\"topicSubscriptionStatus\":[]}}}";

        feedback.apply(FeedbackParser.fromSnsMessage(message));
        feedback.apply(FeedbackParser.fromSnsMessage(message));

        assertThat(users.find("ada").orElseThrow().consent().get(Channel.EMAIL)).satisfies(c -> {
            assertThat(c.status()).isEqualTo(ConsentStatus.OPTED_OUT);
            assertThat(c.source()).isEqualTo("ses_subscription");
        });
        assertThat(count(Counter.UNSUBSCRIBED)).isEqualTo(1);
    }

    @Test
    void feedback_finds_its_message_by_tag_or_provider_id_waits_for_a_sending_one_and_refuses_strangers() {
        // the older notification format has no tags: the SES message id finds the message
        sentSample();
        String untagged = Samples.snsMessage("sns-ses-delivery.json").replace("\"nudge_message_id\":[\"" + Samples.MESSAGE_ID + "\"],", "");
        assertThat(untagged).doesNotContain(Samples.MESSAGE_ID);
        feedback.apply(FeedbackParser.fromSnsMessage(untagged));
        assertThat(stored(Samples.MESSAGE_ID).status()).isEqualTo(MessageStatus.DELIVERED);

        // still SENDING: deliver has not recorded SENT yet; Lambda retries the invocation
        Message sending = sent("s1", "ada", Channel.EMAIL, "ses-s1");
        services.dynamo().putItem(b -> b.tableName(services.tables().messages())
                .item(services.messages().toItem(new Message(sending.id(), "ada", TRIGGER, "e", Channel.EMAIL, Priority.MARKETING, "welcome",
                        MessageStatus.SENDING, Optional.empty(), Json.object(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), clock.instant(), List.of()))));
        assertThatThrownBy(() -> apply("sns-ses-delivery.json", "s1", "ses-s1")).isInstanceOf(RetryLater.class);

        // a tag naming no message never will: permanent
        assertThat(apply("sns-ses-delivery.json", "nosuchmessage", "ses-x")).isInstanceOf(FeedbackResult.Unmatched.class);
        // an unknown SES id sent minutes ago may just not be in the index yet; days ago, it is a stranger
        String stranger = untagged.replace(Samples.SES_MESSAGE_ID, "ses-unknown");
        clock.set(Instant.parse("2026-11-24T09:05:00Z"));
        assertThatThrownBy(() -> feedback.apply(FeedbackParser.fromSnsMessage(stranger))).isInstanceOf(RetryLater.class);
        clock.set(Instant.parse("2026-11-27T09:05:00Z"));
        assertThat(feedback.apply(FeedbackParser.fromSnsMessage(stranger))).isInstanceOf(FeedbackResult.Unmatched.class);
    }

    @Test
    void an_sms_receipt_delivers_or_fails_the_sms_with_the_carriers_words() {
        sent("sms1", "ada", Channel.SMS, Samples.SMS_PROVIDER_ID);
        sent("sms2", "ada", Channel.SMS, "1077257a-92f3-5ca3-bc97-6a915b310625");
        String receipt = io.nudge.lambda.CloudWatchLogsJson.decode(Samples.json("cwlogs-sms-receipt.json")).logEvents().get(0).message();

        feedback.apply(FeedbackParser.fromSmsDeliveryLog(receipt));
        assertThat(feedback.apply(FeedbackParser.fromSmsDeliveryLog(receipt))).isInstanceOf(FeedbackResult.Duplicate.class);
        feedback.apply(FeedbackParser.fromSmsDeliveryLog("""
                {"notification":{"messageId":"1077257a-92f3-5ca3-bc97-6a915b310625","timestamp":"2026-11-24 09:00:01.559"},
                "delivery":{"destination":"+4915112345678","smsType":"Promotional","providerResponse":"Phone carrier is currently unreachable/unavailable"},
                "status":"FAILURE"}"""));

        assertThat(stored("sms1").status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(stored("sms1").reason()).contains("carrier: Message has been accepted by phone carrier");
        assertThat(stored("sms2").status()).isEqualTo(MessageStatus.FAILED);
        assertThat(stored("sms2").reason()).contains("carrier: Phone carrier is currently unreachable/unavailable");
        assertThat(count(Counter.DELIVERED)).isEqualTo(1);
        assertThat(count(Counter.FAILED)).isEqualTo(1);
    }

    @Test
    void an_inbound_stop_opts_every_user_with_the_number_out_of_sms_once() {
        users.upsert("ada-work", json("{'phone':'+49 151 12345678','consent':{'sms':'opted_in'}}"));
        users.upsert("other", json("{'phone':'+4915199999999','consent':{'sms':'opted_in'}}"));
        sent("sms1", "ada", Channel.SMS, Samples.SMS_PROVIDER_ID); // the SMS the STOP replies to

        FeedbackResult first = apply("sns-inbound-stop.json");
        FeedbackResult second = apply("sns-inbound-stop.json");

        assertThat(first).isInstanceOfSatisfying(FeedbackResult.Applied.class, a -> assertThat(a.effects())
                .contains("keyword:stop", "users:2", "counted:unsubscribed").allSatisfy(e -> assertThat(e).doesNotContain("4915")));
        assertThat(second).isInstanceOf(FeedbackResult.Duplicate.class);
        for (String userId : List.of("ada", "ada-work")) {
            assertThat(users.find(userId).orElseThrow().consent().get(Channel.SMS)).satisfies(c -> {
                assertThat(c.status()).isEqualTo(ConsentStatus.OPTED_OUT);
                assertThat(c.source()).isEqualTo("inbound_sms");
            });
        }
        assertThat(users.find("other").orElseThrow().consent().get(Channel.SMS).status()).isEqualTo(ConsentStatus.OPTED_IN);
        assertThat(reasons("sms1")).contains("unsubscribed (inbound SMS STOP)");
        assertThat(count(Counter.UNSUBSCRIBED)).isEqualTo(1);
    }

    @Test
    void an_inbound_start_opts_back_in_and_asks_aws_once_recording_a_refusal() {
        users.upsert("ada", json("{'consent':{'sms':'opted_out'}}"));

        apply("sns-inbound-start.json");
        apply("sns-inbound-start.json");

        assertThat(optIn.calls).containsExactly(Samples.PHONE);
        assertThat(users.find("ada").orElseThrow().consent().get(Channel.SMS)).satisfies(c -> {
            assertThat(c.status()).isEqualTo(ConsentStatus.OPTED_IN);
            assertThat(c.source()).isEqualTo("inbound_sms");
        });

        // within 30 days AWS refuses: the user's wish is recorded, and so is the refusal
        optIn.answer = new PhoneOptIn.Result.Refused("Opt in is only allowed once every 30 days");
        apply("sns-inbound-stop.json");
        String again = Samples.snsMessage("sns-inbound-start.json").replace("8d2f6c3b-1a4e-5f5d-8c9b-7e8f9a0b1c2d", "another-inbound-id");
        FeedbackResult refused = feedback.apply(FeedbackParser.fromSnsMessage(again));

        assertThat(optIn.calls).hasSize(2);
        assertThat(refused).isInstanceOfSatisfying(FeedbackResult.Applied.class,
                a -> assertThat(a.effects()).contains("aws_opt_in_refused: Opt in is only allowed once every 30 days"));
        assertThat(users.find("ada").orElseThrow().consent().get(Channel.SMS)).satisfies(c -> {
            assertThat(c.status()).isEqualTo(ConsentStatus.OPTED_IN);
            assertThat(c.source()).isEqualTo("inbound_sms; aws_opt_in_refused");
        });
        assertThat(services.markers().find("optin#another-inbound-id", clock.instant()))
                .hasValueSatisfying(item -> assertThat(item.get("refused").s()).contains("30 days"));
    }

    @Test
    void help_is_recorded_and_changes_no_consent() {
        String help = Samples.snsMessage("sns-inbound-stop.json").replace("\"Stop\"", "\" help \"");

        FeedbackResult result = feedback.apply(FeedbackParser.fromSnsMessage(help));

        assertThat(result).isInstanceOfSatisfying(FeedbackResult.Applied.class,
                a -> assertThat(a.effects()).containsExactly("keyword:help", "users:1"));
        assertThat(users.find("ada").orElseThrow().consent().get(Channel.SMS).status()).isEqualTo(ConsentStatus.OPTED_IN);
        assertThat(optIn.calls).isEmpty();
    }

    @Test
    void feedback_about_a_message_that_was_never_sent_is_ignored() {
        Message message = sentSample();
        services.dynamo().putItem(b -> b.tableName(services.tables().messages()).item(services.messages().toItem(
                new Message(message.id(), "ada", TRIGGER, "e", Channel.EMAIL, Priority.MARKETING, "welcome", MessageStatus.CANCELLED,
                        Optional.of("cancelled_by: x"), Json.object(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), clock.instant(), List.of()))));

        assertThat(apply("sns-ses-delivery.json")).isInstanceOf(FeedbackResult.Ignored.class);
        assertThat(stored(message.id()).status()).isEqualTo(MessageStatus.CANCELLED);
        assertThat(count(Counter.DELIVERED)).isZero();
    }
}
