package io.nudge.trigger;

import io.nudge.store.DefinitionStore;
import java.util.ArrayList;
import java.util.List;

/**
 * All triggers, cached per function instance and indexed by the event that fires them, by the events that
 * cancel them and by their conversion events, so evaluating an event is three map lookups. {@link #refresh()} (once per batch) reads the
 * definitions version — one small read — and reloads everything (one paged query) only when it changed.
 */
public final class TriggerCatalog {
    private final DefinitionStore store;
    private volatile TriggerIndex index = TriggerIndex.empty();
    private volatile long version = -1;

    public TriggerCatalog(DefinitionStore store) {
        this.store = store;
    }

    public void refresh() {
        long current = store.version();
        if (current == version) {
            return;
        }
        List<TriggerDefinition> triggers = new ArrayList<>();
        for (DefinitionStore.Stored stored : store.list(DefinitionStore.TRIGGER)) {
            triggers.add(TriggerParser.fromStored(stored.id(), stored.document()));
        }
        index = TriggerIndex.of(triggers);
        version = current;
    }

    /** The triggers an event of this name fires. */
    public List<TriggerDefinition> forEvent(String eventName) {
        return index.forEvent(eventName);
    }

    /** The triggers an event of this name fires, compiled for matching ({@link TriggerMatcher}). */
    public TriggerMatcher matcherFor(String eventName) {
        return index.matcherFor(eventName);
    }

    public java.util.Optional<TriggerDefinition> find(String id) {
        return index.find(id);
    }

    /** The triggers whose pending messages an event of this name may cancel. */
    public List<TriggerDefinition> cancelledBy(String eventName) {
        return index.cancelledBy(eventName);
    }

    /** The triggers whose conversion goal is an event of this name. */
    public List<TriggerDefinition> convertedBy(String eventName) {
        return index.convertedBy(eventName);
    }
}
