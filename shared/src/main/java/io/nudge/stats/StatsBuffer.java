package io.nudge.stats;

import io.nudge.model.Channel;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Stats increments of one stream batch added up in memory and written as one ADD per counter when the batch ends:
 * a batch of 10 messages of one trigger costs one write per counter instead of ten. Outside a batch an increment is
 * written at once. The price: counts of a batch whose function dies before the end are lost (the stream's retry finds
 * the messages already created and does not count them again), so stats may under-count after a crash; they never
 * over-count.
 */
public final class StatsBuffer {
    private record Key(Subject subject, Channel channel, LocalDate day, String counter) {}

    private static final io.nudge.log.Log LOG = io.nudge.log.Log.of(StatsBuffer.class);

    private final StatsStore store;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<Key, LongAdder> pending = new ConcurrentHashMap<>();

    public StatsBuffer(StatsStore store) {
        this.store = store;
    }

    public void increment(Subject subject, Channel channel, Instant at, Counter counter) {
        increment(subject, channel, at, counter.wire());
    }

    public void increment(Subject subject, Channel channel, Instant at, String counter) {
        if (open.get() == 0) {
            store.increment(subject, channel, at, counter);
            return;
        }
        pending.computeIfAbsent(new Key(subject, channel, at.atZone(ZoneOffset.UTC).toLocalDate(), counter), k -> new LongAdder())
                .increment();
    }

    /** Runs one batch's work with increments held back, then writes them, added up. */
    public <T> T inBatch(Supplier<T> work) {
        open.incrementAndGet();
        try {
            return work.get();
        } finally {
            open.decrementAndGet();
            flush();
        }
    }

    private void flush() {
        for (Key key : pending.keySet()) {
            LongAdder count = pending.remove(key);
            long sum = count == null ? 0 : count.sum();
            if (sum > 0) {
                try {
                    store.add(key.subject(), key.channel(), key.day(), key.counter(), sum);
                } catch (RuntimeException e) {
                    // The batch's messages are written; failing it now would not recount them. Say what was lost.
                    LOG.error("stats increment lost", e, "counter", key.counter(), "amount", sum);
                }
            }
        }
    }
}
