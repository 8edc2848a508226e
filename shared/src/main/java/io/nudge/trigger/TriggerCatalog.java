package io.nudge.trigger;

import io.nudge.store.DefinitionStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * All triggers, cached per function instance and indexed by the event that fires them, by the events that
 * cancel them and by their conversion events, so evaluating an event is three map lookups. {@link #refresh()} (once per batch) reads the
 * definitions version — one small read — and reloads everything (one paged query) only when it changed.
 */
public final class TriggerCatalog {
    private final DefinitionStore store;
    private volatile Index index = new Index(Map.of(), Map.of(), Map.of(), Map.of());
    private volatile long version = -1;

    public TriggerCatalog(DefinitionStore store) {
        this.store = store;
    }

    private record Index(Map<String, List<TriggerDefinition>> byEvent, Map<String, List<TriggerDefinition>> byCancelEvent,
            Map<String, List<TriggerDefinition>> byConversionEvent, Map<String, TriggerDefinition> byId) {}

    public void refresh() {
        long current = store.version();
        if (current == version) {
            return;
        }
        Map<String, List<TriggerDefinition>> byEvent = new HashMap<>();
        Map<String, List<TriggerDefinition>> byCancelEvent = new HashMap<>();
        Map<String, List<TriggerDefinition>> byConversionEvent = new HashMap<>();
        Map<String, TriggerDefinition> byId = new HashMap<>();
        for (DefinitionStore.Stored stored : store.list(DefinitionStore.TRIGGER)) {
            TriggerDefinition trigger = TriggerParser.fromStored(stored.id(), stored.document());
            byEvent.computeIfAbsent(trigger.event(), e -> new ArrayList<>()).add(trigger);
            byId.put(trigger.id(), trigger);
            trigger.conversion().ifPresent(goal ->
                    byConversionEvent.computeIfAbsent(goal.event(), e -> new ArrayList<>()).add(trigger));
            for (CancelRule rule : trigger.cancelOn()) {
                byCancelEvent.computeIfAbsent(rule.event(), e -> new ArrayList<>()).add(trigger);
            }
        }
        index = new Index(Map.copyOf(byEvent), Map.copyOf(byCancelEvent), Map.copyOf(byConversionEvent), Map.copyOf(byId));
        version = current;
    }

    /** The triggers an event of this name fires. */
    public List<TriggerDefinition> forEvent(String eventName) {
        return index.byEvent().getOrDefault(eventName, List.of());
    }

    public java.util.Optional<TriggerDefinition> find(String id) {
        return java.util.Optional.ofNullable(index.byId().get(id));
    }

    /** The triggers whose pending messages an event of this name may cancel. */
    public List<TriggerDefinition> cancelledBy(String eventName) {
        return index.byCancelEvent().getOrDefault(eventName, List.of());
    }

    /** The triggers whose conversion goal is an event of this name. */
    public List<TriggerDefinition> convertedBy(String eventName) {
        return index.byConversionEvent().getOrDefault(eventName, List.of());
    }
}
