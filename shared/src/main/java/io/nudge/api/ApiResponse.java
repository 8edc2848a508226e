package io.nudge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import java.util.Map;

/**
 * Status, headers and a body; JSON unless said otherwise. A binary body (a gzipped asset) is carried as base64 with
 * {@code base64Encoded} set, as API Gateway takes it.
 */
public record ApiResponse(int status, Map<String, String> headers, String body, boolean base64Encoded) {
    private static final Map<String, String> JSON = Map.of("content-type", "application/json");

    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    public ApiResponse(int status, Map<String, String> headers, String body) {
        this(status, headers, body, false);
    }

    public static ApiResponse binary(int status, Map<String, String> headers, byte[] body) {
        return new ApiResponse(status, headers, java.util.Base64.getEncoder().encodeToString(body), true);
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
        return new ApiResponse(status, copy, body, base64Encoded);
    }
}
