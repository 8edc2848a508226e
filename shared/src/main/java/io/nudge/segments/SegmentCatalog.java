package io.nudge.segments;

import io.nudge.store.DefinitionStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** All segments, cached per function instance and reloaded when the definitions version changes. */
public final class SegmentCatalog {
    private final DefinitionStore store;
    private volatile Map<String, Segment> byId = Map.of();
    private volatile long version = -1;

    public SegmentCatalog(DefinitionStore store) {
        this.store = store;
    }

    public void refresh() {
        long current = store.version();
        if (current == version) {
            return;
        }
        Map<String, Segment> loaded = new HashMap<>();
        for (DefinitionStore.Stored stored : store.list(SegmentService.KIND)) {
            loaded.put(stored.id(), SegmentParser.parse(stored.id(), stored.document()));
        }
        byId = Map.copyOf(loaded);
        version = current;
    }

    public Optional<Segment> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }
}
