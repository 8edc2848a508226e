package io.nudge.local;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which tables were written, for the stream pollers: a poller notes a table's count before it reads the stream and,
 * when it found nothing, waits until the count moves (or its idle wait ends) instead of sleeping a fixed time. A write
 * seen this way is read within microseconds; an idle runner makes no stream reads but its idle ticks.
 */
final class TableWrites {
    private final Map<String, Counter> tables = new ConcurrentHashMap<>();
    private final boolean observed;

    private TableWrites(boolean observed) {
        this.observed = observed;
    }

    TableWrites() {
        this(true);
    }

    /** For clients whose writes are not seen (DynamoDB Local over HTTP): {@link #await} is a plain wait. */
    static TableWrites unobserved() {
        return new TableWrites(false);
    }

    boolean observed() {
        return observed;
    }

    void written(String table) {
        counter(table).increment();
    }

    long count(String table) {
        return counter(table).value();
    }

    /** Returns when {@code table} has been written since its count was {@code seen}, or after {@code millis}. */
    void await(String table, long seen, long millis) throws InterruptedException {
        counter(table).awaitBeyond(seen, millis);
    }

    private Counter counter(String table) {
        return tables.computeIfAbsent(table, t -> new Counter());
    }

    private static final class Counter {
        private long value;

        synchronized void increment() {
            value++;
            notifyAll();
        }

        synchronized long value() {
            return value;
        }

        synchronized void awaitBeyond(long seen, long millis) throws InterruptedException {
            long deadline = System.nanoTime() + millis * 1_000_000;
            long left = millis;
            while (value == seen && left > 0) {
                wait(left);
                left = (deadline - System.nanoTime()) / 1_000_000;
            }
        }
    }
}
