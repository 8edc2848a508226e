package io.nudge.template;

import java.util.Optional;

/** The source text of one language version of a template, per channel. */
public sealed interface TemplateParts {
    record Email(String subject, Optional<String> html, Optional<String> text) implements TemplateParts {}

    record Sms(String body) implements TemplateParts {}
}
