package io.nudge.journey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.store.DefinitionStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Saving, reading and deleting journeys, by version. A PUT whose normalised document differs from the current one
 * stores the next version (1, 2, 3…); the same document again changes nothing. Every version stays readable, so an
 * instance always finds the version it entered; a delete marks the latest version deleted (the journey has no
 * current version until it is put again, which starts the next number).
 */
public final class JourneyService {
    public static final String KIND = "journey";
    /** Conditional puts lost to concurrent writers before giving up (each loser re-reads and numbers again). */
    private static final int ATTEMPTS = 5;

    private final DefinitionStore store;
    private final Clock clock;

    public JourneyService(DefinitionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * @param document the answer: the stored document with {@code id} and {@code version}
     * @param created  there was no current version before (a new journey, or one put again after a delete)
     * @param changed  a new version was stored (false for a PUT of the current document)
     */
    public record Saved(ObjectNode document, int version, boolean created, boolean changed) {}

    public Saved put(String id, JsonNode body) {
        JourneyDefinition parsed = JourneyParser.parse(id, body, this::templateChannel);
        parsed.steps().forEach((stepId, step) -> {
            if (step instanceof JourneyStep.Send send && send.topic().isPresent()) {
                new io.nudge.definitions.DefinitionService(store, clock).requireTopic(send.topic().get(), send.channel(),
                        "/steps/" + stepId + "/topic");
            }
        });
        ObjectNode doc = JourneyParser.toJson(parsed);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<DefinitionStore.Version> latest = store.latestVersion(KIND, id);
            boolean current = latest.isPresent() && latest.get().deletedAt().isEmpty();
            if (current && latest.get().document().equals(doc)) {
                return new Saved(answer(id, latest.get().version(), doc), latest.get().version(), false, false);
            }
            int version = latest.map(v -> v.version() + 1).orElse(1);
            if (store.putVersion(KIND, id, version, doc, clock.instant())) {
                return new Saved(answer(id, version, doc), version, !current, true);
            }
        }
        throw new IllegalStateException("journey " + id + ": " + ATTEMPTS + " concurrent saves won before this one; try again");
    }

    /** The current version's answer (with id and version), empty when there is none or the journey is deleted. */
    public Optional<ObjectNode> get(String id) {
        return store.latestVersion(KIND, id).filter(v -> v.deletedAt().isEmpty())
                .map(v -> answer(id, v.version(), v.document()));
    }

    /** Any stored version's answer, deleted or not. */
    public Optional<ObjectNode> get(String id, int version) {
        return version < 1 ? Optional.empty() : store.findVersion(KIND, id, version).map(v -> answer(id, v.version(), v.document()));
    }

    /** Any stored version, deleted or not: what an instance pinned to it runs. */
    public Optional<JourneyDefinition> find(String id, int version) {
        return version < 1 ? Optional.empty() : store.findVersion(KIND, id, version).map(JourneyService::definition);
    }

    public Optional<JourneyDefinition> current(String id) {
        return store.latestVersion(KIND, id).filter(v -> v.deletedAt().isEmpty()).map(JourneyService::definition);
    }

    /** The current version of every journey not deleted, by id. */
    public List<ObjectNode> list() {
        List<ObjectNode> answers = new ArrayList<>();
        latestById(store.versions(KIND)).values().stream().filter(v -> v.deletedAt().isEmpty())
                .forEach(v -> answers.add(answer(v.id(), v.version(), v.document())));
        return answers;
    }

    /** @return false when there is no current version to delete */
    public boolean delete(String id) {
        Optional<DefinitionStore.Version> latest = store.latestVersion(KIND, id);
        return latest.isPresent() && store.markDeleted(KIND, id, latest.get().version(), clock.instant());
    }

    /** Whether the journey was deleted (and not put again since): its instances end with reason journey_deleted. */
    public boolean deleted(String id) {
        return store.latestVersion(KIND, id).map(v -> v.deletedAt().isPresent()).orElse(false);
    }

    /**
     * The journeys whose current version sends {@code templateId}, so the template is not deleted from under them.
     * (Older versions are not checked: their instances fail that send, recorded on the instance, and move on.)
     */
    public static List<String> usingTemplate(DefinitionStore store, String templateId) {
        List<String> ids = new ArrayList<>();
        latestById(store.versions(KIND)).values().stream().filter(v -> v.deletedAt().isEmpty())
                .filter(v -> v.document().path("steps").findValuesAsText("template").contains(templateId))
                .forEach(v -> ids.add(v.id()));
        return ids;
    }

    /** The latest version of each id; {@code versions} come by id, then version. */
    static Map<String, DefinitionStore.Version> latestById(List<DefinitionStore.Version> versions) {
        Map<String, DefinitionStore.Version> latest = new LinkedHashMap<>();
        versions.forEach(v -> latest.merge(v.id(), v, (a, b) -> a.version() >= b.version() ? a : b));
        return latest;
    }

    static JourneyDefinition definition(DefinitionStore.Version stored) {
        return JourneyParser.fromStored(stored.id(), stored.version(), stored.document());
    }

    private static ObjectNode answer(String id, int version, ObjectNode doc) {
        ObjectNode answer = Json.object();
        answer.put("id", id);
        answer.put("version", version);
        answer.setAll(doc);
        return answer;
    }

    private Optional<Channel> templateChannel(String templateId) {
        return store.find(DefinitionStore.TEMPLATE, templateId)
                .flatMap(t -> Channel.fromWire(t.document().path("channel").asText()));
    }
}
