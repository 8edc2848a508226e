package io.nudge.aws;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sns.model.KmsThrottlingException;
import software.amazon.awssdk.services.sns.model.ThrottledException;

/**
 * What an SDK failure says about whether a provider could have acted on a request. Shared by the client retry
 * strategy ({@link AwsClients}) and the channel adapters, so "safe to send again" means the same in both places.
 */
public final class Failures {
    private Failures() {}

    /**
     * True when the request never left this machine: the host did not resolve, or nobody accepted the connection.
     * A read timeout or a reset connection is not such a failure: the provider may have taken the request.
     */
    public static boolean requestNeverSent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
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
}
