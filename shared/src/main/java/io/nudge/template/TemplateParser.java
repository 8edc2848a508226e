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
    private static final Set<String> WEBHOOK_FIELDS = Set.of("channel", "method", "url", "headers", "body", "secret");
    private static final Set<String> WEBHOOK_METHODS = Set.of("POST", "PUT", "PATCH");
    /** Headers the HTTP client controls, and the ones Nudge sets on every request. */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "connection", "transfer-encoding", "expect",
            "upgrade", "keep-alive", "te", "trailer", "proxy-connection", "proxy-authorization", "http2-settings", "date", "via",
            "idempotency-key", "user-agent", "nudge-signature");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");
    private static final int MAX_HEADERS = 30;
    private static final int MAX_SECRET_LENGTH = 256;
    private static final int MAX_DATA_KEYS = 50;
    private static final int MAX_DATA_KEY_LENGTH = 128;
    private static final Pattern LOCALE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");

    private TemplateParser() {}

    /**
     * For a template being saved: {@link #parse}, and each part rendered once without data to catch one past a render
     * limit; a webhook's static URL must be one {@code destinations} allows, and a JSON body must parse once rendered.
     */
    public static CompiledTemplate parseForSave(String id, JsonNode document, io.nudge.channel.webhook.WebhookDestinations destinations) {
        CompiledTemplate template = parse(id, document, true);
        if (template.definition().parts() instanceof TemplateParts.Webhook webhook) {
            checkWebhook(template, webhook, destinations);
        }
        return template;
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
                .orElseThrow(() -> invalid("/channel", "/channel must be email, sms, push or webhook"));
        Fields.rejectUnknown(doc, switch (channel) {
            case EMAIL -> EMAIL_FIELDS;
            case SMS -> SMS_FIELDS;
            case PUSH -> PUSH_FIELDS;
            case WEBHOOK -> WEBHOOK_FIELDS; // no locales: a request's shape is the receiver's, not the user's language
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
                    case WEBHOOK -> Set.<String>of();
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
        if (channel == Channel.WEBHOOK) {
            return webhook(doc);
        }
        String subject = nonBlank(doc, "subject", pointer);
        Optional<String> html = Fields.optionalString(doc, "html", pointer);
        Optional<String> text = Fields.optionalString(doc, "text", pointer);
        if (html.isEmpty() && text.isEmpty()) {
            throw new InvalidInputException("missing_field", pointer + "/html", "an email template needs html, text or both");
        }
        return new TemplateParts.Email(subject, html, text);
    }

    private static TemplateParts.Webhook webhook(ObjectNode doc) {
        String method = Fields.optionalString(doc, "method", "").orElse("POST").toUpperCase(java.util.Locale.ROOT);
        if (!WEBHOOK_METHODS.contains(method)) {
            throw invalid("/method", "/method must be POST, PUT or PATCH");
        }
        String url = nonBlank(doc, "url", "");
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode node = doc.get("headers");
        if (node != null && !node.isNull()) {
            Fields.requireObject(node, "/headers");
            if (node.size() > MAX_HEADERS) {
                throw invalid("/headers", "/headers may have at most " + MAX_HEADERS + " headers");
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> header = it.next();
                String field = "/headers/" + header.getKey();
                String lower = header.getKey().toLowerCase(java.util.Locale.ROOT);
                if (!HEADER_NAME.matcher(header.getKey()).matches()) {
                    throw invalid(field, "a header name is 1-128 characters of letters, digits and !#$%&'*+.^_`|~-");
                }
                if (RESERVED_HEADERS.contains(lower) || lower.startsWith("proxy-")) {
                    throw invalid(field, header.getKey() + " is set by the HTTP client or by Nudge, not by a template");
                }
                if (!seen.add(lower)) {
                    throw invalid(field, header.getKey() + " is given twice (header names ignore case)");
                }
                if (!header.getValue().isTextual()) {
                    throw invalid(field, field + " must be a string");
                }
                if (!header.getValue().textValue().contains("{{") && !header.getValue().textValue().contains("{%")
                        && !isHeaderValue(header.getValue().textValue())) {
                    throw invalid(field, field + " holds a character an HTTP header cannot carry (a control character or one above U+00FF)");
                }
                headers.put(header.getKey(), header.getValue().textValue());
            }
        }
        String body = Fields.optionalString(doc, "body", "").orElse("");
        Optional<String> secret = Fields.optionalString(doc, "secret", "");
        if (secret.isPresent() && (secret.get().isBlank() || secret.get().length() > MAX_SECRET_LENGTH)) {
            throw invalid("/secret", "/secret must be 1-" + MAX_SECRET_LENGTH + " characters (leave it out to send unsigned)");
        }
        return new TemplateParts.Webhook(method, url, headers, body, secret);
    }

    /** What the JDK's HTTP client takes as a header value: tab, and characters from space to U+00FF but DEL. */
    public static boolean isHeaderValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\t' && (c < 0x20 || c == 0x7f || c > 0xff)) {
                return false;
            }
        }
        return true;
    }

    /** At save: a URL without Liquid must be an allowed destination; a JSON body must parse rendered without data. */
    private static void checkWebhook(CompiledTemplate template, TemplateParts.Webhook webhook,
            io.nudge.channel.webhook.WebhookDestinations destinations) {
        if (!webhook.url().contains("{{") && !webhook.url().contains("{%")) {
            destinations.refusalAtSave(webhook.url()).ifPresent(why -> {
                throw new InvalidInputException("blocked_destination", "/url", "/url is not a destination Nudge may call: " + why);
            });
        }
        Rendered.Webhook empty = (Rendered.Webhook) Renderer.render(template, null, Json.object());
        if (!empty.bodyKeepsItsPromise()) {
            throw new InvalidInputException("invalid_body", "/body", "/body must be JSON once rendered (its Content-Type says so), "
                    + "and it is not even without data: place values with the json filter, {{ user.attributes.first_name | json }}");
        }
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

    /** A template document as reads show it: a webhook's secret replaced by {@code secretSet}. */
    public static ObjectNode redacted(ObjectNode stored) {
        if (!Channel.WEBHOOK.wire().equals(stored.path("channel").asText())) {
            return stored;
        }
        ObjectNode shown = stored.deepCopy();
        shown.remove("secret");
        shown.put("secretSet", stored.hasNonNull("secret"));
        return shown;
    }

    /** The document as stored: a webhook's secret included (see {@link #redacted}). */
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
            case TemplateParts.Webhook webhook -> {
                doc.put("method", webhook.method());
                doc.put("url", webhook.url());
                ObjectNode headers = doc.putObject("headers");
                webhook.headers().forEach(headers::put);
                doc.put("body", webhook.body());
                webhook.secret().ifPresent(secret -> doc.put("secret", secret));
            }
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
