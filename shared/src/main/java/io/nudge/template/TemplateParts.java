package io.nudge.template;

import java.util.Map;
import java.util.Optional;

/** The source text of one language version of a template, per channel. */
public sealed interface TemplateParts {
    record Email(String subject, Optional<String> html, Optional<String> text) implements TemplateParts {}

    record Sms(String body) implements TemplateParts {}

    /**
     * A webhook request: {@code url}, header values and {@code body} are Liquid; {@code secret} signs the body and is
     * never shown (reads say {@code secretSet}).
     */
    record Webhook(String method, String url, Map<String, String> headers, String body, Optional<String> secret) implements TemplateParts {
        public Webhook {
            headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
        }

        @Override
        public String toString() {
            return "Webhook[" + method + ", secretSet=" + secret.isPresent() + "]";
        }
    }

    /** @param data custom key-values for the app, each value a Liquid string */
    record Push(String title, String body, Map<String, String> data) implements TemplateParts {
        public Push {
            data = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
        }
    }
}
