package io.nudge.feedback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;
import io.nudge.lambda.PermanentFailure;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reading a provider's feedback payload, the same for every provider's parser: what is missing or mistyped is empty,
 * and a payload that is not a JSON object can never be understood ({@link PermanentFailure}).
 */
public final class FeedbackJson {
    private FeedbackJson() {}

    public static JsonNode object(String text, String what) {
        if (text == null) {
            throw new PermanentFailure(what + " is missing");
        }
        JsonNode json;
        try {
            json = Json.parse(text);
        } catch (JsonProcessingException e) {
            throw new PermanentFailure(what + " is not JSON");
        }
        if (json == null || !json.isObject()) {
            throw new PermanentFailure(what + " is not a JSON object");
        }
        return json;
    }

    public static Optional<String> text(JsonNode node) {
        return node != null && node.isTextual() && !node.textValue().isBlank() ? Optional.of(node.textValue()) : Optional.empty();
    }

    public static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> text(v).ifPresent(values::add));
        return values;
    }

    public static Optional<Instant> time(JsonNode node) {
        return text(node).flatMap(t -> {
            try {
                return Optional.of(Instant.parse(t));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        });
    }

    /** Provider-chosen words in an error: bounded and without anything shaped like an address. */
    public static String safe(String text) {
        String words = Redact.words(text);
        return words.length() <= 40 ? words : words.substring(0, 40) + "…";
    }
}
