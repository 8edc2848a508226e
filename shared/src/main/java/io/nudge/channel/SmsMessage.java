package io.nudge.channel;

import io.nudge.model.Priority;
import java.util.Objects;

/** A rendered SMS; {@code to} is E.164 and personal data: never log it. */
public record SmsMessage(String messageId, String triggerId, String to, String body, Priority priority) {
    public SmsMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(triggerId, "triggerId");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(priority, "priority");
    }

    @Override
    public String toString() {
        return "SmsMessage[messageId=" + messageId + ", triggerId=" + triggerId + "]";
    }
}
