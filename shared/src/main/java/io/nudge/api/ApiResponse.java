package io.nudge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import java.util.Map;

/** Status, headers and a body; JSON unless said otherwise. */
public record ApiResponse(int status, Map<String, String> headers, String body) {
    private static final Map<String, String> JSON = Map.of("content-type", "application/json");

    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    public static ApiResponse json(int status, JsonNode body) {
        return new ApiResponse(status, JSON, Json.write(body));
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, Map.of(), "");
    }

    public static ApiResponse error(int status, String code, String message, String field) {
        ObjectNode body = Json.object();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        if (field != null) {
            error.put("field", field);
        }
        return json(status, body);
    }

    public ApiResponse withHeader(String name, String value) {
        java.util.HashMap<String, String> copy = new java.util.HashMap<>(headers);
        copy.put(name, value);
        return new ApiResponse(status, copy, body);
    }
}
