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

    /** Every subscription, read now (the API). */
    public List<Subscription> listNow() {
        return definitions.list(KIND).stream().map(s -> Subscription.fromStored(s.id(), s.document())).toList();
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
