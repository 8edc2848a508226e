package io.nudge.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.channel.aws.SesFeedback;
import io.nudge.channel.aws.SnsSmsFeedback;
import io.nudge.lambda.BadRecord;
import io.nudge.lambda.PermanentFailure;
import java.util.function.Supplier;

/**
 * The entry points for the provider payloads process-feedback receives; each provider's parsing sits next to its
 * sender ({@link SesFeedback}, {@link SnsSmsFeedback}):
 * <ul>
 *   <li>an SNS message from SES — event publishing ({@code eventType}) or the older notifications ({@code notificationType});</li>
 *   <li>an SNS message from an AWS End User Messaging two-way number (an inbound SMS);</li>
 *   <li>an SNS SMS delivery-status log line, as a CloudWatch Logs subscription delivers it.</li>
 * </ul>
 * A payload that can never be understood throws {@link PermanentFailure} (the handler dead-letters it); whatever else
 * reading it hits is the payload's too, wrapped as {@link BadRecord}. The messages quote addresses and numbers; no
 * exception message here ever does.
 */
public final class FeedbackParser {
    private FeedbackParser() {}

    /** The {@code Message} of an SNS notification: an SES event or an inbound SMS. */
    public static Feedback fromSnsMessage(String message) {
        return boundary("the SNS message", () -> {
            JsonNode json = FeedbackJson.object(message, "the SNS message");
            if (SesFeedback.isSesEvent(json)) {
                return SesFeedback.parse(json);
            }
            if (SnsSmsFeedback.isInboundSms(json)) {
                return SnsSmsFeedback.inbound(json);
            }
            throw new PermanentFailure("the SNS message is neither an SES event nor an inbound SMS");
        });
    }

    /** One log event's {@code message} from {@code sns/<region>/<account>/DirectPublishToPhoneNumber[/Failure]}. */
    public static Feedback fromSmsDeliveryLog(String message) {
        return boundary("the log event", () -> SnsSmsFeedback.deliveryLog(FeedbackJson.object(message, "the log event")));
    }

    /** Whatever reading a payload hits (a missing field, a date that is not one) is the payload's: {@link BadRecord}. */
    private static Feedback boundary(String what, Supplier<Feedback> parse) {
        try {
            return parse.get();
        } catch (PermanentFailure known) {
            throw known;
        } catch (RuntimeException unreadable) {
            throw new BadRecord(what + " does not parse", unreadable);
        }
    }
}
