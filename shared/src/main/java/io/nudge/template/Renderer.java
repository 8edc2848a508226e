package io.nudge.template;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import liqp.Template;

/** Renders a compiled template against {user, event, message} in the user's locale. */
public final class Renderer {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private Renderer() {}

    /** @param variables a JSON object whose top-level fields become Liquid variables */
    public static Rendered render(CompiledTemplate template, String locale, ObjectNode variables) {
        Map<String, Object> vars = Json.MAPPER.convertValue(variables, MAP);
        return switch (template.forLocale(locale)) {
            case CompiledTemplate.CompiledParts.Email email -> new Rendered.Email(
                    oneLine(part("subject", email.subject(), vars)),
                    email.html().map(h -> part("html", h, vars)),
                    email.text().map(t -> part("text", t, vars)));
            case CompiledTemplate.CompiledParts.Sms sms -> new Rendered.Sms(part("body", sms.body(), vars).strip());
            case CompiledTemplate.CompiledParts.Push push -> {
                Map<String, String> data = new LinkedHashMap<>();
                push.data().forEach((key, value) -> data.put(key, part("data", value, vars).strip()));
                // A notification title is one line on every device; a newline from a variable would be cut anyway.
                yield new Rendered.Push(oneLine(part("title", push.title(), vars)), part("body", push.body(), vars).strip(), data);
            }
            case CompiledTemplate.CompiledParts.Webhook webhook -> {
                // A header value is one line: a newline from a variable would be a header of the variable's choosing.
                Map<String, String> headers = new LinkedHashMap<>();
                webhook.headers().forEach((name, value) -> headers.put(name, oneLine(part("headers", value, vars))));
                yield new Rendered.Webhook(webhook.method(), oneLine(part("url", webhook.url(), vars)), headers,
                        part("body", webhook.body(), vars));
            }
        };
    }

    /** One part, its failure naming the part (for a preview; deliver reads only the message). */
    private static String part(String name, Template part, Map<String, Object> vars) {
        try {
            return Liquid.render(part, vars);
        } catch (Liquid.TemplateError e) {
            throw e.in(name);
        } catch (Liquid.LimitExceeded e) {
            throw e.in(name);
        }
    }

    /** A subject (or push title) is one line: folding it is the transport's job, stray newlines are not. */
    private static String oneLine(String subject) {
        return subject.replaceAll("[\\r\\n]+", " ").strip();
    }

}
