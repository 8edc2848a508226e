package io.nudge.template;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

        record Push(Template title, Template body, Map<String, Template> data) implements CompiledParts {}

        record Webhook(String method, Template url, Map<String, Template> headers, Template body) implements CompiledParts {}
    }

    /** @param tryRender also render each part once without data, refusing one past a render limit (when saved) */
    static CompiledTemplate compile(TemplateDefinition definition, boolean tryRender) {
        Map<TemplateParts, CompiledParts> compiled = new HashMap<>();
        compiled.put(definition.parts(), compile(definition.parts(), "", tryRender));
        definition.locales().forEach((locale, parts) -> compiled.put(parts, compile(parts, "/locales/" + locale, tryRender)));
        return new CompiledTemplate(definition, compiled);
    }

    private static CompiledParts compile(TemplateParts parts, String pointer, boolean tryRender) {
        java.util.function.BiFunction<String, String, Template> parse = tryRender ? Liquid::parseAndTry : Liquid::parse;
        return switch (parts) {
            case TemplateParts.Email email -> new CompiledParts.Email(
                    parse.apply(email.subject(), pointer + "/subject"),
                    email.html().map(h -> parse.apply(h, pointer + "/html")),
                    email.text().map(t -> parse.apply(t, pointer + "/text")));
            case TemplateParts.Sms sms -> new CompiledParts.Sms(parse.apply(sms.body(), pointer + "/body"));
            case TemplateParts.Push push -> {
                Map<String, Template> data = new LinkedHashMap<>();
                push.data().forEach((key, value) -> data.put(key, parse.apply(value, pointer + "/data/" + key)));
                yield new CompiledParts.Push(parse.apply(push.title(), pointer + "/title"),
                        parse.apply(push.body(), pointer + "/body"), Collections.unmodifiableMap(data));
            }
            case TemplateParts.Webhook webhook -> {
                Map<String, Template> headers = new LinkedHashMap<>();
                webhook.headers().forEach((name, value) -> headers.put(name, parse.apply(value, pointer + "/headers/" + name)));
                yield new CompiledParts.Webhook(webhook.method(), parse.apply(webhook.url(), pointer + "/url"),
                        Collections.unmodifiableMap(headers), parse.apply(webhook.body(), pointer + "/body"));
            }
        };
    }

    public TemplateDefinition definition() {
        return definition;
    }

    CompiledParts forLocale(String locale) {
        return compiled.get(definition.forLocale(locale));
    }
}
