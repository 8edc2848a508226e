package io.nudge.guards;

import io.nudge.model.Channel;
import java.time.Instant;
import java.util.Objects;

/** One suppressed address on one channel: checked before every send, transactional included. */
public record Suppression(Channel channel, String address, SuppressionReason reason, String source, Instant at) {
    public Suppression {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(at, "at");
    }

    /** Emails compare case-insensitively (providers treat them so); phone numbers are already E.164. */
    public static String normalise(Channel channel, String address) {
        return channel == Channel.EMAIL ? address.strip().toLowerCase(java.util.Locale.ROOT) : address.strip();
    }
}
