package io.nudge.journey;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.nudge.json.Json;
import io.nudge.privacy.Person;
import io.nudge.privacy.PersonalRecords;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A user's journey instances as personal data: they name the user and keep the entry event. Export lists them as
 * {@code GET /v1/users/{userId}/journeys} shows them; erasure deletes them (a pending message of theirs is cancelled by
 * erasure already, and a slot that finds an instance gone wakes nothing). Stats counters hold no user and stay.
 */
public final class JourneyInstanceRecords implements PersonalRecords {
    /** Instances read per round; erasure repeats until none is left. */
    private static final int PAGE = 500;

    private final JourneyInstanceStore instances;

    public JourneyInstanceRecords(JourneyInstanceStore instances) {
        this.instances = instances;
    }

    @Override
    public String name() {
        return "journeys";
    }

    @Override
    public Set<String> statePrefixes() {
        return Set.of(); // the JourneyInstances table, not State
    }

    @Override
    public Optional<JsonNode> export(Person person, Instant now) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        instances.forUser(person.userId(), Integer.MAX_VALUE).forEach(i -> list.add(JourneyInstanceJson.view(i)));
        return Optional.of(list);
    }

    @Override
    public Erased erase(Person person, Instant now) {
        int deleted = 0;
        for (List<JourneyInstance> page = instances.forUser(person.userId(), PAGE); !page.isEmpty();
                page = instances.forUser(person.userId(), PAGE)) {
            for (JourneyInstance instance : page) {
                instances.delete(instance.id());
                deleted++;
            }
        }
        return new Erased.Deleted(deleted);
    }
}
