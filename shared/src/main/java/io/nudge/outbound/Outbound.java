package io.nudge.outbound;

import java.time.Clock;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * How a function that causes a change records its stream-out event: one conditional put to the Outbound table, right
 * after the change, only when something listens for the type (an enabled subscription wanting it, or the EventBridge
 * bus). Written at once, not at a batch's end: a user's later change (an SES delivery) must not be recorded first.
 *
 * <p>A failed put throws {@link NotRecorded}: the caller's retry re-applies the change, finds it applied and writes the
 * record again; that is what repairs a record lost between a change and its put.
 */
public final class Outbound {
    /** The record could not be written; transient: the record that caused the change is retried. */
    public static final class NotRecorded extends RuntimeException {
        NotRecorded(OutboundEvent event, RuntimeException cause) {
            super("outbound record " + event.id() + " (" + event.type().wire() + ") not written: " + cause.getClass().getSimpleName(), cause);
        }
    }

    private final OutboundStore store;
    private final Predicate<OutboundType> wanted;
    private final Clock clock;

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

    /** Whether any of {@code types} is recorded: the question before a read only a repair needs. */
    public boolean wantsAny(OutboundType... types) {
        for (OutboundType type : types) {
            if (wanted.test(type)) {
                return true;
            }
        }
        return false;
    }

    public void emit(OutboundEvent event) {
        if (!wanted.test(event.type())) {
            return;
        }
        try {
            store.putIfAbsent(event, clock.instant());
        } catch (RuntimeException e) {
            throw new NotRecorded(event, e);
        }
    }

    public void emit(Optional<OutboundEvent> event) {
        event.ifPresent(this::emit);
    }

    public void emitAll(Collection<OutboundEvent> events) {
        events.forEach(this::emit);
    }
}
