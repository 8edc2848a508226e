package io.nudge.channel.aws;

import io.nudge.channel.PushMessage;
import io.nudge.channel.PushSender;
import io.nudge.channel.SendOutcome;
import io.nudge.channel.push.PushPayloads;
import java.util.Locale;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.EndpointDisabledException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.InvalidParameterValueException;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.PlatformApplicationDisabledException;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/**
 * Sends a push with SNS {@code Publish} to a platform endpoint, as a {@code MessageStructure=json} message built by
 * {@link PushPayloads}. No message attributes are sent: SNS refuses custom attributes such as our message id for
 * mobile push, so unlike email and SMS the correlation is only the returned SNS message id.
 */
public final class SnsPushSender implements PushSender {
    private static final String PROVIDER = "SNS";

    private final SnsClient sns;

    public SnsPushSender(SnsClient sns) {
        this.sns = Objects.requireNonNull(sns, "sns");
    }

    @Override
    public SendOutcome send(PushMessage push) {
        Objects.requireNonNull(push, "push");
        try {
            PublishResponse response = sns.publish(request(push));
            String providerId = response.messageId();
            if (providerId == null || providerId.isBlank()) {
                return new SendOutcome.Unknown("SNS answered without a message id");
            }
            return new SendOutcome.Accepted(providerId);
        } catch (EndpointDisabledException | NotFoundException e) {
            // The platform said the token is dead (uninstalled, expired) and SNS disabled the endpoint, or it is gone.
            return new SendOutcome.EndpointDisabled(ProviderFailures.providerWords(e, push.target()));
        } catch (InvalidParameterException e) {
            String words = ProviderFailures.providerWords(e, push.target());
            // "Invalid parameter: TargetArn Reason: No endpoint found ..." is about the endpoint; anything else
            // ("Message too long", a JSON structure error) is about this message.
            return isAboutTheEndpoint(e)
                    ? new SendOutcome.EndpointDisabled(words)
                    : new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, words);
        } catch (InvalidParameterValueException | PlatformApplicationDisabledException e) {
            // A disabled platform application (expired APNs certificate, revoked FCM key) is our configuration, not
            // the user's token: failing the message is right, removing every user's token would not be.
            return new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, ProviderFailures.providerWords(e, push.target()));
        } catch (SdkException e) {
            // Throttled / KMSThrottling are recognised there, after the SDK's own retries.
            // A refusal of a push is about the message or our platform application: a dead token is EndpointDisabled.
            return ProviderFailures.classify(PROVIDER, e, push.target(), (refusal, words) -> SendOutcome.Rejection.OTHER);
        }
    }

    private static PublishRequest request(PushMessage push) {
        return PublishRequest.builder()
                .targetArn(push.target())
                .messageStructure(PushPayloads.MESSAGE_STRUCTURE)
                .message(PushPayloads.snsMessage(push))
                .build();
    }

    private static boolean isAboutTheEndpoint(InvalidParameterException e) {
        String words = e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage()
                : String.valueOf(e.getMessage());
        String lower = words.toLowerCase(Locale.ROOT);
        return lower.contains("targetarn") || lower.contains("endpoint");
    }
}
