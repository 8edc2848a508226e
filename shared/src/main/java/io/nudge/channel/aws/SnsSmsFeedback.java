package io.nudge.channel.aws;

import static io.nudge.feedback.FeedbackJson.safe;
import static io.nudge.feedback.FeedbackJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.feedback.Feedback;
import io.nudge.feedback.Redact;
import io.nudge.lambda.PermanentFailure;
import io.nudge.users.UserService;
import io.nudge.validation.InvalidInputException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What comes back about SMS sent by {@link SnsSmsSender}, read into {@link Feedback}: the SNS delivery-status log line
 * (keyed by the message id Publish returned), and an inbound SMS on an AWS End User Messaging two-way number (a STOP,
 * START or HELP). A payload that can never be understood throws {@link PermanentFailure}; no exception message quotes
 * a number.
 */
public final class SnsSmsFeedback {
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
    private static final DateTimeFormatter SNS_LOG_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss[.SSS]");

    private SnsSmsFeedback() {}

    /** One log event from {@code sns/<region>/<account>/DirectPublishToPhoneNumber[/Failure]}. */
    public static Feedback deliveryLog(JsonNode json) {
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
        Optional<Instant> at = text(json.path("notification").path("timestamp")).flatMap(SnsSmsFeedback::snsLogTime);
        return new Feedback.SmsReceipt(messageId, delivered, words, at);
    }

    /** Whether an SNS message's JSON is an inbound SMS. */
    public static boolean isInboundSms(JsonNode json) {
        return json.has("originationNumber") && json.has("messageBody");
    }

    public static Feedback inbound(JsonNode json) {
        String id = text(json.path("inboundMessageId")).orElseThrow(() -> new PermanentFailure("the inbound SMS has no inboundMessageId"));
        String from = text(json.path("originationNumber")).map(SnsSmsFeedback::phone)
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

    /** "2016-06-28 00:40:34.558", UTC. */
    private static Optional<Instant> snsLogTime(String text) {
        try {
            return Optional.of(LocalDateTime.parse(text, SNS_LOG_TIME).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
