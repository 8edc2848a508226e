package io.nudge.template;

import io.nudge.store.DefinitionStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Compiled templates cached per function instance; {@link #refresh()} drops them when definitions changed. */
public final class TemplateCatalog {
    private final DefinitionStore store;
    private final Map<String, Optional<CompiledTemplate>> byId = new ConcurrentHashMap<>();
    private volatile long version = -1;

    public TemplateCatalog(DefinitionStore store) {
        this.store = store;
    }

    public void refresh() {
        long current = store.version();
        if (current != version) {
            byId.clear();
            version = current;
        }
    }

    public Optional<CompiledTemplate> find(String id) {
        return byId.computeIfAbsent(id, key -> store.find(DefinitionStore.TEMPLATE, key)
                .map(stored -> TemplateParser.parse(key, withoutId(stored.document()))));
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode withoutId(com.fasterxml.jackson.databind.node.ObjectNode doc) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = doc.deepCopy();
        copy.remove("id");
        return copy;
    }
}
