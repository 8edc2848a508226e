package io.nudge.feedback;

/**
 * Feedback that cannot be applied yet but will be: its message is still SENDING, or the provider-id index has not
 * caught up with a message sent moments ago, or a duplicate of it is being applied right now. The handler lets it
 * propagate, so Lambda retries the asynchronous invocation.
 */
public final class RetryLater extends RuntimeException {
    public RetryLater(String reason) {
        super(reason, null, false, false);
    }
}
