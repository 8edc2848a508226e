package io.nudge.channel;

import io.nudge.model.Priority;
import java.util.Objects;
import java.util.Optional;

/** A rendered email, ready for a provider. {@code to} is personal data: never log it. */
public record EmailMessage(
        String messageId,
        String triggerId,
        String from,
        String to,
        String subject,
        Optional<String> html,
        Optional<String> text,
        Priority priority) {
    public EmailMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(triggerId, "triggerId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(priority, "priority");
        if (html.isEmpty() && text.isEmpty()) {
            throw new IllegalArgumentException("an email needs an html or a text part");
        }
    }

    @Override
    public String toString() {
        return "EmailMessage[messageId=" + messageId + ", triggerId=" + triggerId + "]";
    }
}
