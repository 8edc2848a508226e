package io.nudge.lambda;

/** A record that can never succeed (bad shape, unknown reference): dead-lettered, never retried. */
public final class PermanentFailure extends RuntimeException {
    public PermanentFailure(String reason) {
        super(reason, null, false, false);
    }
}
