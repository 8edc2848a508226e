package io.nudge.keys;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import io.nudge.ratelimit.RateLimit;

/**
 * A stored key: only the SHA-256 of the secret is kept.
 *
 * @param rateLimit this key's own request rate limit; empty: the default ({@code NUDGE_KEY_RATE_LIMIT})
 */
public record ApiKey(String id, String name, Scope scope, String sha256, Instant createdAt, Optional<RateLimit> rateLimit) {
    public ApiKey(String id, String name, Scope scope, String sha256, Instant createdAt) {
        this(id, name, scope, sha256, createdAt, Optional.empty());
    }

    public ApiKey {
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
