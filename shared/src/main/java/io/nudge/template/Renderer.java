package io.nudge.template;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders a compiled template against {user, event, message} in the user's locale. */
public final class Renderer {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private Renderer() {}

    /** @param variables a JSON object whose top-level fields become Liquid variables */
    public static Rendered render(CompiledTemplate template, String locale, ObjectNode variables) {
        Map<String, Object> vars = Json.MAPPER.convertValue(variables, MAP);
        return switch (template.forLocale(locale)) {
            case CompiledTemplate.CompiledParts.Email email -> new Rendered.Email(
                    oneLine(Liquid.render(email.subject(), vars)),
                    email.html().map(h -> Liquid.render(h, vars)),
                    email.text().map(t -> Liquid.render(t, vars)));
            case CompiledTemplate.CompiledParts.Sms sms -> new Rendered.Sms(Liquid.render(sms.body(), vars).strip());
            case CompiledTemplate.CompiledParts.Push push -> {
                Map<String, String> data = new LinkedHashMap<>();
                push.data().forEach((key, value) -> data.put(key, Liquid.render(value, vars).strip()));
                // A notification title is one line on every device; a newline from a variable would be cut anyway.
                yield new Rendered.Push(oneLine(Liquid.render(push.title(), vars)), Liquid.render(push.body(), vars).strip(), data);
            }
        };
    }

    /** A subject (or push title) is one line: folding it is the transport's job, stray newlines are not. */
    private static String oneLine(String subject) {
        return subject.replaceAll("[\\r\\n]+", " ").strip();
    }

}
