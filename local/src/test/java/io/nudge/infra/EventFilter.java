package io.nudge.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Lambda event filtering (FilterCriteria) for the exact-value patterns the template uses: an object pattern matches
 * when every key matches; an array of values matches a scalar equal to one of them. Content filters (prefix,
 * anything-but, numeric, exists) are refused rather than guessed at.
 */
final class EventFilter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> patterns;

    private EventFilter(List<JsonNode> patterns) {
        this.patterns = patterns;
    }

    /** From an event's {@code FilterCriteria: {Filters: [{Pattern: '<json>'}]}}; no criteria selects everything. */
    static EventFilter of(JsonNode filterCriteria) {
        List<JsonNode> patterns = new ArrayList<>();
        for (JsonNode filter : filterCriteria.path("Filters")) {
            try {
                patterns.add(JSON.readTree(filter.path("Pattern").asText()));
            } catch (IOException e) {
                throw new UncheckedIOException("filter pattern is not JSON: " + filter, e);
            }
        }
        return new EventFilter(patterns);
    }

    int size() {
        return patterns.size();
    }

    /** Lambda passes a record on when any filter matches it. */
    boolean selects(JsonNode record) {
        if (patterns.isEmpty()) {
            return true;
        }
        return patterns.stream().anyMatch(pattern -> matches(pattern, record));
    }

    private static boolean matches(JsonNode pattern, JsonNode value) {
        if (!pattern.isObject()) {
            throw new IllegalArgumentException("unsupported filter pattern " + pattern);
        }
        for (Map.Entry<String, JsonNode> field : pattern.properties()) {
            JsonNode expected = field.getValue();
            JsonNode actual = value == null ? null : value.get(field.getKey());
            if (expected.isObject()) {
                if (actual == null || !actual.isObject() || !matches(expected, actual)) {
                    return false;
                }
            } else if (expected.isArray()) {
                if (actual == null || !actual.isValueNode() || !oneOf(expected, actual)) {
                    return false;
                }
            } else {
                throw new IllegalArgumentException("a filter pattern's leaves are arrays, not " + expected);
            }
        }
        return true;
    }

    private static boolean oneOf(JsonNode alternatives, JsonNode actual) {
        for (JsonNode alternative : alternatives) {
            if (alternative.isContainerNode()) {
                throw new IllegalArgumentException("content filters are not supported here: " + alternative);
            }
            if (alternative.equals(actual)
                    || alternative.isNumber() && actual.isNumber() && alternative.decimalValue().compareTo(actual.decimalValue()) == 0) {
                return true;
            }
        }
        return false;
    }
}
