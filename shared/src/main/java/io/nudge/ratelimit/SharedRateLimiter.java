package io.nudge.ratelimit;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * A key's rate limit held across every Lambda instance: a counter per key per window in the State table, from which
 * each instance leases tokens a chunk at a time.
 *
 * <p>Why this design: each Lambda instance is its own JVM, so an in-memory bucket alone would let N concurrent
 * instances admit N times the limit, and dividing the limit by an "expected concurrency" is wrong whenever the
 * guess is. A DynamoDB counter is shared and exact, but one write per request would double the cost of an event
 * (ingest itself is one write). So an instance takes {@code chunk} tokens with one {@code UpdateItem ADD} (returning
 * the new total; the grant is what was still under the allowance) and serves the next requests from memory.
 *
 * <p>Window: {@code burst / perSecond} seconds (at least 100 ms) holding {@code burst} requests, which keeps the
 * average rate at {@code perSecond} and a burst at {@code burst} (as a fixed window, up to twice that across a window
 * boundary). Chunk: 1/20 of the window's allowance, 1 to 50.
 *
 * <p>Cost: at most one write per request, and only when the instance's lease is used up: about {@code 1/chunk}
 * writes per admitted request (0.02 at the default 1000/s burst 2000), plus one per instance per window when the
 * window is spent; requests refused after that cost nothing. Tokens leased by an instance that then goes idle are
 * lost for that window (under-admission of at most {@code chunk - 1} per instance per window), never over-admission.
 * When the counter cannot be reached the request is admitted (fail open) and logged.
 */
public final class SharedRateLimiter implements KeyRateLimiter {
    private static final io.nudge.log.Log LOG = io.nudge.log.Log.of(SharedRateLimiter.class);
    static final int MAX_CHUNK = 50;
    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();

    public SharedRateLimiter(DynamoDbClient dynamo, String stateTable, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(stateTable, "stateTable");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The window's length: burst / rate, at least 100 ms. */
    static long windowMillis(RateLimit limit) {
        return Math.max(100, (long) Math.ceil(limit.burst() * 1000.0 / limit.perSecond()));
    }

    /** Requests one window admits (about {@code burst}). */
    static long allowance(RateLimit limit) {
        return Math.max(1, Math.round(limit.perSecond() * windowMillis(limit) / 1000.0));
    }

    static long chunk(RateLimit limit) {
        return Math.max(1, Math.min(MAX_CHUNK, allowance(limit) / 20));
    }

    @Override
    public Decision acquire(String keyId, RateLimit limit) {
        Lease lease = leases.computeIfAbsent(keyId, id -> new Lease());
        synchronized (lease) {
            long now = clock.millis();
            long windowMillis = windowMillis(limit);
            long window = now / windowMillis;
            if (lease.window != window || !limit.equals(lease.limit)) {
                lease.window = window;
                lease.limit = limit;
                lease.remaining = 0;
                lease.spent = false;
            }
            if (lease.remaining > 0) {
                lease.remaining--;
                return new Allowed();
            }
            long retry = (window + 1) * windowMillis - now;
            if (lease.spent) {
                return new Limited(KeyRateLimiter.retryAfterMillis(retry));
            }
            long granted;
            try {
                granted = take(keyId, limit, window, windowMillis);
            } catch (SdkException unavailable) {
                // Fail open: the limit protects the system, and refusing every request because the counter is briefly
                // unavailable would be the outage it is meant to prevent. Nothing is leased: the next request asks again.
                LOG.warn("rate-limit counter unavailable; request admitted", "keyId", keyId, "errorType", unavailable.getClass().getSimpleName());
                return new Allowed();
            }
            if (granted == 0) {
                lease.spent = true;
                return new Limited(KeyRateLimiter.retryAfterMillis(retry));
            }
            lease.remaining = granted - 1;
            return new Allowed();
        }
    }

    /** One UpdateItem: adds a chunk to the window's count; grants what of it was still under the allowance. */
    private long take(String keyId, RateLimit limit, long window, long windowMillis) {
        long chunk = chunk(limit);
        long allowance = allowance(limit);
        // the window's limit is in the key: a changed limit starts a fresh count
        String pk = "keyrate#" + keyId + "#" + windowMillis + "#" + window;
        long expiresAt = (window + 1) * windowMillis / 1000 + 3600;
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> updated = dynamo.updateItem(UpdateItemRequest.builder()
                .tableName(table).key(Map.of("pk", s(pk)))
                .updateExpression("ADD used :chunk SET expiresAt = :exp")
                .expressionAttributeValues(Map.of(":chunk", n(chunk), ":exp", n(expiresAt)))
                .returnValues(ReturnValue.UPDATED_NEW).build()).attributes();
        long used = Long.parseLong(updated.get("used").n());
        return Math.max(0, Math.min(chunk, allowance - (used - chunk)));
    }

    private static final class Lease {
        long window = -1;
        RateLimit limit;
        long remaining;
        boolean spent;
    }
}
