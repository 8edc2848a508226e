package io.nudge.trigger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Triggers indexed by the event that fires them, by the events that cancel them, and by id: evaluating an event is
 * two map lookups. Immutable; {@link TriggerCatalog} swaps in a new one when the definitions change, and the
 * benchmarks build one in memory.
 */
public final class TriggerIndex {
    private static final TriggerIndex EMPTY = new TriggerIndex(Map.of(), Map.of(), Map.of(), Map.of());

    private final Map<String, List<TriggerDefinition>> byEvent;
    /** Per event name, its triggers' conditions compiled (see {@link TriggerMatcher}). */
    private final Map<String, TriggerMatcher> matchers;
    private final Map<String, List<TriggerDefinition>> byCancelEvent;
    private final Map<String, List<TriggerDefinition>> byConversionEvent;
    private final Map<String, TriggerDefinition> byId;

    private TriggerIndex(Map<String, List<TriggerDefinition>> byEvent, Map<String, List<TriggerDefinition>> byCancelEvent,
            Map<String, List<TriggerDefinition>> byConversionEvent, Map<String, TriggerDefinition> byId) {
        this.byEvent = byEvent;
        Map<String, TriggerMatcher> compiled = new HashMap<>();
        byEvent.forEach((event, list) -> compiled.put(event, TriggerMatcher.of(list)));
        this.matchers = Map.copyOf(compiled);
        this.byCancelEvent = byCancelEvent;
        this.byConversionEvent = byConversionEvent;
        this.byId = byId;
    }

    public static TriggerIndex empty() {
        return EMPTY;
    }

    public static TriggerIndex of(Collection<TriggerDefinition> triggers) {
        Map<String, List<TriggerDefinition>> byEvent = new HashMap<>();
        Map<String, List<TriggerDefinition>> byCancelEvent = new HashMap<>();
        Map<String, List<TriggerDefinition>> byConversionEvent = new HashMap<>();
        Map<String, TriggerDefinition> byId = new HashMap<>();
        for (TriggerDefinition trigger : triggers) {
            byEvent.computeIfAbsent(trigger.event(), e -> new ArrayList<>()).add(trigger);
            byId.put(trigger.id(), trigger);
            trigger.conversion().ifPresent(goal -> byConversionEvent.computeIfAbsent(goal.event(), e -> new ArrayList<>()).add(trigger));
            for (CancelRule rule : trigger.cancelOn()) {
                byCancelEvent.computeIfAbsent(rule.event(), e -> new ArrayList<>()).add(trigger);
            }
        }
        Map<String, List<TriggerDefinition>> events = new HashMap<>();
        byEvent.forEach((event, list) -> events.put(event, List.copyOf(list)));
        Map<String, List<TriggerDefinition>> cancels = new HashMap<>();
        byCancelEvent.forEach((event, list) -> cancels.put(event, List.copyOf(list)));
        Map<String, List<TriggerDefinition>> goals = new HashMap<>();
        byConversionEvent.forEach((event, list) -> goals.put(event, List.copyOf(list)));
        return new TriggerIndex(Map.copyOf(events), Map.copyOf(cancels), Map.copyOf(goals), Map.copyOf(byId));
    }

    /** The triggers an event of this name fires. */
    public List<TriggerDefinition> forEvent(String eventName) {
        return byEvent.getOrDefault(eventName, List.of());
    }

    /** The triggers an event of this name fires, compiled for matching. */
    public TriggerMatcher matcherFor(String eventName) {
        return matchers.getOrDefault(eventName, TriggerMatcher.none());
    }

    /** The triggers whose pending messages an event of this name may cancel. */
    public List<TriggerDefinition> cancelledBy(String eventName) {
        return byCancelEvent.getOrDefault(eventName, List.of());
    }

    /** The triggers whose conversion goal is an event of this name. */
    public List<TriggerDefinition> convertedBy(String eventName) {
        return byConversionEvent.getOrDefault(eventName, List.of());
    }

    public Optional<TriggerDefinition> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }
}
