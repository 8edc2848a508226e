package io.nudge.keys;

import java.time.Instant;
import java.util.Objects;

/** A stored key: only the SHA-256 of the secret is kept. */
public record ApiKey(String id, String name, Scope scope, String sha256, Instant createdAt) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
