package io.nudge.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A message to one user on one channel. It carries a copy of the event context it renders from
 * ({@code context}), so it still renders after the event itself has expired. {@code dueAt} is set while it waits
 * (SCHEDULED) for a delay, a send time or the end of quiet hours.
 */
public record Message(
        String id,
        String userId,
        String triggerId,
        String eventId,
        Channel channel,
        Priority priority,
        String templateId,
        MessageStatus status,
        Optional<String> reason,
        ObjectNode context,
        Optional<String> to,
        Optional<String> subject,
        Optional<String> providerMessageId,
        Optional<Instant> attemptAt,
        Optional<Instant> dueAt,
        Instant createdAt,
        List<HistoryEntry> history,
        Optional<Integer> smsSegments) {

    public Message {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(dueAt, "dueAt");
        history = List.copyOf(history);
        java.util.Objects.requireNonNull(smsSegments, "smsSegments");
    }

    /** A message not sent yet (no SMS segment count). */
    public Message(String id, String userId, String triggerId, String eventId, Channel channel, Priority priority,
            String templateId, MessageStatus status, Optional<String> reason, ObjectNode context, Optional<String> to,
            Optional<String> subject, Optional<String> providerMessageId, Optional<Instant> attemptAt, Optional<Instant> dueAt,
            Instant createdAt, List<HistoryEntry> history) {
        this(id, userId, triggerId, eventId, channel, priority, templateId, status, reason, context, to, subject,
                providerMessageId, attemptAt, dueAt, createdAt, history, Optional.empty());
    }

    /** Still waiting to be sent: a cancel may stop it. */
    public boolean pending() {
        return status == MessageStatus.SCHEDULED || status == MessageStatus.READY;
    }
}
