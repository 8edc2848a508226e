package io.nudge.template;

import io.nudge.validation.InvalidInputException;
import java.io.IOException;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import liqp.Template;
import liqp.TemplateContext;
import liqp.TemplateParser;
import liqp.exceptions.LiquidException;
import liqp.filters.Filter;
import liqp.nodes.LNode;
import liqp.org.antlr.v4.runtime.ParserRuleContext;
import liqp.org.antlr.v4.runtime.tree.ParseTree;
import liqp.parser.v4.NodeVisitor;
import liqp.spi.BasicTypesSupport;
import liquid.parser.v4.LiquidParser;

/**
 * Liquid (liqp) with limits, so a template cannot loop forever, render a gigabyte or read a file:
 * <ul>
 *   <li>at most {@value #MAX_ITERATIONS} loop iterations and {@value #MAX_OUTPUT_CHARS} characters of output per render,
 *       and no filter result (a string doubled by {@code append} in a loop, an array doubled by {@code concat}) above
 *       that size either: liqp checks only what is written to the output, not what is assigned;</li>
 *   <li>at most {@value #MAX_RENDER_MILLIS} ms per render;</li>
 *   <li>no {@code include}: liqp would read the named file from the local disk ({@code /proc/self/environ} holds a
 *       Lambda's credentials), so it is refused when a template is saved and resolves to nothing when rendered.</li>
 * </ul>
 */
public final class Liquid {
    static final int MAX_ITERATIONS = 10_000;
    static final int MAX_OUTPUT_CHARS = 512 * 1024;
    static final long MAX_RENDER_MILLIS = 2_000;
    private static final int MAX_TEMPLATE_BYTES = 128 * 1024;
    private static final int MAX_COLLECTION_SIZE = 100_000;
    /** A time-limited render runs on this executor while the caller waits; virtual threads cost nothing idle. */
    private static final ExecutorService RENDERS = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("liquid-render-", 0).factory());
    private static final TemplateParser PARSER = parser();

    private Liquid() {}

    private static TemplateParser parser() {
        TemplateParser.Builder builder = new TemplateParser.Builder()
                .withMaxIterations(MAX_ITERATIONS)
                .withMaxSizeRenderedString(MAX_OUTPUT_CHARS)
                .withMaxTemplateSizeBytes(MAX_TEMPLATE_BYTES)
                .withStrictVariables(false)
                .withNameResolver(name -> {
                    throw new IOException("include is not supported");
                });
        for (Filter filter : TemplateParser.DEFAULT_FLAVOR.getFilters().values()) {
            builder.withFilter(bounded(filter));
        }
        return builder.build();
    }

    /** The same filter, refusing a result larger than a render may output. */
    private static Filter bounded(Filter filter) {
        return new Filter(filter.name) {
            @Override
            public Object apply(Object value, TemplateContext context, Object... params) {
                Object result = filter.apply(value, context, params);
                if (result instanceof CharSequence text && text.length() > MAX_OUTPUT_CHARS
                        || result instanceof Collection<?> items && items.size() > MAX_COLLECTION_SIZE
                        || result != null && result.getClass().isArray() && Array.getLength(result) > MAX_COLLECTION_SIZE) {
                    throw new LimitExceeded("the " + filter.name + " filter made a value larger than " + MAX_OUTPUT_CHARS + " characters");
                }
                return result;
            }
        };
    }

    /** A render that went past a limit: permanent, never worth retrying. */
    public static final class LimitExceeded extends RuntimeException {
        private final String part;

        LimitExceeded(String message) {
            this(message, null);
        }

        private LimitExceeded(String message, String part) {
            super(message, null, false, false);
            this.part = part;
        }

        /** The template part that went past the limit ("subject", "html", …), when the renderer named it. */
        public Optional<String> part() {
            return Optional.ofNullable(part);
        }

        LimitExceeded in(String part) {
            return new LimitExceeded(getMessage(), part);
        }
    }

    /** Parses, or fails naming the field, line and column; refuses {@code include}. */
    public static Template parse(String source, String field) {
        Template template;
        try {
            template = PARSER.parse(source);
        } catch (RuntimeException e) {
            throw new InvalidInputException("template_syntax", field, field + ": " + SyntaxError.of(e).describe());
        }
        if (hasInclude(template.getParseTree())) {
            throw new InvalidInputException("template_syntax", field, field + ": " + INCLUDE_REFUSED);
        }
        return template;
    }

    private static final String INCLUDE_REFUSED = "include is not supported; put the text in the template";

    /** Why a Liquid source does not parse, with the 1-based line and column where liqp knows them. */
    public record SyntaxError(String message, Optional<Integer> line, Optional<Integer> column) {
        static SyntaxError of(RuntimeException e) {
            return e instanceof LiquidException located
                    ? new SyntaxError(firstLine(e.getMessage()), Optional.of(located.line), Optional.of(located.charPositionInLine + 1))
                    : new SyntaxError(firstLine(e.getMessage()), Optional.empty(), Optional.empty());
        }

        String describe() {
            return line.isPresent() && column.isPresent()
                    ? "Liquid syntax error at line " + line.get() + ", column " + column.get() + ": " + message
                    : "Liquid syntax error: " + message;
        }
    }

    /** What {@link #parse} would refuse in {@code source}, located: for a preview, which shows it rather than failing. */
    public static Optional<SyntaxError> syntaxError(String source) {
        Template template;
        try {
            template = PARSER.parse(source);
        } catch (RuntimeException e) {
            return Optional.of(SyntaxError.of(e));
        }
        return hasInclude(template.getParseTree())
                ? Optional.of(new SyntaxError(INCLUDE_REFUSED, Optional.empty(), Optional.empty())) : Optional.empty();
    }

    /**
     * Parses and renders once without data, as {@link #parse} but also refusing a template that goes past a render
     * limit even then (a loop over a fixed huge range, a string doubled forty times): it could never be sent.
     */
    public static Template parseAndTry(String source, String field) {
        Template template = parse(source, field);
        try {
            render(template, new HashMap<>());
        } catch (LimitExceeded e) {
            throw new InvalidInputException("template_too_expensive", field, field + ": " + e.getMessage());
        } catch (RuntimeException dataDependent) {
            // Without data a filter may fail (a division by a missing number); with real data it may not.
        }
        return template;
    }

    /** A Liquid error of the template meeting this data (a division by zero, a word where a number goes): permanent. */
    public static final class TemplateError extends RuntimeException {
        private final String part;

        TemplateError(String message) {
            this(message, null);
        }

        private TemplateError(String message, String part) {
            super(message, null, false, false);
            this.part = part;
        }

        /** The template part that failed ("subject", "html", …), when the renderer named it. */
        public Optional<String> part() {
            return Optional.ofNullable(part);
        }

        TemplateError in(String part) {
            return new TemplateError(getMessage(), part);
        }
    }

    /**
     * Renders in a context of its own. liqp's {@code Template.render} keeps the render's context in a field of the
     * (cached, shared) template, so two renders of one template at once read each other's variables or meet a
     * half-built registry ({@code "registry" is null}; liqp issue #287): this does what liqp's render does (evaluate
     * the variables, build the nodes from the parse tree, render them in a new root context) with nothing shared.
     *
     * @throws LimitExceeded past a limit
     * @throws TemplateError for a Liquid error (permanent for this template and data)
     * @throws RuntimeException any other failure, as thrown: a bug (ours or liqp's), never reported as the template's
     */
    public static String render(Template template, Map<String, Object> variables) {
        if (sizeOf(template) > MAX_TEMPLATE_BYTES) {
            throw new LimitExceeded("template longer than " + MAX_TEMPLATE_BYTES + " characters");
        }
        Future<String> render = RENDERS.submit(() -> renderAlone(template, variables));
        try {
            return render.get(MAX_RENDER_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            render.cancel(true);
            throw new LimitExceeded("rendering took longer than " + MAX_RENDER_MILLIS + " ms");
        } catch (InterruptedException e) {
            render.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while rendering", e);
        } catch (ExecutionException e) {
            throw classify(e.getCause());
        }
    }

    private static String renderAlone(Template template, Map<String, Object> variables) {
        BasicTypesSupport.clearReferences();
        Map<String, Object> evaluated = PARSER.evaluate(PARSER.mapper, variables);
        LNode root = new NodeVisitor(PARSER.insertions, PARSER.filters, PARSER.liquidStyleInclude).visit(template.getParseTree());
        TemplateContext context = new TemplateContext(PARSER, evaluated);
        return String.valueOf(PARSER.getRenderTransformer().transformObject(context, root.render(context)));
    }

    /** The template's length as liqp measures it (characters of its source), which liqp checks on every render. */
    private static int sizeOf(Template template) {
        return template.getParseTree() instanceof ParserRuleContext tree && tree.getStart() != null
                ? tree.getStart().getInputStream().size() : 0;
    }

    /**
     * liqp reports its limits and Liquid errors as its own exception types or plain RuntimeExceptions, wrapping what a
     * filter threw (a division by zero, a number that is not one): those are the template's. Anything else at the root
     * (a NullPointerException, a ClassCastException) is a defect, rethrown as it is so it is never taken for the template's.
     */
    private static RuntimeException classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof LimitExceeded limit) {
                return limit;
            }
            if (t instanceof liqp.exceptions.ExceededMaxIterationsException) {
                return new LimitExceeded("more than " + MAX_ITERATIONS + " loop iterations");
            }
            if (message.startsWith("rendered string exceeds")) {
                return new LimitExceeded("output longer than " + MAX_OUTPUT_CHARS + " characters");
            }
            if (message.contains("include")) {
                return new LimitExceeded("include is not supported");
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (isLiquidError(root)) {
            return new TemplateError(firstLine(root.getMessage() == null ? failure.getMessage() : root.getMessage()));
        }
        if (root instanceof RuntimeException bug) {
            return bug;
        }
        if (root instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(root.getClass().getSimpleName(), root);
    }

    private static boolean isLiquidError(Throwable root) {
        return root.getClass() == RuntimeException.class
                || root instanceof LiquidException
                || root instanceof liqp.exceptions.IncompatibleTypeComparisonException
                || root instanceof liqp.exceptions.VariableNotExistException
                || root instanceof ArithmeticException
                || root instanceof NumberFormatException
                || root instanceof java.time.DateTimeException
                || root instanceof java.util.regex.PatternSyntaxException;
    }

    private static boolean hasInclude(ParseTree tree) {
        if (tree instanceof LiquidParser.Include_tagContext || tree instanceof LiquidParser.Include_relative_tagContext) {
            return true;
        }
        for (int i = 0; i < tree.getChildCount(); i++) {
            if (hasInclude(tree.getChild(i))) {
                return true;
            }
        }
        return false;
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
