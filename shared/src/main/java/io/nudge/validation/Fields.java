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
    /**
     * Levels of nesting in a client's free-form value (event properties, user attributes). DynamoDB stores 32 levels,
     * and a message's context holds these values three levels down, so 16 leaves room.
     */
    public static final int MAX_VALUE_DEPTH = 16;
    /** DynamoDB numbers: up to 38 significant digits, magnitude from 1e-130 to below 1e126. */
    private static final int MAX_DIGITS = 38;
    private static final int MIN_EXPONENT = -130;
    private static final int MAX_EXPONENT = 125;

    private Fields() {}

    /**
     * Refuses a free-form value DynamoDB would refuse (too deep, a number it cannot hold), naming the place, so a bad
     * value is a 400 for the client and not a storage failure that looks transient.
     */
    public static void requireStorable(JsonNode value, String pointer) {
        requireStorable(value, pointer, 0);
    }

    private static void requireStorable(JsonNode node, String pointer, int depth) {
        if (node.isContainerNode()) {
            if (depth >= MAX_VALUE_DEPTH) {
                throw invalid(pointer, pointer + " nests more than " + MAX_VALUE_DEPTH + " levels deep");
            }
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    requireStorable(node.get(i), pointer + "/" + i, depth + 1);
                }
            } else {
                for (Iterator<java.util.Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
                    java.util.Map.Entry<String, JsonNode> field = it.next();
                    requireStorable(field.getValue(), pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1"), depth + 1);
                }
            }
        } else if (node.isNumber() && !storableNumber(node)) {
            throw invalid(pointer, pointer + " is a number out of range (at most " + MAX_DIGITS + " significant digits, magnitude 1e"
                    + MIN_EXPONENT + " to 1e" + MAX_EXPONENT + ")");
        }
    }

    private static boolean storableNumber(JsonNode number) {
        if ((number.isDouble() || number.isFloat()) && !Double.isFinite(number.doubleValue())) {
            return false;
        }
        java.math.BigDecimal value = number.decimalValue().stripTrailingZeros();
        if (value.signum() == 0) {
            return true;
        }
        int exponent = value.precision() - value.scale() - 1;
        return value.precision() <= MAX_DIGITS && exponent >= MIN_EXPONENT && exponent <= MAX_EXPONENT;
    }

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
