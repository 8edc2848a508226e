package io.nudge.messages;

import io.nudge.deliver.MessageRendering;
import io.nudge.model.Message;
import io.nudge.model.UserProfile;
import io.nudge.store.DefinitionStore;
import io.nudge.store.UserStore;
import io.nudge.template.CompiledTemplate;
import io.nudge.template.Liquid;
import io.nudge.template.Rendered;
import io.nudge.template.TemplateCatalog;
import io.nudge.unsubscribe.UnsubscribeLinks;
import io.nudge.validation.InvalidInputException;
import java.util.Optional;

/**
 * A message rendered now, as deliver would render it: from its stored context, with the template as it is now and
 * the user's current profile. Reads only (the user and the template); never writes.
 */
public final class MessagePreview {
    /** What came out: the content, or why there is none. */
    public sealed interface Result permits Content, Unavailable {}

    public record Content(Rendered rendered) implements Result {}

    /** {@code erased}, {@code template_not_found}, {@code template_invalid: …}, {@code render_error: …}, {@code render_limit: …}. */
    public record Unavailable(String reason) implements Result {}

    private static final int MAX_DETAIL = 300;

    private final UserStore users;
    private final DefinitionStore definitions;
    private final UnsubscribeLinks unsubscribe;

    public MessagePreview(UserStore users, DefinitionStore definitions, UnsubscribeLinks unsubscribe) {
        this.users = users;
        this.definitions = definitions;
        this.unsubscribe = unsubscribe;
    }

    public Result render(Message message) {
        Optional<UserProfile> user = users.find(message.userId());
        // erasure removes the context and the profile: nothing personal is left to render from
        if (user.isEmpty() || message.context().isEmpty()) {
            return new Unavailable("erased");
        }
        Optional<CompiledTemplate> template;
        try {
            // a fresh catalog: the template as saved now, not as some cache last saw it
            template = new TemplateCatalog(definitions).find(message.templateId());
        } catch (InvalidInputException stale) {
            return new Unavailable("template_invalid: " + shorten(stale.getMessage()));
        }
        if (template.isEmpty()) {
            return new Unavailable("template_not_found");
        }
        try {
            return new Content(MessageRendering.render(template.get(), message, user.get(), unsubscribe));
        } catch (Liquid.LimitExceeded e) {
            return new Unavailable("render_limit: " + shorten(e.getMessage()));
        } catch (Liquid.TemplateError e) {
            return new Unavailable("render_error: " + shorten(e.getMessage()));
        }
    }

    private static String shorten(String reason) {
        String oneLine = reason == null ? "no detail" : reason.replaceAll("\\s+", " ").strip();
        return oneLine.length() > MAX_DETAIL ? oneLine.substring(0, MAX_DETAIL) : oneLine;
    }
}
