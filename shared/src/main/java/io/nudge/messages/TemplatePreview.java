package io.nudge.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.deliver.MessageRendering;
import io.nudge.model.Channel;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.model.UserProfile;
import io.nudge.store.DefinitionStore;
import io.nudge.template.CompiledTemplate;
import io.nudge.template.Liquid;
import io.nudge.template.Rendered;
import io.nudge.template.TemplateCatalog;
import io.nudge.template.TemplateParser;
import io.nudge.unsubscribe.UnsubscribeLinks;
import io.nudge.validation.InvalidInputException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A template (stored, or a draft not saved yet) rendered for a user and an event exactly as deliver would render it,
 * or the Liquid error that stops it, located. Reads the stored template only; never writes.
 */
public final class TemplatePreview {
    /** What came out. */
    public sealed interface Result permits Content, Failed, NotFound {}

    /** @param variant the locale variant rendered, empty for the default parts */
    public record Content(Channel channel, Optional<String> variant, Rendered rendered) implements Result {}

    /**
     * @param code template_syntax, render_error or render_limit
     * @param field the failing part's JSON pointer in the template ("/locales/de/html")
     * @param part subject, html, text, body, title or data
     */
    public record Failed(Channel channel, Optional<String> variant, String code, String field, String part, String message,
            Optional<Integer> line, Optional<Integer> column) implements Result {}

    public record NotFound() implements Result {}

    private final DefinitionStore definitions;
    private final UnsubscribeLinks unsubscribe;

    public TemplatePreview(DefinitionStore definitions, UnsubscribeLinks unsubscribe) {
        this.definitions = definitions;
        this.unsubscribe = unsubscribe;
    }

    /**
     * @param draft a template document as PUT takes it; empty for the stored template {@code id}
     * @param event the event object templates see as {@code event}
     * @param locale the locale the variant is chosen for (the user's, or one the caller picked)
     * @throws InvalidInputException for a draft that is not a template (a Liquid syntax error is a {@link Failed})
     */
    public Result render(String id, Optional<JsonNode> draft, UserProfile user, ObjectNode event, Optional<String> locale) {
        Optional<CompiledTemplate> template;
        try {
            template = draft.isPresent()
                    ? Optional.of(TemplateParser.parse(id, draft.get()))
                    : new TemplateCatalog(definitions).find(id);
        } catch (InvalidInputException e) {
            if (!"template_syntax".equals(e.code()) || e.field() == null) {
                throw e;
            }
            return syntaxError(draft.orElseGet(() -> stored(id)), e);
        }
        if (template.isEmpty()) {
            return new NotFound();
        }
        CompiledTemplate compiled = template.get();
        Channel channel = compiled.definition().channel();
        UserProfile asRendered = new UserProfile(user.userId(), user.email(), user.phone(), user.timezone(),
                locale.or(user::locale), user.attributes(), user.consent(), user.subscriptions(), user.pushTokens(), user.createdAt(),
                user.updatedAt(), user.revision());
        Optional<String> variant = compiled.definition().variantFor(asRendered.locale().orElse(null));
        try {
            return new Content(channel, variant, MessageRendering.render(compiled, message(id, channel, user, event), asRendered, unsubscribe));
        } catch (Liquid.TemplateError e) {
            return failed(channel, variant, "render_error", e.part().orElse("body"), e.getMessage());
        } catch (Liquid.LimitExceeded e) {
            return failed(channel, variant, "render_limit", e.part().orElse("body"), e.getMessage());
        }
    }

    private static Failed failed(Channel channel, Optional<String> variant, String code, String part, String message) {
        String field = variant.map(v -> "/locales/" + v).orElse("") + "/" + part;
        return new Failed(channel, variant, code, field, part, message, Optional.empty(), Optional.empty());
    }

    /** The part named by the parser's pointer, parsed again for its line and column. */
    private static Failed syntaxError(JsonNode document, InvalidInputException e) {
        String field = e.field();
        Channel channel = Channel.fromWire(document.path("channel").asText()).orElse(Channel.EMAIL);
        Optional<String> variant = field.startsWith("/locales/") ? Optional.of(field.split("/")[2]) : Optional.empty();
        String part = field.substring(variant.map(v -> ("/locales/" + v).length()).orElse(0) + 1).split("/")[0];
        Optional<Liquid.SyntaxError> located = Optional.of(document.at(field)).filter(JsonNode::isTextual)
                .flatMap(source -> Liquid.syntaxError(source.textValue()));
        return new Failed(channel, variant, "template_syntax", field, part,
                located.map(Liquid.SyntaxError::message).orElse(e.getMessage()),
                located.flatMap(Liquid.SyntaxError::line), located.flatMap(Liquid.SyntaxError::column));
    }

    private JsonNode stored(String id) {
        return definitions.find(DefinitionStore.TEMPLATE, id).map(s -> (JsonNode) s.document())
                .orElseGet(io.nudge.json.Json::object);
    }

    /** The message deliver would render: a context holding the event, as evaluation stores it. */
    private static Message message(String templateId, Channel channel, UserProfile user, ObjectNode event) {
        ObjectNode context = io.nudge.json.Json.object();
        context.set("event", event);
        return new Message("preview", user.userId(), "preview", "preview", channel, Priority.TRANSACTIONAL, templateId,
                MessageStatus.READY, Optional.empty(), context, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Instant.EPOCH, List.of());
    }
}
