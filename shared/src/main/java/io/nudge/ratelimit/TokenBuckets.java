package io.nudge.ratelimit;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One in-memory token bucket per key: refills at {@code perSecond}, holds at most {@code burst}. Exact where one
 * process serves every request (the local runner); on Lambda each instance would hold its own bucket, so there
 * {@link SharedRateLimiter} is used instead.
 */
public final class TokenBuckets implements KeyRateLimiter {
    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public TokenBuckets(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Decision acquire(String keyId, RateLimit limit) {
        return buckets.compute(keyId, (id, bucket) -> bucket == null || !bucket.limit.equals(limit)
                ? new Bucket(limit, limit.burst(), clock.millis()) : bucket).take(clock.millis());
    }

    private static final class Bucket {
        private final RateLimit limit;
        private double tokens;
        private long refilledAt;

        Bucket(RateLimit limit, double tokens, long now) {
            this.limit = limit;
            this.tokens = tokens;
            this.refilledAt = now;
        }

        synchronized Decision take(long now) {
            if (now > refilledAt) {
                tokens = Math.min(limit.burst(), tokens + (now - refilledAt) * limit.perSecond() / 1000.0);
                refilledAt = now;
            }
            if (tokens >= 1) {
                tokens -= 1;
                return new Allowed();
            }
            return new Limited(KeyRateLimiter.retryAfterMillis((long) Math.ceil((1 - tokens) * 1000 / limit.perSecond())));
        }
    }
}
