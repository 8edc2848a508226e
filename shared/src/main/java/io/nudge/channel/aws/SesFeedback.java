package io.nudge.channel.aws;

import static io.nudge.feedback.FeedbackJson.safe;
import static io.nudge.feedback.FeedbackJson.strings;
import static io.nudge.feedback.FeedbackJson.text;
import static io.nudge.feedback.FeedbackJson.time;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.feedback.Feedback;
import io.nudge.feedback.Feedback.BounceType;
import io.nudge.feedback.Feedback.BouncedRecipient;
import io.nudge.feedback.Feedback.EmailEvent;
import io.nudge.feedback.Redact;
import io.nudge.lambda.PermanentFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The events SES publishes about what {@link SesEmailSender} sent — event publishing ({@code eventType}) or the older
 * notifications ({@code notificationType}) — read into {@link Feedback}. Our message id comes back in the tag the
 * sender set. An event that can never be understood throws {@link PermanentFailure}; no exception message quotes an
 * address.
 */
public final class SesFeedback {
    private static final Pattern OUR_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private SesFeedback() {}

    /** Whether an SNS message's JSON is an SES event. */
    public static boolean isSesEvent(JsonNode json) {
        return json.has("eventType") || json.has("notificationType");
    }

    public static Feedback parse(JsonNode json) {
        String type = text(json.path("eventType")).or(() -> text(json.path("notificationType")))
                .orElseThrow(() -> new PermanentFailure("eventType is not a string"));
        if (type.equals("AmazonSnsSubscriptionSucceeded")) {
            return new Feedback.Ignored("SES confirmed the topic subscription");
        }
        JsonNode mailNode = json.path("mail");
        if (!mailNode.isObject()) {
            throw new PermanentFailure("the SES " + safe(type) + " event has no mail object");
        }
        Feedback.Mail mail = mail(mailNode);
        EmailEvent event = switch (type) {
            case "Send" -> new EmailEvent.Sent(time(json.path("send").path("timestamp")).or(mail::sentAt));
            case "Delivery" -> delivery(json.path("delivery"), mail);
            case "Bounce" -> bounce(json.path("bounce"));
            case "Complaint" -> complaint(json.path("complaint"), mail);
            case "Reject" -> new EmailEvent.Rejected(Redact.words(text(json.path("reject").path("reason")).orElse("rejected")), mail.sentAt());
            case "Rendering Failure", "RenderingFailure" -> new EmailEvent.RenderingFailed(
                    Redact.words(text(json.path("failure").path("errorMessage")).orElse("rendering failed")), mail.sentAt());
            case "Open" -> new EmailEvent.Opened(time(json.path("open").path("timestamp")));
            case "Click" -> click(json.path("click"));
            case "DeliveryDelay" -> delay(json.path("deliveryDelay"), mail);
            case "Subscription" -> subscription(json.path("subscription"));
            default -> throw new PermanentFailure("unknown SES event type " + safe(type));
        };
        return new Feedback.Email(mail, event);
    }

    private static Feedback.Mail mail(JsonNode mail) {
        String sesId = text(mail.path("messageId")).orElseThrow(() -> new PermanentFailure("mail.messageId is missing"));
        // Tag values are arrays in SES events: {"nudge_message_id":["…"]}
        JsonNode tag = mail.path("tags").path(SesEmailSender.MESSAGE_ID_TAG);
        Optional<String> ours = (tag.isArray() ? text(tag.path(0)) : text(tag)).filter(id -> OUR_ID.matcher(id).matches());
        List<String> destination = strings(mail.path("destination"));
        return new Feedback.Mail(sesId, ours, destination, time(mail.path("timestamp")));
    }

    private static EmailEvent delivery(JsonNode delivery, Feedback.Mail mail) {
        List<String> recipients = strings(delivery.path("recipients"));
        return new EmailEvent.Delivered(recipients.isEmpty() ? mail.destination() : recipients,
                Redact.words(text(delivery.path("smtpResponse")).orElse("")), time(delivery.path("timestamp")));
    }

    private static EmailEvent bounce(JsonNode bounce) {
        BounceType bounceType = switch (text(bounce.path("bounceType")).orElse("Undetermined")) {
            case "Permanent" -> BounceType.PERMANENT;
            case "Transient" -> BounceType.TRANSIENT;
            default -> BounceType.UNDETERMINED;
        };
        List<BouncedRecipient> recipients = new ArrayList<>();
        for (JsonNode r : bounce.path("bouncedRecipients")) {
            text(r.path("emailAddress")).ifPresent(address -> recipients.add(new BouncedRecipient(address,
                    Redact.words(text(r.path("diagnosticCode")).or(() -> text(r.path("status"))).orElse("")))));
        }
        if (recipients.isEmpty()) {
            throw new PermanentFailure("the bounce names no bouncedRecipients");
        }
        return new EmailEvent.Bounced(bounceType, Redact.words(text(bounce.path("bounceSubType")).orElse("General")),
                recipients, time(bounce.path("timestamp")));
    }

    private static EmailEvent complaint(JsonNode complaint, Feedback.Mail mail) {
        List<String> recipients = new ArrayList<>();
        for (JsonNode r : complaint.path("complainedRecipients")) {
            text(r.path("emailAddress")).ifPresent(recipients::add);
        }
        return new EmailEvent.Complained(recipients.isEmpty() ? mail.destination() : recipients,
                text(complaint.path("complaintFeedbackType")).map(Redact::words), time(complaint.path("timestamp")));
    }

    private static EmailEvent click(JsonNode click) {
        String link = text(click.path("link")).map(Redact::link).orElse("");
        return new EmailEvent.Clicked(link, time(click.path("timestamp")));
    }

    private static EmailEvent delay(JsonNode delay, Feedback.Mail mail) {
        List<String> recipients = new ArrayList<>();
        for (JsonNode r : delay.path("delayedRecipients")) {
            text(r.path("emailAddress")).ifPresent(recipients::add);
        }
        return new EmailEvent.Delayed(Redact.words(text(delay.path("delayType")).orElse("Undetermined")),
                recipients.isEmpty() ? mail.destination() : recipients, time(delay.path("timestamp")));
    }

    /** Opted out when the recipient unsubscribed from everything or from any topic: Nudge has one email consent. */
    private static EmailEvent subscription(JsonNode subscription) {
        JsonNode preferences = subscription.path("newTopicPreferences");
        boolean optedOut = preferences.path("unsubscribeAll").asBoolean(false);
        for (JsonNode topic : preferences.path("topicSubscriptionStatus")) {
            optedOut |= text(topic.path("subscriptionStatus")).map(s -> s.equalsIgnoreCase("OptOut")).orElse(false);
        }
        return new EmailEvent.Subscription(optedOut, time(subscription.path("timestamp")));
    }
}
