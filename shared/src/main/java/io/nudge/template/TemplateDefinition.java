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
        if (locale == null || locale.isEmpty()) {
            return parts;
        }
        TemplateParts exact = locales.get(locale);
        if (exact != null) {
            return exact;
        }
        int dash = locale.indexOf('-');
        if (dash > 0) {
            TemplateParts language = locales.get(locale.substring(0, dash));
            if (language != null) {
                return language;
            }
        }
        return parts;
    }
}
