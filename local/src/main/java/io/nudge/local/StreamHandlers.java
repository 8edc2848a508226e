package io.nudge.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.nudge.json.Json;
import io.nudge.lambda.StreamEventJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Lets the stream poller drive a stream handler that reads raw JSON, the way Lambda hands it the batch. */
final class StreamHandlers {
    private StreamHandlers() {}

    static RequestHandler<DynamodbEvent, StreamsEventResponse> fromStreamHandler(RequestStreamHandler handler) {
        return (event, context) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                handler.handleRequest(new ByteArrayInputStream(StreamEventJson.toJson(event).getBytes(StandardCharsets.UTF_8)), out, context);
                return StreamEventJson.readResponse(Json.MAPPER.readTree(out.toByteArray()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** Invokes a stream handler with a Scheduler input, as Lambda does for an EventBridge Scheduler target. */
    static void invoke(RequestStreamHandler handler, String input) {
        try {
            handler.handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
