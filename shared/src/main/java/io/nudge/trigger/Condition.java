package io.nudge.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * One clause: a path into the evaluation context ({"event":…, "user":…}), an operator and a value.
 * The path is split once, at parse time, so evaluation is a walk over a few map lookups.
 */
public record Condition(String path, List<String> segments, Operator op, JsonNode value) {
    public Condition {
        Objects.requireNonNull(path, "path");
        segments = List.copyOf(segments);
        Objects.requireNonNull(op, "op");
    }

    public boolean test(ObjectNode context) {
        return holds(resolve(context));
    }

    /** The value at this condition's path in the context, or null. Conditions with the same path find the same value. */
    public JsonNode resolve(ObjectNode context) {
        JsonNode actual = context;
        for (String segment : segments) {
            actual = actual.get(segment);
            if (actual == null) {
                break;
            }
        }
        return actual;
    }

    /** Whether the condition holds for {@code actual}, the value {@link #resolve} found (null when there is none). */
    public boolean holds(JsonNode actual) {
        boolean present = actual != null && !actual.isNull() && !actual.isMissingNode();
        return switch (op) {
            case EXISTS -> present;
            case NOT_EXISTS -> !present;
            case EQ -> present && same(actual, value);
            case NE -> !present || !same(actual, value);
            case GT -> present && comparable(actual, value) && compare(actual, value) > 0;
            case GTE -> present && comparable(actual, value) && compare(actual, value) >= 0;
            case LT -> present && comparable(actual, value) && compare(actual, value) < 0;
            case LTE -> present && comparable(actual, value) && compare(actual, value) <= 0;
            case IN -> present && contains(value, actual);
            case NOT_IN -> !present || !contains(value, actual);
            case CONTAINS -> present && (actual.isTextual() && value.isTextual()
                    ? actual.textValue().contains(value.textValue())
                    : actual.isArray() && contains(actual, value));
            case STARTS_WITH -> present && actual.isTextual() && value.isTextual()
                    && actual.textValue().startsWith(value.textValue());
        };
    }

    /** JSON equality, with 1 and 1.0 equal. */
    public static boolean sameValue(JsonNode a, JsonNode b) {
        return same(a, b);
    }

    static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return compareNumbers(a, b) == 0;
        }
        return a.equals(b);
    }

    private static boolean comparable(JsonNode a, JsonNode b) {
        return a.isNumber() && b.isNumber() || a.isTextual() && b.isTextual();
    }

    private static int compare(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return compareNumbers(a, b);
        }
        if (a.isTextual() && b.isTextual()) {
            return a.textValue().compareTo(b.textValue());
        }
        return 0;
    }

    /**
     * Numbers compare by decimal value (1 = 1.0). Converting to double is monotonic, so doubles that differ already
     * give the exact order; only equal doubles (equal, or too close for a double to tell) need the exact BigDecimal
     * comparison. (BigDecimal.valueOf(double) goes through Double.toString: 12% of evaluation time in bench/results/jmh.md.)
     */
    private static int compareNumbers(JsonNode a, JsonNode b) {
        if (a.isIntegralNumber() && b.isIntegralNumber() && a.canConvertToLong() && b.canConvertToLong()) {
            return Long.compare(a.longValue(), b.longValue());
        }
        double x = a.doubleValue();
        double y = b.doubleValue();
        if (x < y) {
            return -1;
        }
        if (x > y) {
            return 1;
        }
        return a.decimalValue().compareTo(b.decimalValue());
    }

    private static boolean contains(JsonNode array, JsonNode element) {
        for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
            if (same(it.next(), element)) {
                return true;
            }
        }
        return false;
    }
}
