package io.nudge.aws;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.sns.model.KmsThrottlingException;
import software.amazon.awssdk.services.sns.model.ThrottledException;

/**
 * What an SDK failure says about whether a provider could have acted on a request. Shared by the client retry
 * strategy ({@link AwsClients}) and the channel adapters, so "safe to send again" means the same in both places.
 *
 * <p>The rule for SES and SNS sends, which are not idempotent (no client token; SNS deduplicates only FIFO topics):
 * a failure is retryable only when the provider certainly did not take the message —
 * <ul>
 *   <li>it refused because of our rate (throttling, HTTP 429, SNS {@code Throttled}) or said it is unavailable
 *       (HTTP 503 {@code ServiceUnavailable}: the front end refused the work before it started);</li>
 *   <li>the request never left this machine: the host did not resolve, the connection was refused, the connect
 *       timed out, the TLS handshake failed (the request is written only after it).</li>
 * </ul>
 * Anything after the request may have been written — a read timeout, a reset connection, an SDK call or attempt
 * timeout (it can fire at any point of the exchange), HTTP 500/502/504 — may have been acted on: the caller must
 * treat it as unknown and never send again.
 */
public final class Failures {
    /** Codes with which AWS front ends refuse work they did not start. */
    private static final Set<String> UNAVAILABLE_CODES = Set.of("ServiceUnavailable", "ServiceUnavailableException", "SlowDown");

    private Failures() {}

    /**
     * True when the request never left this machine: the host did not resolve, nobody accepted the connection, the
     * connect timed out, or the TLS handshake failed. A read timeout or a reset connection is not such a failure:
     * the provider may have taken the request.
     */
    public static boolean requestNeverSent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof HttpConnectTimeoutException || t instanceof SSLHandshakeException
                    || isConnectTimeout(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the provider refused the request because of its rate: it certainly did not take it. SNS answers
     * {@code Throttled} (HTTP 400), a code the SDK's own throttling list does not know, hence the explicit types.
     */
    public static boolean isThrottling(Throwable failure) {
        if (failure instanceof ThrottledException || failure instanceof KmsThrottlingException) {
            return true;
        }
        return failure instanceof AwsServiceException e && e.isThrottlingException();
    }

    /** True for HTTP 503 / {@code ServiceUnavailable}: the service refused the work before starting it. */
    public static boolean isUnavailable(Throwable failure) {
        if (!(failure instanceof SdkServiceException service)) {
            return false;
        }
        if (service.statusCode() == 503) {
            return true;
        }
        return failure instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                && UNAVAILABLE_CODES.contains(aws.awsErrorDetails().errorCode());
    }

    /** Throttled, unavailable, refused for clock skew, or never sent: sending again cannot make a second copy. */
    public static boolean certainlyNotTaken(Throwable failure) {
        return isThrottling(failure) || isUnavailable(failure)
                || failure instanceof AwsServiceException e && e.isClockSkewException()
                || requestNeverSent(failure);
    }

    /** The error code AWS answered with, if the SDK parsed one. */
    public static String errorCode(Throwable failure) {
        if (failure instanceof AwsServiceException aws) {
            AwsErrorDetails details = aws.awsErrorDetails();
            return details == null ? null : details.errorCode();
        }
        return null;
    }

    // HttpURLConnection (the SDK's UrlConnectionHttpClient) reports a connect timeout as a plain
    // SocketTimeoutException("Connect timed out"), a read timeout as SocketTimeoutException("Read timed out").
    private static boolean isConnectTimeout(Throwable t) {
        return t instanceof SocketTimeoutException && t.getMessage() != null
                && t.getMessage().toLowerCase(Locale.ROOT).contains("connect timed out");
    }
}
