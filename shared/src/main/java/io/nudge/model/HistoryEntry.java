package io.nudge.model;

import java.time.Instant;
import java.util.Objects;

/** One transition of a message: kept forever in the message's history. */
public record HistoryEntry(MessageStatus status, String reason, Instant at) {
    public HistoryEntry {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(at, "at");
    }
}
