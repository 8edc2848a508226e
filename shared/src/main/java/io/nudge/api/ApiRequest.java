package io.nudge.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** An HTTP request as the API sees it, whatever carried it (API Gateway v2 event, local server). Header names lowercase. */
public record ApiRequest(String method, String path, Map<String, String> headers, Map<String, String> query, Optional<byte[]> body) {
    public ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        headers = Map.copyOf(headers);
        query = Map.copyOf(query);
        Objects.requireNonNull(body, "body");
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }
}
