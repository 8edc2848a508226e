package io.nudge.functions.schedule;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;
import io.nudge.lambda.StreamBatch;
import io.nudge.lambda.StreamEventJson;
import io.nudge.log.Log;
import io.nudge.model.MessageStatus;
import io.nudge.scheduling.SlotReleaser;
import io.nudge.scheduling.SlotService;
import io.nudge.store.DeadLetterStore;
import java.time.Clock;
import io.nudge.store.MessageStore;
import io.nudge.wiring.LambdaEnvironment;
import io.nudge.wiring.Priming;
import io.nudge.wiring.Services;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * Two inputs, one function: the Messages stream (SCHEDULED records: make sure their slot has a schedule) and
 * EventBridge Scheduler firing a slot ({"slot":"2026-11-24T09:01:00Z"}: release the slot's messages).
 */
public final class ScheduleSendsHandler implements RequestStreamHandler {
    public static final List<String> ENVIRONMENT = LambdaEnvironment.SCHEDULE_SENDS_ENVIRONMENT;
    private static final Log LOG = Log.of(ScheduleSendsHandler.class);

    private final SlotService slots;
    private final StreamBatch batch;
    private final DeadLetterStore deadLetters;
    private final Clock clock;

    public ScheduleSendsHandler() {
        this(Priming.register(LambdaEnvironment.services(System.getenv())), System.getenv());
    }

    private ScheduleSendsHandler(Services services, Map<String, String> env) {
        this(services.slots(LambdaEnvironment.scheduler(env)), services.streamBatch("schedule-sends"),
                services.deadLetters(), services.clock());
    }

    public ScheduleSendsHandler(SlotService slots, StreamBatch batch, DeadLetterStore deadLetters, Clock clock) {
        this.slots = slots;
        this.batch = batch;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String raw = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        JsonNode json;
        try {
            json = Json.parse(raw);
        } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
            // Permanent: Lambda would retry a throw with the same bytes. Kept whole, keyed by its hash.
            deadLetters.put("schedule-sends", io.nudge.ids.Ids.sha256Hex(raw), "the invocation payload is not JSON", raw, clock.instant());
            LOG.warn("dead-lettered an invocation that is not JSON");
            output.write("{\"deadLettered\":true}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (json != null && StreamEventJson.isStreamEvent(json)) {
            StreamsEventResponse response = batch.process(StreamEventJson.parse(json), () -> { },
                    image -> image.containsKey("id") ? image.get("id").s() : "", image -> {
                var message = MessageStore.fromItem(image);
                // The event source filter passes SCHEDULED only; a replayed or hand-fed record may be anything.
                if (message.status() == MessageStatus.SCHEDULED) {
                    slots.ensureScheduled(message);
                }
            });
            output.write(StreamEventJson.write(response).getBytes(StandardCharsets.UTF_8));
            return;
        }
        Instant slot = slotOf(json);
        if (slot == null) {
            // Permanent (invariant 6): kept whole in the dead-letter table; throwing would only make Lambda retry it.
            String payload = json == null ? "" : Json.write(json);
            deadLetters.put("schedule-sends", Integer.toHexString(payload.hashCode()), "neither a stream batch nor a slot", payload, clock.instant());
            LOG.warn("dead-lettered an invocation that is neither a stream batch nor a slot");
            output.write("{\"deadLettered\":true}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        SlotReleaser.Fired fired = slots.fire(slot);
        output.write(Json.write(Json.object().put("slots", fired.slots()).put("released", fired.released()))
                .getBytes(StandardCharsets.UTF_8));
    }

    private static Instant slotOf(JsonNode json) {
        if (json == null || !json.path("slot").isTextual()) {
            return null;
        }
        try {
            return Instant.parse(json.get("slot").textValue());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
