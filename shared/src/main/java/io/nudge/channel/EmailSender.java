package io.nudge.channel;

/** Sends one email. Implementations: SES v2 and the local outbox. */
public interface EmailSender {
    SendOutcome send(EmailMessage email);
}
