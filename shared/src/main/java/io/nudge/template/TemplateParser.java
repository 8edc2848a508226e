package io.nudge.template;

import static io.nudge.validation.InvalidInputException.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.PushMessage;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a template document and compiles every Liquid part, so a broken template is refused when saved. */
public final class TemplateParser {
    private static final Set<String> EMAIL_FIELDS = Set.of("channel", "subject", "html", "text", "locales");
    private static final Set<String> SMS_FIELDS = Set.of("channel", "body", "locales");
    private static final Set<String> EMAIL_LOCALE_FIELDS = Set.of("subject", "html", "text");
    private static final Set<String> SMS_LOCALE_FIELDS = Set.of("body");
    private static final Set<String> PUSH_FIELDS = Set.of("channel", "title", "body", "data", "locales");
    private static final Set<String> PUSH_LOCALE_FIELDS = Set.of("title", "body", "data");
    private static final int MAX_DATA_KEYS = 50;
    private static final int MAX_DATA_KEY_LENGTH = 128;
    private static final Pattern LOCALE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");

    private TemplateParser() {}

    /** For a template being saved: {@link #parse}, and each part rendered once without data to catch one past a render limit. */
    public static CompiledTemplate parseForSave(String id, JsonNode document) {
        return parse(id, document, true);
    }

    public static CompiledTemplate parse(String id, JsonNode document) {
        return parse(id, document, false);
    }

    private static CompiledTemplate parse(String id, JsonNode document, boolean tryRender) {
        if (!Ids.isAdminId(id)) {
            throw invalid("id", "template ids are 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        ObjectNode doc = Fields.requireObject(document, "");
        String channelName = Fields.requireString(doc, "channel", "");
        Channel channel = Channel.fromWire(channelName)
                .orElseThrow(() -> invalid("/channel", "/channel must be email, sms or push"));
        Fields.rejectUnknown(doc, switch (channel) {
            case EMAIL -> EMAIL_FIELDS;
            case SMS -> SMS_FIELDS;
            case PUSH -> PUSH_FIELDS;
        }, "");
        TemplateParts parts = parts(channel, doc, "");
        Map<String, TemplateParts> locales = new LinkedHashMap<>();
        JsonNode localeNode = doc.get("locales");
        if (localeNode != null && !localeNode.isNull()) {
            Fields.requireObject(localeNode, "/locales");
            for (Iterator<Map.Entry<String, JsonNode>> it = localeNode.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String pointer = "/locales/" + entry.getKey();
                if (!LOCALE.matcher(entry.getKey()).matches()) {
                    throw invalid(pointer, "locale keys are BCP 47 language tags such as de or pt-BR");
                }
                ObjectNode localeDoc = Fields.requireObject(entry.getValue(), pointer);
                Fields.rejectUnknown(localeDoc, switch (channel) {
                    case EMAIL -> EMAIL_LOCALE_FIELDS;
                    case SMS -> SMS_LOCALE_FIELDS;
                    case PUSH -> PUSH_LOCALE_FIELDS;
                }, pointer);
                TemplateParts localeParts = parts(channel, localeDoc, pointer);
                if (localeParts instanceof TemplateParts.Push p && !localeDoc.has("data") && parts instanceof TemplateParts.Push base) {
                    // Data is usually a deep link or an id, the same in every language: a translation that leaves it
                    // out keeps the default's rather than silently sending a notification the app cannot open.
                    localeParts = new TemplateParts.Push(p.title(), p.body(), base.data());
                }
                locales.put(entry.getKey(), localeParts);
            }
        }
        return CompiledTemplate.compile(new TemplateDefinition(id, channel, parts, locales), tryRender);
    }

    private static TemplateParts parts(Channel channel, ObjectNode doc, String pointer) {
        if (channel == Channel.SMS) {
            return new TemplateParts.Sms(nonBlank(doc, "body", pointer));
        }
        if (channel == Channel.PUSH) {
            return new TemplateParts.Push(nonBlank(doc, "title", pointer), nonBlank(doc, "body", pointer), data(doc, pointer));
        }
        String subject = nonBlank(doc, "subject", pointer);
        Optional<String> html = Fields.optionalString(doc, "html", pointer);
        Optional<String> text = Fields.optionalString(doc, "text", pointer);
        if (html.isEmpty() && text.isEmpty()) {
            throw new InvalidInputException("missing_field", pointer + "/html", "an email template needs html, text or both");
        }
        return new TemplateParts.Email(subject, html, text);
    }

    /** Push data: an object of at most 50 strings, no key FCM or APNs reserves. */
    private static Map<String, String> data(ObjectNode doc, String pointer) {
        JsonNode node = doc.get("data");
        Map<String, String> data = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return data;
        }
        Fields.requireObject(node, pointer + "/data");
        if (node.size() > MAX_DATA_KEYS) {
            throw invalid(pointer + "/data", pointer + "/data may have at most " + MAX_DATA_KEYS + " keys");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            String field = pointer + "/data/" + key;
            if (key.isEmpty() || key.length() > MAX_DATA_KEY_LENGTH) {
                throw invalid(field, "data keys are 1-" + MAX_DATA_KEY_LENGTH + " characters");
            }
            if (PushMessage.isReservedDataKey(key)) {
                throw invalid(field, field + " is reserved by FCM or APNs (aps, from, message_type, google…, gcm…)");
            }
            if (!entry.getValue().isTextual()) {
                // FCM takes only string values; a number would be refused at send time, so it is refused here.
                throw invalid(field, field + " must be a string");
            }
            data.put(key, entry.getValue().textValue());
        }
        return data;
    }

    private static String nonBlank(ObjectNode doc, String name, String pointer) {
        String value = Fields.requireString(doc, name, pointer);
        if (value.isBlank()) {
            throw invalid(pointer + "/" + name, pointer + "/" + name + " must not be empty");
        }
        return value;
    }

    public static ObjectNode toJson(TemplateDefinition template) {
        ObjectNode doc = Json.object();
        doc.put("id", template.id());
        doc.put("channel", template.channel().wire());
        write(doc, template.parts());
        if (!template.locales().isEmpty()) {
            ObjectNode locales = doc.putObject("locales");
            template.locales().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> write(locales.putObject(e.getKey()), e.getValue()));
        }
        return doc;
    }

    private static void write(ObjectNode doc, TemplateParts parts) {
        switch (parts) {
            case TemplateParts.Email email -> {
                doc.put("subject", email.subject());
                email.html().ifPresent(h -> doc.put("html", h));
                email.text().ifPresent(t -> doc.put("text", t));
            }
            case TemplateParts.Sms sms -> doc.put("body", sms.body());
            case TemplateParts.Push push -> {
                doc.put("title", push.title());
                doc.put("body", push.body());
                if (!push.data().isEmpty()) {
                    ObjectNode data = doc.putObject("data");
                    push.data().forEach(data::put);
                }
            }
        }
    }
}
