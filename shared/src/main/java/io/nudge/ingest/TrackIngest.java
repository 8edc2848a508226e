package io.nudge.ingest;

import static io.nudge.validation.InvalidInputException.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.model.Event;
import io.nudge.users.UserService;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Profiles and events in one request: every user change is applied (through {@link UserService}'s one upsert path)
 * before any event is written (through {@link EventIngest}'s), so a trigger evaluating an event sees the profile sent
 * with it. A user that is refused takes its events in the same request with it.
 */
public final class TrackIngest {
    public static final int MAX_USERS = 100;
    private static final Set<String> FIELDS = Set.of("users", "events");

    private final UserService users;
    private final EventIngest events;
    private final Clock clock;

    public TrackIngest(UserService users, EventIngest events, Clock clock) {
        this.users = users;
        this.events = events;
        this.clock = clock;
    }

    /** @throws InvalidInputException when the body is not a track request (each bad entry is reported on its own) */
    public TrackResult track(JsonNode body) {
        ObjectNode doc = Fields.requireObject(body, "");
        Fields.rejectUnknown(doc, FIELDS, "");
        ArrayNode userItems = array(doc, "users", MAX_USERS);
        ArrayNode eventItems = array(doc, "events", EventIngest.MAX_BATCH);
        if (userItems.isEmpty() && eventItems.isEmpty()) {
            throw invalid("/", "a track request needs at least one entry in /users or /events");
        }
        Instant now = clock.instant();

        // Parse everything first: the user changes in order (the /users array, then users carried by events).
        List<UserService.Change> changes = new ArrayList<>();
        List<Integer> changeOfUser = new ArrayList<>();
        List<IngestResult.Rejected> usersRejected = new ArrayList<>();
        Map<String, String> refused = new HashMap<>(); // userId -> where its first refused change sits
        for (int i = 0; i < userItems.size(); i++) {
            String pointer = "/users/" + i;
            try {
                ObjectNode item = Fields.requireObject(userItems.get(i), pointer);
                String userId = Fields.requireString(item, "userId", pointer);
                if (!Ids.isClientId(userId)) {
                    throw invalid(pointer + "/userId", pointer + "/userId must be 1-128 printable characters");
                }
                try {
                    changes.add(UserService.change(userId, without(item, "userId"), pointer));
                    changeOfUser.add(i);
                } catch (InvalidInputException e) {
                    refused.putIfAbsent(userId, pointer);
                    throw e;
                }
            } catch (InvalidInputException e) {
                usersRejected.add(new IngestResult.Rejected(i, e));
            }
        }
        int fromEvents = changes.size();
        List<Parsed> parsed = new ArrayList<>();
        List<IngestResult.Rejected> eventsRejected = new ArrayList<>();
        for (int i = 0; i < eventItems.size(); i++) {
            String pointer = "/events/" + i;
            try {
                ObjectNode item = Fields.requireObject(eventItems.get(i), pointer);
                Event event = EventIngest.parse(without(item, "user"), pointer, now);
                JsonNode user = item.get("user");
                if (user != null && !user.isNull()) {
                    try {
                        changes.add(eventUser(event, user, pointer + "/user"));
                    } catch (InvalidInputException e) {
                        refused.putIfAbsent(event.userId(), pointer + "/user");
                        throw e;
                    }
                }
                parsed.add(new Parsed(i, event));
            } catch (InvalidInputException e) {
                eventsRejected.add(new IngestResult.Rejected(i, e));
            }
        }

        // Users before events.
        List<UserService.Outcome> outcomes = users.upsertAll(changes);
        int usersAccepted = 0;
        Map<String, InvalidInputException> carriedErrors = new HashMap<>();
        for (int c = 0; c < changes.size(); c++) {
            if (outcomes.get(c) instanceof UserService.Rejected r) {
                refused.putIfAbsent(changes.get(c).userId(), changes.get(c).pointer());
                if (c < fromEvents) {
                    usersRejected.add(new IngestResult.Rejected(changeOfUser.get(c), r.error()));
                } else {
                    carriedErrors.put(changes.get(c).pointer(), r.error());
                }
            } else if (c < fromEvents) {
                usersAccepted++;
            }
        }

        List<Event> toWrite = new ArrayList<>();
        for (Parsed p : parsed) {
            String pointer = "/events/" + p.index();
            InvalidInputException own = carriedErrors.get(pointer + "/user");
            String where = refused.get(p.event().userId());
            if (own != null) {
                eventsRejected.add(new IngestResult.Rejected(p.index(), own));
            } else if (where != null) {
                eventsRejected.add(new IngestResult.Rejected(p.index(), new InvalidInputException("user_rejected",
                        pointer + "/userId", "user " + p.event().userId() + " was rejected: see " + where)));
            } else {
                toWrite.add(p.event());
            }
        }
        usersRejected.sort(Comparator.comparingInt(IngestResult.Rejected::index));
        eventsRejected.sort(Comparator.comparingInt(IngestResult.Rejected::index));
        return new TrackResult(usersAccepted, usersRejected, events.write(toWrite, eventsRejected));
    }

    private record Parsed(int index, Event event) {}

    /** {@code "user": {...}} on an event: the event's user, so {@code userId} may be left out but not differ. */
    private static UserService.Change eventUser(Event event, JsonNode user, String pointer) {
        ObjectNode item = Fields.requireObject(user, pointer);
        Fields.optionalString(item, "userId", pointer).ifPresent(userId -> {
            if (!userId.equals(event.userId())) {
                throw invalid(pointer + "/userId", pointer + "/userId must be the event's userId when given");
            }
        });
        return UserService.change(event.userId(), without(item, "userId"), pointer);
    }

    /** An absent or null array is empty; more than {@code max} entries is refused naming the array. */
    private static ArrayNode array(ObjectNode doc, String name, int max) {
        JsonNode node = doc.get(name);
        if (node == null || node.isNull()) {
            return Json.MAPPER.createArrayNode();
        }
        if (!node.isArray()) {
            throw invalid("/" + name, "/" + name + " must be an array");
        }
        if (node.size() > max) {
            throw invalid("/" + name, "/" + name + " holds at most " + max + " entries, this one has " + node.size());
        }
        return (ArrayNode) node;
    }

    private static ObjectNode without(ObjectNode item, String field) {
        ObjectNode copy = Json.object();
        copy.setAll(item);
        copy.remove(field);
        return copy;
    }
}
