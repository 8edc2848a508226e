package io.nudge.model;

import io.nudge.topics.TopicStatus;
import java.time.Instant;
import java.util.Objects;

/** A person's choice on one topic and channel, with where it came from ({@code api}, {@code unsubscribe}, …) and when. */
public record TopicSubscription(TopicStatus status, String source, Instant at) {
    public TopicSubscription {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(at, "at");
    }
}
