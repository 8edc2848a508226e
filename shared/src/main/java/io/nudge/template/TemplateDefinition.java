package io.nudge.template;

import io.nudge.model.Channel;
import java.util.Map;
import java.util.Objects;

/** A message template: default parts plus optional per-locale variants ("de", "pt-BR"). */
public record TemplateDefinition(String id, Channel channel, TemplateParts parts, Map<String, TemplateParts> locales) {
    public TemplateDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(parts, "parts");
        locales = Map.copyOf(locales);
    }

    /** "de-AT" → "de-AT", then "de", then the default parts. */
    public TemplateParts forLocale(String locale) {
        return variantFor(locale).map(locales::get).orElse(parts);
    }

    /** The key of the locale variant {@link #forLocale} picks, or empty for the default parts. */
    public java.util.Optional<String> variantFor(String locale) {
        if (locale == null || locale.isEmpty()) {
            return java.util.Optional.empty();
        }
        if (locales.containsKey(locale)) {
            return java.util.Optional.of(locale);
        }
        int dash = locale.indexOf('-');
        if (dash > 0 && locales.containsKey(locale.substring(0, dash))) {
            return java.util.Optional.of(locale.substring(0, dash));
        }
        return java.util.Optional.empty();
    }
}
