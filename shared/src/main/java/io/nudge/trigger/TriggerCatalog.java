package io.nudge.trigger;

import io.nudge.store.DefinitionStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Triggers by event name, cached per function instance. {@link #refresh()} (once per batch) reads the
 * definitions version — one small read — and drops the cache when anything changed; a miss loads only the
 * triggers of that event name through the byEvent index.
 */
public final class TriggerCatalog {
    private final DefinitionStore store;
    private final Map<String, List<TriggerDefinition>> byEvent = new ConcurrentHashMap<>();
    private volatile long version = -1;

    public TriggerCatalog(DefinitionStore store) {
        this.store = store;
    }

    public void refresh() {
        long current = store.version();
        if (current != version) {
            byEvent.clear();
            version = current;
        }
    }

    public List<TriggerDefinition> forEvent(String eventName) {
        return byEvent.computeIfAbsent(eventName, name -> store.triggersFor(name).stream()
                .map(stored -> TriggerParser.fromStored(stored.id(), stored.document()))
                .toList());
    }
}
