package io.nudge.ratelimit;

import java.time.Duration;

/** Decides whether one more request of an API key fits its {@link RateLimit}. */
public interface KeyRateLimiter {

    sealed interface Decision permits Allowed, Limited {}

    record Allowed() implements Decision {}

    /** @param retryAfter when a retry can succeed, at least one second (HTTP's Retry-After counts whole seconds) */
    record Limited(Duration retryAfter) implements Decision {}

    Decision acquire(String keyId, RateLimit limit);

    /** Retry-After in whole seconds, rounded up, at least 1. */
    static Duration retryAfterMillis(long millis) {
        return Duration.ofSeconds(Math.max(1, (millis + 999) / 1000));
    }
}
