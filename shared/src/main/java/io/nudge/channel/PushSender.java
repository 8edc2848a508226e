package io.nudge.channel;

/** Sends one push notification. Implementations: SNS Publish to a platform endpoint and the local outbox. */
public interface PushSender {
    SendOutcome send(PushMessage push);
}
