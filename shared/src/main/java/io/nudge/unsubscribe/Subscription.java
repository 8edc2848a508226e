package io.nudge.unsubscribe;

import io.nudge.model.Channel;
import java.util.Objects;

/** Who an unsubscribe token speaks for: this user, on this channel, and perhaps only this topic. */
public record Subscription(String userId, Channel channel, java.util.Optional<String> topic) {
    public Subscription {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(topic, "topic");
    }

    /** The whole channel. */
    public Subscription(String userId, Channel channel) {
        this(userId, channel, java.util.Optional.empty());
    }
}
