package io.nudge.outbound;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * How a function that causes a change records its stream-out event: one conditional put to the Outbound table, only
 * when something listens for the type (an enabled subscription wanting it, or the EventBridge bus). Inside
 * {@link #inBatch} (deliver's stream batches) the puts wait for the batch's end and are written together; a failure
 * to write them fails the batch, whose retry finds its changes applied and writes their records again.
 *
 * <p>A failure is never swallowed here: the caller's retry is what repairs a record lost between a change and its put.
 */
public final class Outbound {
    private final OutboundStore store;
    private final Predicate<OutboundType> wanted;
    private final Clock clock;
    private final AtomicInteger open = new AtomicInteger();
    private final List<OutboundEvent> pending = java.util.Collections.synchronizedList(new ArrayList<>());

    public Outbound(OutboundStore store, Predicate<OutboundType> wanted, Clock clock) {
        this.store = store;
        this.wanted = wanted;
        this.clock = clock;
    }

    /** Subscriptions decide what is wanted; with a bus, everything is. */
    public static Outbound over(OutboundStore store, SubscriptionStore subscriptions, boolean bus, Clock clock) {
        return new Outbound(store, bus ? type -> true : subscriptions::anyWants, clock);
    }

    /** Records nothing (tests of other things, and tools that change nothing a team listens to). */
    public static Outbound none() {
        return new Outbound(null, type -> false, Clock.systemUTC());
    }

    public void emit(OutboundEvent event) {
        if (!wanted.test(event.type())) {
            return;
        }
        if (open.get() > 0) {
            pending.add(event);
            return;
        }
        store.putIfAbsent(event, clock.instant());
    }

    public void emit(Optional<OutboundEvent> event) {
        event.ifPresent(this::emit);
    }

    public void emitAll(Collection<OutboundEvent> events) {
        events.forEach(this::emit);
    }

    /** Runs one batch's work with the puts held back, then writes them; throws when they could not be written. */
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
        List<OutboundEvent> batch;
        synchronized (pending) {
            batch = List.copyOf(pending);
            pending.clear();
        }
        for (OutboundEvent event : batch) {
            store.putIfAbsent(event, clock.instant());
        }
    }
}
