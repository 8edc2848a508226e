package io.nudge.template;

import java.util.Map;
import java.util.Optional;

/** Rendered content, ready for a channel. */
public sealed interface Rendered {
    record Email(String subject, Optional<String> html, Optional<String> text) implements Rendered {}

    record Sms(String body) implements Rendered {}

    /** A webhook request as it goes out (the signature and the headers Nudge adds are the sender's). */
    record Webhook(String method, String url, Map<String, String> headers, String body) implements Rendered {
        public Webhook {
            headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
        }

        /** Whether the body is what its Content-Type promises: anything, unless that says JSON and the body does not parse. */
        public boolean bodyKeepsItsPromise() {
            if (!jsonBody()) {
                return true;
            }
            try {
                io.nudge.json.Json.MAPPER.readTree(body);
                return !body.isBlank();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return false;
            }
        }

        /** Whether its Content-Type says JSON ({@code application/json}, {@code …+json}): then the body must parse. */
        public boolean jsonBody() {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Content-Type"))
                    .map(h -> h.getValue().split(";")[0].strip().toLowerCase(java.util.Locale.ROOT))
                    .anyMatch(type -> type.equals("application/json") || type.endsWith("+json"));
        }
    }

    record Push(String title, String body, Map<String, String> data) implements Rendered {
        public Push {
            data = Map.copyOf(data);
        }
    }
}
