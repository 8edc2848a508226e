package io.nudge.template;

import java.util.Map;
import java.util.Optional;

/** The source text of one language version of a template, per channel. */
public sealed interface TemplateParts {
    record Email(String subject, Optional<String> html, Optional<String> text) implements TemplateParts {}

    record Sms(String body) implements TemplateParts {}

    /** @param data custom key-values for the app, each value a Liquid string */
    record Push(String title, String body, Map<String, String> data) implements TemplateParts {
        public Push {
            data = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
        }
    }
}
