package io.nudge.channel.aws;

import io.nudge.channel.SendOutcome;
import io.nudge.channel.SmsMessage;
import io.nudge.channel.SmsSender;
import io.nudge.model.Priority;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.AuthorizationErrorException;
import software.amazon.awssdk.services.sns.model.EndpointDisabledException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.InvalidParameterValueException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.OptedOutException;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/**
 * Sends an SMS with SNS {@code Publish} to a phone number. Transactional messages are sent as {@code Transactional}
 * (higher delivery priority, and they reach numbers some countries block for marketing), marketing ones as
 * {@code Promotional} (cheaper). Delivery reports go to CloudWatch Logs keyed by the returned message id.
 */
public final class SnsSmsSender implements SmsSender {
    public static final String SMS_TYPE = "AWS.SNS.SMS.SMSType";
    public static final String SENDER_ID = "AWS.SNS.SMS.SenderID";
    public static final String ORIGINATION_NUMBER = "AWS.MM.SMS.OriginationNumber";
    private static final String PROVIDER = "SNS";
    // AWS: 1 to 11 letters and digits, at least one letter.
    private static final Pattern SENDER_ID_SHAPE = Pattern.compile("(?=.*[A-Za-z])[A-Za-z0-9]{1,11}");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

    private final SnsClient sns;
    private final Optional<String> senderId;
    private final Optional<String> originationNumber;

    /** Checks the configured sender id and origination number now, so a typo fails at init, not at every send. */
    public SnsSmsSender(SnsClient sns, Optional<String> senderId, Optional<String> originationNumber) {
        this.sns = Objects.requireNonNull(sns, "sns");
        this.senderId = Objects.requireNonNull(senderId, "senderId");
        this.originationNumber = Objects.requireNonNull(originationNumber, "originationNumber");
        senderId.ifPresent(id -> {
            if (!SENDER_ID_SHAPE.matcher(id).matches()) {
                throw new IllegalArgumentException("senderId must be 1 to 11 letters and digits with at least one letter");
            }
        });
        originationNumber.ifPresent(number -> {
            if (!E164.matcher(number).matches()) {
                throw new IllegalArgumentException("originationNumber must be an E.164 number (+ and up to 15 digits)");
            }
        });
    }

    @Override
    public SendOutcome send(SmsMessage sms) {
        Objects.requireNonNull(sms, "sms");
        try {
            PublishResponse response = sns.publish(request(sms));
            String providerId = response.messageId();
            if (providerId == null || providerId.isBlank()) {
                return new SendOutcome.Unknown("SNS answered without a message id");
            }
            return new SendOutcome.Accepted(providerId);
        } catch (InvalidParameterException | InvalidParameterValueException | EndpointDisabledException
                | OptedOutException | AuthorizationErrorException e) {
            String words = ProviderFailures.providerWords(e, sms.to());
            return new SendOutcome.Rejected(rejection(e, words), words);
        } catch (SdkException e) {
            // Throttled / KMSThrottling are recognised there, after the SDK's own retries.
            return ProviderFailures.classify(PROVIDER, e, sms.to(), SnsSmsSender::rejection);
        }
    }

    /**
     * SNS's refusals of an SMS, by error code first: {@code OptedOut} (the number sent STOP to the carrier or AWS),
     * {@code InvalidParameter} naming the PhoneNumber ("Invalid parameter: PhoneNumber Reason: … is not valid to
     * publish to"). The words decide only where the code alone cannot.
     */
    static SendOutcome.Rejection rejection(SdkServiceException refusal, String words) {
        String lower = words.toLowerCase(Locale.ROOT);
        if (ProviderFailures.hasCode(refusal, OptedOutException.class, "OptedOut")
                || lower.contains("opted out") || lower.contains("opt-out") || lower.contains("optedout")) {
            return SendOutcome.Rejection.OPTED_OUT;
        }
        boolean invalidParameter = ProviderFailures.hasCode(refusal, InvalidParameterException.class, "InvalidParameter")
                || ProviderFailures.hasCode(refusal, InvalidParameterValueException.class, "ParameterValueInvalid");
        if (invalidParameter && (lower.contains("phonenumber") || lower.contains("phone number"))) {
            return SendOutcome.Rejection.INVALID_ADDRESS;
        }
        return SendOutcome.Rejection.OTHER;
    }

    /** {@code Transactional} or {@code Promotional}, as SNS spells them. */
    public static String smsType(Priority priority) {
        return switch (priority) {
            case TRANSACTIONAL -> "Transactional";
            case MARKETING -> "Promotional";
        };
    }

    private PublishRequest request(SmsMessage sms) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put(SMS_TYPE, string(smsType(sms.priority())));
        senderId.ifPresent(id -> attributes.put(SENDER_ID, string(id)));
        originationNumber.ifPresent(number -> attributes.put(ORIGINATION_NUMBER, string(number)));
        return PublishRequest.builder()
                .phoneNumber(sms.to())
                .message(sms.body())
                .messageAttributes(attributes)
                .build();
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
