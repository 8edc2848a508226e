package io.nudge.outbound;

import io.nudge.store.DefinitionStore;
import java.util.List;
import java.util.Optional;

/**
 * Subscriptions of the stream out, stored as definitions of kind {@value #KIND} (so every function's definitions
 * version tells it when one changed). The list is cached per definitions version: emit-events and the functions that
 * write outbound records read it once a second at most.
 */
public final class SubscriptionStore {
    public static final String KIND = "webhook";
    private static final io.nudge.log.Log LOG = io.nudge.log.Log.of(SubscriptionStore.class);

    private final DefinitionStore definitions;
    private volatile Cached cached = new Cached(-1, List.of());

    private record Cached(long version, List<Subscription> all) {}

    public SubscriptionStore(DefinitionStore definitions) {
        this.definitions = definitions;
    }

    /** @return true when created, false when it replaced one */
    public boolean put(Subscription subscription) {
        return definitions.put(KIND, subscription.id(), subscription.toStoredJson(), subscription.updatedAt());
    }

    public Optional<Subscription> find(String id) {
        return definitions.find(KIND, id).map(s -> Subscription.fromStored(s.id(), s.document()));
    }

    public boolean delete(String id) {
        return definitions.delete(KIND, id);
    }

    /**
     * Every subscription, read now (the API). One that does not parse is left out and logged: it must not stop every
     * function that records an event, nor emit-events.
     */
    public List<Subscription> listNow() {
        List<Subscription> all = new java.util.ArrayList<>();
        for (DefinitionStore.Stored stored : definitions.list(KIND)) {
            try {
                all.add(Subscription.fromStored(stored.id(), stored.document()));
            } catch (io.nudge.lambda.BadRecord unreadable) {
                LOG.error("webhook subscription skipped: it does not parse", unreadable, "subscriptionId", stored.id());
            }
        }
        return List.copyOf(all);
    }

    /** Creates it unless one with its id exists; false when one did (a concurrent PUT created it first). */
    public boolean create(Subscription subscription) {
        return definitions.putIfAbsent(KIND, subscription.id(), subscription.toStoredJson(), subscription.updatedAt());
    }

    /** Every subscription as of the definitions version (cached between versions). */
    public List<Subscription> all() {
        long version = definitions.version();
        Cached current = cached;
        if (current.version() == version) {
            return current.all();
        }
        List<Subscription> read = listNow();
        cached = new Cached(version, read);
        return read;
    }

    /** The cached subscription with this id, enabled or not. */
    public Optional<Subscription> cached(String id) {
        return all().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** Whether any enabled subscription takes events of {@code type} (the writers' question before a put). */
    public boolean anyWants(OutboundType type) {
        return all().stream().anyMatch(s -> s.wants(type));
    }

}
