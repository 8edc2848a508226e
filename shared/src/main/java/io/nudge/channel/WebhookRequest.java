package io.nudge.channel;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One webhook message as rendered: where it goes and what it carries. {@code messageId} is every attempt's
 * {@code Idempotency-Key}; {@code secrets} sign the body (none: unsigned; two while a
 * rotated secret is still valid).
 */
public record WebhookRequest(String messageId, String method, String url, Map<String, String> headers, String body,
        List<String> secrets) {
    public WebhookRequest {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
        Objects.requireNonNull(body, "body");
        secrets = List.copyOf(secrets);
    }

    /** With one secret, or none. */
    public WebhookRequest(String messageId, String method, String url, Map<String, String> headers, String body,
            Optional<String> secret) {
        this(messageId, method, url, headers, body, secret.map(List::of).orElse(List.of()));
    }

    @Override
    public String toString() {
        return "WebhookRequest[" + messageId + " " + method + "]"; // the URL may carry tokens, the body personal data
    }
}
