package io.nudge.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.ids.Ids;
import io.nudge.model.Channel;
import java.util.Optional;
import java.util.function.Function;

/** A definition's {@code template} field: an admin id naming a stored template of the channel the definition sends on. */
public final class TemplateReference {
    private TemplateReference() {}

    /**
     * The id at {@code pointer + "/template"}; a 400 naming that field when it is missing, not an id, names no template
     * ({@code unknown_template}) or one of another channel ({@code channel_mismatch}; {@code sender} says who sends).
     */
    public static String of(JsonNode node, String pointer, Channel channel, Function<String, Optional<Channel>> templateChannel,
            String sender) {
        String template = Fields.requireString(node, "template", pointer);
        String field = pointer + "/template";
        if (!Ids.isAdminId(template)) {
            throw InvalidInputException.invalid(field, field + " must be a template id");
        }
        Channel actual = templateChannel.apply(template)
                .orElseThrow(() -> new InvalidInputException("unknown_template", field, "no template with id " + template));
        if (actual != channel) {
            throw new InvalidInputException("channel_mismatch", field,
                    "template " + template + " is a " + actual.wire() + " template, " + sender + " sends " + channel.wire());
        }
        return template;
    }
}
