package io.nudge.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A message to one user on one channel. It carries a copy of the event context it renders from
 * ({@code context}), so it still renders after the event itself has expired.
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
        Instant createdAt,
        List<HistoryEntry> history) {

    public Message {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(status, "status");
        history = List.copyOf(history);
    }
}
