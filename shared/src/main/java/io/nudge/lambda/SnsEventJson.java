package io.nudge.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The SNS event Lambda delivers ({"Records":[{"EventSource":"aws:sns","Sns":{…}}]}) read from raw JSON, and the
 * same event built from an SNS notification as an HTTP subscription receives it (local mode). Only the fields Nudge
 * reads are kept.
 */
public final class SnsEventJson {
    private SnsEventJson() {}

    /** One SNS notification: its id, its topic, its type (Notification, SubscriptionConfirmation, …) and its Message. */
    public record Notification(String messageId, String topicArn, String type, Optional<String> message, Optional<String> timestamp) {}

    public static boolean isSnsEvent(JsonNode json) {
        JsonNode records = json == null ? null : json.get("Records");
        if (records == null || !records.isArray() || records.isEmpty()) {
            return false;
        }
        for (JsonNode record : records) {
            if (!"aws:sns".equals(record.path("EventSource").asText(null)) || !record.path("Sns").isObject()) {
                return false;
            }
        }
        return true;
    }

    public static List<Notification> notifications(JsonNode event) {
        List<Notification> notifications = new ArrayList<>();
        for (JsonNode record : event.get("Records")) {
            JsonNode sns = record.get("Sns");
            notifications.add(new Notification(sns.path("MessageId").asText(""), sns.path("TopicArn").asText(""),
                    sns.path("Type").asText("Notification"),
                    sns.path("Message").isTextual() ? Optional.of(sns.get("Message").textValue()) : Optional.empty(),
                    sns.path("Timestamp").isTextual() ? Optional.of(sns.get("Timestamp").textValue()) : Optional.empty()));
        }
        return notifications;
    }

    /**
     * A Lambda SNS event around one notification given as SNS delivers it: the {@code Sns} object of a Lambda record,
     * or the body SNS posts to an HTTP subscription ({@code SigningCertURL} there, {@code SigningCertUrl} in Lambda),
     * in either spelling of the field names ({@code Message} or {@code message}). A Message that is a JSON object
     * rather than a string is written back to a string, as SNS would carry it. Signatures are not checked.
     */
    public static ObjectNode wrap(JsonNode notification) {
        if (notification == null || !notification.isObject()) {
            throw new IllegalArgumentException("an SNS notification is a JSON object");
        }
        JsonNode messageNode = field(notification, "Message");
        if (messageNode == null || messageNode.isNull()) {
            throw new IllegalArgumentException("the notification has no Message");
        }
        String message = messageNode.isTextual() ? messageNode.textValue() : Json.write(messageNode);
        String topicArn = text(notification, "TopicArn").orElse("arn:aws:sns:us-east-1:000000000000:nudge-local");
        ObjectNode sns = Json.object();
        sns.put("Type", text(notification, "Type").orElse("Notification"));
        sns.put("MessageId", text(notification, "MessageId").orElse(UUID.randomUUID().toString()));
        sns.put("TopicArn", topicArn);
        JsonNode subject = field(notification, "Subject");
        if (subject != null && subject.isTextual()) {
            sns.put("Subject", subject.textValue());
        } else {
            sns.putNull("Subject");
        }
        sns.put("Message", message);
        sns.put("Timestamp", text(notification, "Timestamp").orElse(java.time.Instant.now().toString()));
        sns.put("SignatureVersion", text(notification, "SignatureVersion").orElse("1"));
        sns.put("Signature", text(notification, "Signature").orElse("local"));
        sns.put("SigningCertUrl", text(notification, "SigningCertUrl").or(() -> text(notification, "SigningCertURL")).orElse(""));
        sns.put("UnsubscribeUrl", text(notification, "UnsubscribeUrl").or(() -> text(notification, "UnsubscribeURL")).orElse(""));
        JsonNode attributes = field(notification, "MessageAttributes");
        sns.set("MessageAttributes", attributes != null && attributes.isObject() ? attributes.deepCopy() : Json.object());
        ObjectNode event = Json.object();
        ArrayNode records = event.putArray("Records");
        ObjectNode record = records.addObject();
        record.put("EventSource", "aws:sns");
        record.put("EventVersion", "1.0");
        record.put("EventSubscriptionArn", topicArn + ":00000000-0000-0000-0000-000000000000");
        record.set("Sns", sns);
        return event;
    }

    /** The field by its SNS name, or in lower camel case, or in any case at all. */
    private static JsonNode field(JsonNode object, String name) {
        if (object.has(name)) {
            return object.get(name);
        }
        String lowerCamel = Character.toLowerCase(name.charAt(0)) + name.substring(1);
        if (object.has(lowerCamel)) {
            return object.get(lowerCamel);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static Optional<String> text(JsonNode object, String name) {
        JsonNode value = field(object, name);
        return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
    }
}
