package io.nudge.feedback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.channel.aws.SesEmailSender;
import io.nudge.feedback.Feedback.BounceType;
import io.nudge.feedback.Feedback.BouncedRecipient;
import io.nudge.feedback.Feedback.EmailEvent;
import io.nudge.json.Json;
import io.nudge.lambda.BadRecord;
import io.nudge.lambda.PermanentFailure;
import io.nudge.users.UserService;
import io.nudge.validation.InvalidInputException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the provider payloads process-feedback receives into {@link Feedback}:
 * <ul>
 *   <li>an SNS message from SES — event publishing ({@code eventType}) or the older notifications ({@code notificationType});</li>
 *   <li>an SNS message from an AWS End User Messaging two-way number (an inbound SMS);</li>
 *   <li>an SNS SMS delivery-status log line, as a CloudWatch Logs subscription delivers it.</li>
 * </ul>
 * A payload that can never be understood throws {@link PermanentFailure} (the handler dead-letters it). The messages
 * quote addresses and numbers; no exception message here ever does.
 */
public final class FeedbackParser {
    private static final Pattern OUR_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
    private static final DateTimeFormatter SNS_LOG_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss[.SSS]");

    private FeedbackParser() {}

    /** The {@code Message} of an SNS notification: an SES event or an inbound SMS. */
    public static Feedback fromSnsMessage(String message) {
        return boundary("the SNS message", () -> snsMessage(message));
    }

    /** One log event's {@code message} from {@code sns/<region>/<account>/DirectPublishToPhoneNumber[/Failure]}. */
    public static Feedback fromSmsDeliveryLog(String message) {
        return boundary("the log event", () -> smsDeliveryLog(message));
    }

    /** Whatever reading a payload hits (a missing field, a date that is not one) is the payload's: {@link BadRecord}. */
    private static Feedback boundary(String what, java.util.function.Supplier<Feedback> parse) {
        try {
            return parse.get();
        } catch (PermanentFailure known) {
            throw known;
        } catch (RuntimeException unreadable) {
            throw new BadRecord(what + " does not parse", unreadable);
        }
    }

    private static Feedback snsMessage(String message) {
        JsonNode json = object(message, "the SNS message");
        if (json.has("eventType") || json.has("notificationType")) {
            return ses(json);
        }
        if (json.has("originationNumber") && json.has("messageBody")) {
            return inbound(json);
        }
        throw new PermanentFailure("the SNS message is neither an SES event nor an inbound SMS");
    }

    private static Feedback smsDeliveryLog(String message) {
        JsonNode json = object(message, "the log event");
        String messageId = text(json.path("notification").path("messageId"))
                .orElseThrow(() -> new PermanentFailure("the log event has no notification.messageId: not an SMS delivery status"));
        String status = text(json.path("status"))
                .orElseThrow(() -> new PermanentFailure("the log event has no status: not an SMS delivery status"));
        boolean delivered = switch (status.toUpperCase(Locale.ROOT)) {
            case "SUCCESS" -> true;
            case "FAILURE" -> false;
            default -> throw new PermanentFailure("unknown SMS delivery status " + safe(status));
        };
        String words = Redact.words(text(json.path("delivery").path("providerResponse")).orElse(delivered ? "delivered" : "no reason given"));
        Optional<Instant> at = text(json.path("notification").path("timestamp")).flatMap(FeedbackParser::snsLogTime);
        return new Feedback.SmsReceipt(messageId, delivered, words, at);
    }

    // ------------------------------------------------------------------ SES

    private static Feedback ses(JsonNode json) {
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

    // ------------------------------------------------------------------ inbound SMS

    private static Feedback inbound(JsonNode json) {
        String id = text(json.path("inboundMessageId")).orElseThrow(() -> new PermanentFailure("the inbound SMS has no inboundMessageId"));
        String from = text(json.path("originationNumber")).map(FeedbackParser::phone)
                .orElseThrow(() -> new PermanentFailure("the inbound SMS has no originationNumber"));
        String body = json.path("messageBody").isTextual() ? json.get("messageBody").textValue() : "";
        return new Feedback.InboundSms(id, from, Feedback.Keyword.of(body), text(json.path("previousPublishedMessageId")));
    }

    /** E.164, as user profiles store it; a number libphonenumber doubts but that has the shape is kept as it is. */
    private static String phone(String value) {
        try {
            return UserService.phone(value.strip());
        } catch (InvalidInputException notValid) {
            String stripped = value.strip();
            if (E164.matcher(stripped).matches()) {
                return stripped;
            }
            throw new PermanentFailure("originationNumber is not an international phone number");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static JsonNode object(String text, String what) {
        if (text == null) {
            throw new PermanentFailure(what + " is missing");
        }
        JsonNode json;
        try {
            json = Json.parse(text);
        } catch (JsonProcessingException e) {
            throw new PermanentFailure(what + " is not JSON");
        }
        if (json == null || !json.isObject()) {
            throw new PermanentFailure(what + " is not a JSON object");
        }
        return json;
    }

    private static Optional<String> text(JsonNode node) {
        return node != null && node.isTextual() && !node.textValue().isBlank() ? Optional.of(node.textValue()) : Optional.empty();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> text(v).ifPresent(values::add));
        return values;
    }

    private static Optional<Instant> time(JsonNode node) {
        return text(node).flatMap(t -> {
            try {
                return Optional.of(Instant.parse(t));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        });
    }

    /** "2016-06-28 00:40:34.558", UTC. */
    private static Optional<Instant> snsLogTime(String text) {
        try {
            return Optional.of(LocalDateTime.parse(text, SNS_LOG_TIME).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Provider-chosen words in an error: bounded and without anything shaped like an address. */
    private static String safe(String text) {
        String words = Redact.words(text);
        return words.length() <= 40 ? words : words.substring(0, 40) + "…";
    }
}
