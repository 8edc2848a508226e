package io.nudge.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A CloudWatch Logs subscription event ({"awslogs":{"data":"&lt;base64 of gzip of JSON&gt;"}}) decoded: the log group
 * and its log events. {@code messageType} is DATA_MESSAGE, or CONTROL_MESSAGE when CloudWatch Logs checks that the
 * destination is reachable (it carries nothing to process).
 */
public final class CloudWatchLogsJson {
    /** A decoded subscription payload is at most a few MB; refuse anything that inflates far beyond. */
    private static final int MAX_DECODED_BYTES = 16 * 1024 * 1024;

    private CloudWatchLogsJson() {}

    public record LogEvent(String id, long timestamp, String message) {}

    public record Data(String messageType, String logGroup, String logStream, List<LogEvent> logEvents) {
        public boolean control() {
            return "CONTROL_MESSAGE".equals(messageType);
        }
    }

    public static boolean isLogsEvent(JsonNode json) {
        return json != null && json.path("awslogs").path("data").isTextual();
    }

    /** @throws PermanentFailure when the data is not base64 of gzip of a subscription JSON document */
    public static Data decode(JsonNode event) {
        byte[] gzipped;
        try {
            gzipped = Base64.getDecoder().decode(event.path("awslogs").path("data").asText().strip());
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure("awslogs.data is not base64");
        }
        JsonNode json;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            byte[] bytes = in.readNBytes(MAX_DECODED_BYTES + 1);
            if (bytes.length > MAX_DECODED_BYTES) {
                throw new PermanentFailure("awslogs.data inflates beyond " + MAX_DECODED_BYTES + " bytes");
            }
            json = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new PermanentFailure("awslogs.data is not gzip of a JSON document");
        }
        if (json == null || !json.isObject()) {
            throw new PermanentFailure("awslogs.data is not a JSON object");
        }
        List<LogEvent> events = new ArrayList<>();
        for (JsonNode e : json.path("logEvents")) {
            events.add(new LogEvent(e.path("id").asText(""), e.path("timestamp").asLong(0), e.path("message").asText(null)));
        }
        return new Data(json.path("messageType").asText("DATA_MESSAGE"), json.path("logGroup").asText(""),
                json.path("logStream").asText(""), events);
    }

    /** The Lambda event for a decoded subscription document (tests, local mode, the sample in events/). */
    public static ObjectNode encode(JsonNode decoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(Json.write(decoded).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode event = Json.object();
        event.putObject("awslogs").put("data", Base64.getEncoder().encodeToString(bytes.toByteArray()));
        return event;
    }
}
