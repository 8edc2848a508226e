package io.nudge.lambda;

/** A record that can never succeed (bad shape, unknown reference): dead-lettered, never retried. */
public final class PermanentFailure extends RuntimeException {
    public PermanentFailure(String reason) {
        super(reason, null, false, false);
    }

    /**
     * True for a failure that the same record would meet again on every retry: this class, a bad argument, a missing
     * or mistyped attribute (null, cast, date), or DynamoDB refusing the request's content ({@code ValidationException},
     * never a capacity or network problem). Retrying those only holds the shard; dead-lettering keeps the record.
     */
    public static boolean isPermanent(Throwable failure) {
        return failure instanceof PermanentFailure || failure instanceof IllegalArgumentException
                || failure instanceof ClassCastException || failure instanceof NullPointerException
                || failure instanceof java.time.DateTimeException
                || failure instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                        && aws.awsErrorDetails() != null && "ValidationException".equals(aws.awsErrorDetails().errorCode());
    }
}
