package io.nudge.channel;

/** Sends one push notification. Implementations: SNS Publish to a platform endpoint and the local outbox. */
public interface PushSender {
    SendOutcome send(PushMessage push);

    /** For a deployment without push: every push fails for good, visibly, instead of waiting for a provider. */
    static PushSender notConfigured() {
        return push -> new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, "push is not configured");
    }
}
