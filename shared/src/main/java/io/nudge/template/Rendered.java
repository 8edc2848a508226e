package io.nudge.template;

import java.util.Map;
import java.util.Optional;

/** Rendered content, ready for a channel. */
public sealed interface Rendered {
    record Email(String subject, Optional<String> html, Optional<String> text) implements Rendered {}

    record Sms(String body) implements Rendered {}

    record Push(String title, String body, Map<String, String> data) implements Rendered {
        public Push {
            data = Map.copyOf(data);
        }
    }
}
