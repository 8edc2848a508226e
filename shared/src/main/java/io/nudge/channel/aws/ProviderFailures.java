package io.nudge.channel.aws;

import io.nudge.aws.Failures;
import io.nudge.channel.SendOutcome;
import java.net.SocketTimeoutException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The part of the error mapping that is the same for every provider. The adapters decide their own rejections
 * first; whatever is left lands here. The question is always "could the provider have taken the message?": if it
 * certainly did not, {@link SendOutcome.Throttled} or {@link SendOutcome.Unavailable}; if we cannot know, {@link SendOutcome.Unknown} (at most once).
 */
final class ProviderFailures {
    // Credentials and permissions: the provider refused before looking at the message, and the fix is in our role,
    // so failing the message for good would be wrong.
    private static final Set<String> AUTH_CODES = Set.of(
            "AccessDenied", "AccessDeniedException", "UnrecognizedClientException", "InvalidClientTokenId",
            "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch", "InvalidSignatureException",
            "IncompleteSignature", "MissingAuthenticationToken", "RequestExpired");

    private ProviderFailures() {}

    /** Says what kind of refusal a provider's 4xx answer was; each sender knows its own provider's codes and words. */
    @FunctionalInterface
    interface Rejections {
        SendOutcome.Rejection kindOf(SdkServiceException refusal, String words);
    }

    static SendOutcome classify(String provider, SdkException failure, String recipient, Rejections rejections) {
        if (Failures.isThrottling(failure)) {
            return new SendOutcome.Throttled(provider + " throttled the request: " + providerWords(failure, recipient));
        }
        if (Failures.isUnavailable(failure)) {
            // HTTP 503: refused before the work started (unlike 500/502/504, which may come after it).
            return new SendOutcome.Unavailable(provider + " was unavailable: " + providerWords(failure, recipient));
        }
        if (failure instanceof SdkServiceException service) {
            return fromAnswer(provider, service, recipient, rejections);
        }
        if (Failures.requestNeverSent(failure)) {
            return new SendOutcome.Unavailable("could not connect to " + provider + " (" + rootCauseName(failure) + ")");
        }
        // Past the connect (a connect timeout is "never sent" above): the request may have been written.
        if (failure instanceof ApiCallTimeoutException || failure instanceof ApiCallAttemptTimeoutException
                || hasCause(failure, SocketTimeoutException.class)) {
            return new SendOutcome.Unknown(provider + " did not answer in time; it may have taken the message");
        }
        if (failure instanceof SdkClientException) {
            return new SendOutcome.Unknown("the exchange with " + provider + " broke off (" + rootCauseName(failure)
                    + "); it may have taken the message");
        }
        return new SendOutcome.Unknown("unexpected failure talking to " + provider + " ("
                + failure.getClass().getSimpleName() + "); it may have taken the message");
    }

    private static SendOutcome fromAnswer(String provider, SdkServiceException answer, String recipient, Rejections rejections) {
        String words = providerWords(answer, recipient);
        int status = answer.statusCode();
        if (status >= 500) {
            return new SendOutcome.Unknown(provider + " answered HTTP " + status + ": " + words);
        }
        if (answer instanceof AwsServiceException aws && aws.isClockSkewException()) {
            return new SendOutcome.Unavailable(provider + " refused our clock: " + words);
        }
        String code = Failures.errorCode(answer);
        if (status == 401 || status == 403 || code != null && AUTH_CODES.contains(code)) {
            return new SendOutcome.Unavailable(provider + " refused our credentials: " + words);
        }
        if (status >= 400) {
            return new SendOutcome.Rejected(rejections.kindOf(answer, words), words);
        }
        return new SendOutcome.Unknown(provider + " answered HTTP " + status + ": " + words);
    }

    /** Whether AWS answered with {@code code}: the SDK maps a known code to {@code type}; an unmapped one stays a code. */
    static boolean hasCode(SdkServiceException refusal, Class<? extends SdkServiceException> type, String code) {
        return type.isInstance(refusal) || code.equals(Failures.errorCode(refusal));
    }

    /** What the provider said, in its own words, without personal data. */
    static String providerWords(SdkException failure, String recipient) {
        String words = null;
        if (failure instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
            words = aws.awsErrorDetails().errorMessage();
            if (isBlank(words)) {
                words = aws.awsErrorDetails().errorCode();
            }
        }
        if (isBlank(words)) {
            // Built without error details (our fakes do this): the exception message is the provider's text.
            words = failure.getMessage();
        }
        if (isBlank(words)) {
            words = failure instanceof SdkServiceException s ? "HTTP " + s.statusCode() : failure.getClass().getSimpleName();
        }
        return Redaction.scrub(words, recipient);
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootCauseName(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
