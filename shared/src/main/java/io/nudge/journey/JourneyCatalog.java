package io.nudge.journey;

import io.nudge.store.DefinitionStore;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every journey version, cached per function instance: the current versions indexed by entry event, and the event
 * names any live version listens to (exitOn, wait_for, conversion), so the engine skips an event no journey cares
 * about with one set lookup. {@link #refresh()} (once per batch) reads the definitions version — one small read — and
 * reloads (one paged query) only when it changed; a version already parsed is kept, since versions never change.
 */
public final class JourneyCatalog implements JourneyLookup {
    private record Index(Map<String, JourneyDefinition> current, Map<String, List<JourneyDefinition>> byEntry,
            Set<String> eventsOfInterest, Map<String, JourneyDefinition> versions, Set<String> deleted) {
        static Index empty() {
            return new Index(Map.of(), Map.of(), Set.of(), Map.of(), Set.of());
        }
    }

    private final DefinitionStore store;
    private volatile Index index = Index.empty();
    private volatile long version = -1;

    public JourneyCatalog(DefinitionStore store) {
        this.store = store;
    }

    @Override
    public void refresh() {
        long now = store.version();
        if (now == version) {
            return;
        }
        Index old = index;
        Map<String, JourneyDefinition> versions = new HashMap<>();
        Map<String, JourneyDefinition> current = new HashMap<>();
        Set<String> deleted = new HashSet<>();
        List<DefinitionStore.Version> stored = store.versions(JourneyService.KIND);
        for (DefinitionStore.Version v : stored) {
            String key = key(v.id(), v.version());
            JourneyDefinition known = old.versions().get(key);
            versions.put(key, known != null ? known : JourneyService.definition(v));
        }
        JourneyService.latestById(stored).forEach((id, latest) -> {
            if (latest.deletedAt().isPresent()) {
                deleted.add(id);
            } else {
                current.put(id, versions.get(key(id, latest.version())));
            }
        });
        Map<String, List<JourneyDefinition>> byEntry = new HashMap<>();
        Set<String> interest = new HashSet<>();
        for (JourneyDefinition j : current.values()) {
            if (j.enabled()) {
                byEntry.computeIfAbsent(j.entry().event(), e -> new java.util.ArrayList<>()).add(j);
            }
        }
        for (JourneyDefinition j : versions.values()) {
            if (deleted.contains(j.id())) {
                continue;
            }
            j.exitOn().forEach(rule -> interest.add(rule.event()));
            j.conversion().ifPresent(c -> interest.add(c.event()));
            j.steps().values().forEach(step -> {
                if (step instanceof JourneyStep.WaitFor w) {
                    interest.add(w.event());
                }
            });
        }
        byEntry.replaceAll((e, list) -> List.copyOf(list.stream().sorted(java.util.Comparator.comparing(JourneyDefinition::id)).toList()));
        index = new Index(Map.copyOf(current), Map.copyOf(byEntry), Set.copyOf(interest), Map.copyOf(versions), Set.copyOf(deleted));
        version = now;
    }

    /** The enabled current versions an event of this name enters, by id. */
    @Override
    public List<JourneyDefinition> enteredBy(String eventName) {
        return index.byEntry().getOrDefault(eventName, List.of());
    }

    /** Any version ever stored, deleted or not: what an instance pinned to it runs. */
    @Override
    public Optional<JourneyDefinition> version(String id, int version) {
        return Optional.ofNullable(index.versions().get(key(id, version)));
    }

    /** The current version (enabled or not); empty when there is none or the journey is deleted. */
    public Optional<JourneyDefinition> current(String id) {
        return Optional.ofNullable(index.current().get(id));
    }

    /** Whether the journey was deleted (and not put again): its running instances end with reason journey_deleted. */
    @Override
    public boolean deleted(String id) {
        return index.deleted().contains(id);
    }

    /**
     * Event names some version of a journey not deleted (any version: instances stay on the version they entered, and
     * a disabled journey's instances still run) ends, wakes or converts an instance on: exitOn, wait_for and conversion
     * events. Entry events are {@link #enteredBy}'s.
     */
    public Set<String> eventsOfInterest() {
        return index.eventsOfInterest();
    }

    @Override
    public boolean cares(String eventName) {
        return index.eventsOfInterest().contains(eventName);
    }

    private static String key(String id, int version) {
        return id + "#" + version;
    }
}
