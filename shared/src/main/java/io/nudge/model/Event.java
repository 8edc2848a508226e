package io.nudge.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/** Something a user did, as posted by the app. {@code id} is the idempotency key. */
public record Event(String id, String userId, String name, ObjectNode properties, Instant timestamp, Instant receivedAt) {
    public Event {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
