package io.nudge.ingest;

import static io.nudge.validation.InvalidInputException.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.model.Event;
import io.nudge.store.EventStore;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Accepts events: one conditional write per event and nothing else (evaluation happens on the stream).
 * A batch is written concurrently; each item succeeds or is reported on its own.
 */
public final class EventIngest {
    public static final int MAX_BATCH = 100;
    private static final Set<String> FIELDS = Set.of("id", "userId", "name", "properties", "timestamp");

    private final EventStore store;
    private final Clock clock;

    public EventIngest(EventStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** @throws InvalidInputException for a single event that is invalid, or a batch that is not a batch */
    public IngestResult ingest(JsonNode body) {
        ObjectNode doc = Fields.requireObject(body, "");
        if (!doc.has("events")) {
            Event event = parse(doc, "", clock.instant());
            boolean stored = store.putIfAbsent(event);
            return new IngestResult(stored ? 1 : 0, stored ? 0 : 1, List.of(), stored ? List.of(event.id()) : List.of());
        }
        Fields.rejectUnknown(doc, Set.of("events"), "");
        JsonNode items = doc.get("events");
        if (!items.isArray()) {
            throw invalid("/events", "/events must be an array of events");
        }
        if (items.size() > MAX_BATCH) {
            throw invalid("/events", "a batch holds at most " + MAX_BATCH + " events, this one has " + items.size());
        }
        Instant now = clock.instant();
        List<IngestResult.Rejected> rejected = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                events.add(parse(items.get(i), "/events/" + i, now));
            } catch (InvalidInputException e) {
                rejected.add(new IngestResult.Rejected(i, e));
            }
        }
        return write(events, rejected);
    }

    /**
     * Stores events already parsed with {@link #parse}: one conditional write each, concurrently; an event id stored
     * before counts as a duplicate. {@code rejected} is carried into the result as it is.
     */
    public IngestResult write(List<Event> events, List<IngestResult.Rejected> rejected) {
        int accepted = 0;
        int duplicates = 0;
        List<String> ids = new ArrayList<>();
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (Event event : events) {
                results.add(writers.submit(() -> store.putIfAbsent(event)));
            }
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).get()) {
                    accepted++;
                    ids.add(events.get(i).id());
                } else {
                    duplicates++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing events", e);
        } catch (ExecutionException e) {
            // A failed write fails the request (503 upstream): the client retries, duplicates are harmless.
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        return new IngestResult(accepted, duplicates, rejected, ids);
    }

    /** One event as ingest accepts it; {@code pointer} names its place in the body. */
    public static Event parse(JsonNode node, String pointer, Instant now) {
        ObjectNode item = Fields.requireObject(node, pointer);
        Fields.rejectUnknown(item, FIELDS, pointer);
        String id = Fields.optionalString(item, "id", pointer).orElseGet(() -> UUID.randomUUID().toString());
        if (!Ids.isClientId(id)) {
            throw invalid(pointer + "/id", pointer + "/id must be 1-128 printable characters");
        }
        String userId = Fields.requireString(item, "userId", pointer);
        if (!Ids.isClientId(userId)) {
            throw invalid(pointer + "/userId", pointer + "/userId must be 1-128 printable characters");
        }
        String name = Fields.requireString(item, "name", pointer);
        if (!Ids.isEventName(name)) {
            throw invalid(pointer + "/name", pointer + "/name must be 1-128 characters of A-Z, a-z, 0-9, _ . : -");
        }
        JsonNode properties = item.get("properties");
        ObjectNode props = properties == null || properties.isNull() ? Json.object() : Fields.requireObject(properties, pointer + "/properties");
        Fields.requireStorable(props, pointer + "/properties");
        Instant timestamp = Fields.optionalString(item, "timestamp", pointer).map(t -> {
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException e) {
                try {
                    return java.time.OffsetDateTime.parse(t).toInstant();
                } catch (DateTimeParseException e2) {
                    throw invalid(pointer + "/timestamp", pointer + "/timestamp must be ISO-8601, e.g. 2026-11-24T10:15:30Z");
                }
            }
        }).orElse(now);
        return new Event(id, userId, name, props, timestamp, now);
    }
}
