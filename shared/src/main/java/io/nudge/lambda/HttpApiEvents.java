package io.nudge.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.nudge.api.ApiRequest;
import io.nudge.api.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** API Gateway HTTP API (payload 2.0) events ↔ the API's request and response. */
public final class HttpApiEvents {
    private HttpApiEvents() {}

    public static ApiRequest toRequest(APIGatewayV2HTTPEvent event) {
        String method = event.getRequestContext() != null && event.getRequestContext().getHttp() != null
                ? event.getRequestContext().getHttp().getMethod() : "GET";
        Map<String, String> headers = new HashMap<>();
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((k, v) -> {
                if (k != null && v != null) {
                    headers.put(k.toLowerCase(Locale.ROOT), v);
                }
            });
        }
        Map<String, String> query = new HashMap<>();
        if (event.getQueryStringParameters() != null) {
            event.getQueryStringParameters().forEach((k, v) -> {
                if (k != null && v != null) {
                    query.put(k, v);
                }
            });
        }
        Optional<byte[]> body = Optional.ofNullable(event.getBody()).map(b -> {
            if (event.getIsBase64Encoded()) {
                try {
                    return Base64.getDecoder().decode(b);
                } catch (IllegalArgumentException notBase64) {
                    return new byte[0];
                }
            }
            return b.getBytes(StandardCharsets.UTF_8);
        });
        String path = event.getRawPath() == null ? "/" : event.getRawPath();
        return new ApiRequest(method == null ? "GET" : method.toUpperCase(Locale.ROOT), path, headers, query, body);
    }

    public static APIGatewayV2HTTPResponse toResponse(ApiResponse response) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(response.headers())
                .withBody(response.body())
                .withIsBase64Encoded(response.base64Encoded())
                .build();
    }
}
