package io.nudge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;

/** Small JSON helpers for tests. */
public final class Fixtures {
    private Fixtures() {}

    /** Parses JSON written with single quotes for readability. */
    public static JsonNode json(String singleQuoted) {
        try {
            return Json.parse(singleQuoted.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
