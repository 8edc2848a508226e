package io.nudge.local;

import io.nudge.config.Env;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local HTTP server's bound on work: at most {@code maxConcurrent} requests are handled at once and at most
 * {@code maxQueued} wait, each for at most {@code maxWait}; any other request is answered 429 with Retry-After at
 * once instead of joining an unbounded queue (every request has its own virtual thread, so nothing else would stop
 * a flood from piling up until answers take minutes). API Gateway does the same on AWS with the stage's throttling.
 * Settings: NUDGE_HTTP_MAX_CONCURRENT, NUDGE_HTTP_MAX_QUEUED, NUDGE_HTTP_MAX_WAIT_MS.
 */
record LoadShedding(int maxConcurrent, int maxQueued, Duration maxWait, int retryAfterSeconds) {
    static final String MAX_CONCURRENT = "NUDGE_HTTP_MAX_CONCURRENT";
    static final String MAX_QUEUED = "NUDGE_HTTP_MAX_QUEUED";
    static final String MAX_WAIT_MS = "NUDGE_HTTP_MAX_WAIT_MS";

    LoadShedding {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException(MAX_CONCURRENT + " must be at least 1");
        }
        if (maxQueued < 0) {
            throw new IllegalArgumentException(MAX_QUEUED + " must not be negative");
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException(MAX_WAIT_MS + " must not be negative");
        }
        if (retryAfterSeconds < 1) {
            throw new IllegalArgumentException("retryAfterSeconds must be at least 1");
        }
    }

    /**
     * 32 at once saturate DynamoDB Local on a laptop (its writes go through one SQLite thread); 128 waiting for up to
     * a second absorb a burst without making anyone wait long.
     */
    static LoadShedding defaults() {
        return new LoadShedding(32, 128, Duration.ofSeconds(1), 1);
    }

    static LoadShedding fromEnvironment(Map<String, String> env) {
        LoadShedding d = defaults();
        return new LoadShedding(number(env, MAX_CONCURRENT, d.maxConcurrent()), number(env, MAX_QUEUED, d.maxQueued()),
                Duration.ofMillis(number(env, MAX_WAIT_MS, (int) d.maxWait().toMillis())), d.retryAfterSeconds());
    }

    private static int number(Map<String, String> env, String name, int fallback) {
        return Env.optional(env, name).map(v -> {
            try {
                return Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, not '" + v + "'");
            }
        }).orElse(fallback);
    }

    /** The admission gate these settings describe. */
    Gate gate() {
        return new Gate(this);
    }

    /** Admits a request ({@link #enter}) or says to shed it; every admitted request must {@link #exit}. */
    static final class Gate {
        private final LoadShedding settings;
        private final Semaphore running;
        private final AtomicInteger waiting = new AtomicInteger();
        private final AtomicLong shed = new AtomicLong();

        private Gate(LoadShedding settings) {
            this.settings = settings;
            this.running = new Semaphore(settings.maxConcurrent(), true);
        }

        boolean enter() throws InterruptedException {
            if (running.tryAcquire()) {
                return true;
            }
            if (waiting.incrementAndGet() > settings.maxQueued()) {
                waiting.decrementAndGet();
                shed.incrementAndGet();
                return false;
            }
            try {
                if (running.tryAcquire(settings.maxWait().toNanos(), TimeUnit.NANOSECONDS)) {
                    return true;
                }
                shed.incrementAndGet();
                return false;
            } finally {
                waiting.decrementAndGet();
            }
        }

        void exit() {
            running.release();
        }

        /** Requests answered 429 so far. */
        long shed() {
            return shed.get();
        }
    }
}
