package io.nudge.template;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import liqp.Template;

/** A template with every part parsed once; rendering reuses the parse trees. */
public final class CompiledTemplate {
    private final TemplateDefinition definition;
    private final Map<TemplateParts, CompiledParts> compiled;

    private CompiledTemplate(TemplateDefinition definition, Map<TemplateParts, CompiledParts> compiled) {
        this.definition = definition;
        this.compiled = compiled;
    }

    sealed interface CompiledParts {
        record Email(Template subject, Optional<Template> html, Optional<Template> text) implements CompiledParts {}

        record Sms(Template body) implements CompiledParts {}
    }

    static CompiledTemplate compile(TemplateDefinition definition) {
        Map<TemplateParts, CompiledParts> compiled = new HashMap<>();
        compiled.put(definition.parts(), compile(definition.parts(), ""));
        definition.locales().forEach((locale, parts) -> compiled.put(parts, compile(parts, "/locales/" + locale)));
        return new CompiledTemplate(definition, compiled);
    }

    private static CompiledParts compile(TemplateParts parts, String pointer) {
        return switch (parts) {
            case TemplateParts.Email email -> new CompiledParts.Email(
                    Liquid.parse(email.subject(), pointer + "/subject"),
                    email.html().map(h -> Liquid.parse(h, pointer + "/html")),
                    email.text().map(t -> Liquid.parse(t, pointer + "/text")));
            case TemplateParts.Sms sms -> new CompiledParts.Sms(Liquid.parse(sms.body(), pointer + "/body"));
        };
    }

    public TemplateDefinition definition() {
        return definition;
    }

    CompiledParts forLocale(String locale) {
        return compiled.get(definition.forLocale(locale));
    }
}
