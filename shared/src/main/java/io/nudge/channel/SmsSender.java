package io.nudge.channel;

/** Sends one SMS. Implementations: SNS Publish and the local outbox. */
public interface SmsSender {
    SendOutcome send(SmsMessage sms);
}
