package io.nudge.channel;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One webhook message as rendered: where it goes and what it carries. {@code messageId} is every attempt's
 * {@code Idempotency-Key}; {@code secret}, when the template has one, signs the body.
 */
public record WebhookRequest(String messageId, String method, String url, Map<String, String> headers, String body,
        Optional<String> secret) {
    public WebhookRequest {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
        return "WebhookRequest[" + messageId + " " + method + "]"; // the URL may carry tokens, the body personal data
    }
}
