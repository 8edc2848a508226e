package io.nudge.deliver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.model.Channel;
import io.nudge.model.Message;
import io.nudge.model.UserProfile;
import io.nudge.template.CompiledTemplate;
import io.nudge.template.Rendered;
import io.nudge.template.Renderer;
import io.nudge.unsubscribe.UnsubscribeLinks;

/**
 * How a message is rendered: its template in the user's locale, with the user, the event of its stored context, the
 * message's id and channel, and (email) the unsubscribe link. Deliver sends what this returns; the admin API shows it,
 * so what an admin sees and what a user gets cannot drift apart. Writes nothing.
 *
 * @throws io.nudge.template.Liquid.LimitExceeded and {@link io.nudge.template.Liquid.TemplateError} as the renderer does
 */
public final class MessageRendering {
    private MessageRendering() {}

    public static Rendered render(CompiledTemplate template, Message message, UserProfile user, UnsubscribeLinks unsubscribe) {
        ObjectNode vars = DeliverService.variables(message, user);
        if (message.channel() == Channel.EMAIL) {
            vars.put("unsubscribe_url", unsubscribe.url(message.userId(), Channel.EMAIL, io.nudge.topics.TopicCatalog.of(message)));
        }
        if (message.channel() == Channel.EMAIL || message.channel() == Channel.SMS) {
            vars.put("preferences_url", unsubscribe.preferencesUrl(message.userId(), message.channel()));
        }
        return Renderer.render(template, user.locale().orElse(null), vars);
    }
}
