package io.nudge.validation;

import static io.nudge.validation.InvalidInputException.invalid;
import static io.nudge.validation.InvalidInputException.missing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/** Small typed readers over a JSON object that fail with the field's pointer. */
public final class Fields {
    private Fields() {}

    public static ObjectNode requireObject(JsonNode node, String pointer) {
        if (node == null || !node.isObject()) {
            throw invalid(pointer.isEmpty() ? "/" : pointer, (pointer.isEmpty() ? "the body" : pointer) + " must be a JSON object");
        }
        return (ObjectNode) node;
    }

    public static String requireString(JsonNode parent, String name, String pointer) {
        return optionalString(parent, name, pointer).orElseThrow(() -> missing(pointer + "/" + name));
    }

    public static Optional<String> optionalString(JsonNode parent, String name, String pointer) {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw invalid(pointer + "/" + name, pointer + "/" + name + " must be a string");
        }
        return Optional.of(value.textValue());
    }

    public static Optional<Boolean> optionalBoolean(JsonNode parent, String name, String pointer) {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw invalid(pointer + "/" + name, pointer + "/" + name + " must be true or false");
        }
        return Optional.of(value.booleanValue());
    }

    /** Rejects fields nobody reads: a typo in a trigger must not silently change what it does. */
    public static void rejectUnknown(JsonNode object, Set<String> known, String pointer) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidInputException("unknown_field", pointer + "/" + name,
                        "unknown field " + pointer + "/" + name + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }
}
