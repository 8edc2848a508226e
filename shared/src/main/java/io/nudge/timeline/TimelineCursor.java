package io.nudge.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.model.Times;
import io.nudge.store.TimeKey;
import io.nudge.validation.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where each stream of a user's timeline stopped: the last event and the last message the previous pages showed (none
 * yet: from the newest). Opaque to clients (base64url JSON {@code {"u","e":[at,id],"m":[at,id]}}), bound to the user,
 * and checked field by field before it reaches DynamoDB. Not signed: it only ever positions within the one user's
 * timeline the admin asked for, so a forged one can show no more than the route would anyway.
 */
record TimelineCursor(String userId, Optional<TimeKey> events, Optional<TimeKey> messages, Optional<TimeKey> choices) {
    private static final int MAX_LENGTH = 2048;
    private static final Set<String> FIELDS = Set.of("u", "e", "m", "c");

    TimelineCursor {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(choices, "choices");
    }

    TimelineCursor(String userId, Optional<TimeKey> events, Optional<TimeKey> messages) {
        this(userId, events, messages, Optional.empty());
    }

    static TimelineCursor start(String userId) {
        return new TimelineCursor(userId, Optional.empty(), Optional.empty(), Optional.empty());
    }

    String encode() {
        ObjectNode json = Json.object();
        json.put("u", userId);
        events.ifPresent(key -> json.putArray("e").add(key.at()).add(key.id()));
        messages.ifPresent(key -> json.putArray("m").add(key.at()).add(key.id()));
        choices.ifPresent(key -> json.putArray("c").add(key.at()).add(key.id()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** @throws InvalidInputException (field {@code cursor}) unless it is a cursor this class encoded for {@code userId} */
    static TimelineCursor decode(String cursor, String userId) {
        JsonNode json;
        try {
            if (cursor.length() > MAX_LENGTH) {
                throw bad();
            }
            json = Json.parse(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException malformed) {
            throw bad();
        }
        if (json == null || !json.isObject() || !FIELDS.containsAll(names(json))) {
            throw bad();
        }
        JsonNode user = json.get("u");
        if (user == null || !user.isTextual() || !user.textValue().equals(userId)) {
            throw InvalidInputException.invalid("cursor", "cursor belongs to another user's timeline");
        }
        return new TimelineCursor(userId, key(json.get("e")), key(json.get("m")), key(json.get("c")));
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new java.util.HashSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Optional<TimeKey> key(JsonNode node) {
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isArray() || node.size() != 2 || !node.get(0).isTextual() || !node.get(1).isTextual()) {
            throw bad();
        }
        String at = node.get(0).textValue();
        String id = node.get(1).textValue();
        try {
            if (!Times.format(Times.parse(at)).equals(at)) {
                throw bad();
            }
        } catch (java.time.DateTimeException notATime) {
            throw bad();
        }
        if (!Ids.isClientId(id)) {
            throw bad();
        }
        return Optional.of(new TimeKey(at, id));
    }

    private static InvalidInputException bad() {
        return InvalidInputException.invalid("cursor", "cursor is not one this timeline gave");
    }
}
