package io.nudge.template;

import io.nudge.validation.InvalidInputException;
import java.util.Map;
import liqp.Template;
import liqp.TemplateParser;
import liqp.exceptions.LiquidException;

/** Liquid (liqp) with limits, so a template cannot loop forever or render a gigabyte. */
public final class Liquid {
    private static final TemplateParser PARSER = new TemplateParser.Builder()
            .withMaxIterations(10_000)
            .withMaxSizeRenderedString(512 * 1024)
            .withMaxTemplateSizeBytes(128 * 1024)
            .withStrictVariables(false)
            .build();

    private Liquid() {}

    /** Parses, or fails naming the field, line and column. */
    public static Template parse(String source, String field) {
        try {
            return PARSER.parse(source);
        } catch (LiquidException e) {
            throw new InvalidInputException("template_syntax", field,
                    field + ": Liquid syntax error at line " + e.line + ", column " + (e.charPositionInLine + 1) + ": " + firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            throw new InvalidInputException("template_syntax", field, field + ": Liquid syntax error: " + firstLine(e.getMessage()));
        }
    }

    public static String render(Template template, Map<String, Object> variables) {
        return template.render(variables);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "cannot parse";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 300 ? line.substring(0, 300) : line;
    }
}
