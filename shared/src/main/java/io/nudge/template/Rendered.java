package io.nudge.template;

import java.util.Optional;

/** Rendered content, ready for a channel. */
public sealed interface Rendered {
    record Email(String subject, Optional<String> html, Optional<String> text) implements Rendered {}

    record Sms(String body) implements Rendered {}
}
