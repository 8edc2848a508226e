package io.nudge.unsubscribe;

import io.nudge.model.Channel;
import java.util.Objects;

/** Who an unsubscribe token speaks for: this user, on this channel. */
public record Subscription(String userId, Channel channel) {
    public Subscription {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(channel, "channel");
    }
}
