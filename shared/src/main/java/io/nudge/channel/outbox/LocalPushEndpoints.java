package io.nudge.channel.outbox;

import io.nudge.channel.PushEndpoints;
import io.nudge.channel.PushPlatform;
import io.nudge.ids.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * Local mode's stand-in for SNS platform endpoints: the target is {@code local-<platform>-<hash of the token>}, the
 * same for the same token on every start (like SNS, which returns the existing endpoint), and never the token itself,
 * so the outbox's {@code target} field does not copy the token around. There is nothing to delete.
 */
public final class LocalPushEndpoints implements PushEndpoints {
    @Override
    public String register(PushPlatform platform, String token, String userId) {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(userId, "userId");
        return "local-" + platform.wire() + "-" + Ids.base32(sha256(token), 26);
    }

    @Override
    public void delete(String target) {
        Objects.requireNonNull(target, "target");
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
