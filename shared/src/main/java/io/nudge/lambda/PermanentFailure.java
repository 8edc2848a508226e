package io.nudge.lambda;

/** A record that can never succeed (bad shape, unknown reference): dead-lettered, never retried. */
public class PermanentFailure extends RuntimeException {
    public PermanentFailure(String reason) {
        super(reason, null, false, false);
    }

    protected PermanentFailure(String reason, Throwable cause) {
        super(reason, cause, false, false);
    }

    /**
     * True only for what the same record would meet again on every retry: this class (a record or payload that failed
     * parsing at the boundary, see {@link BadRecord}, or an unknown reference) and DynamoDB refusing the request's
     * content ({@code ValidationException}, never a capacity or network problem). Anything else, a
     * NullPointerException or IllegalArgumentException from our own code included, is a defect or an outage: retried,
     * never taken for bad data (a fixed defect then delivers what it failed).
     */
    public static boolean isPermanent(Throwable failure) {
        return failure instanceof PermanentFailure
                || failure instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                        && aws.awsErrorDetails() != null && "ValidationException".equals(aws.awsErrorDetails().errorCode());
    }
}
