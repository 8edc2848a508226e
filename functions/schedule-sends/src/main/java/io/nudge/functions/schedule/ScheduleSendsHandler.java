package io.nudge.functions.schedule;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;
import io.nudge.lambda.AsyncInvocation;
import io.nudge.lambda.StreamBatch;
import io.nudge.lambda.StreamEventJson;
import io.nudge.scheduling.SlotService;
import io.nudge.store.DeadLetterStore;
import io.nudge.wiring.LambdaEnvironment;
import io.nudge.wiring.Priming;
import io.nudge.wiring.Services;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Two inputs, one function: the Messages stream (SCHEDULED records: make sure their slot has a schedule; see
 * {@link StreamBatch}) and EventBridge Scheduler firing a slot ({"slot":"2026-11-24T09:01:00Z"}: release the slot's
 * messages; see {@link AsyncInvocation}). Anything else is dead-lettered and answered {"deadLettered":true}.
 */
public final class ScheduleSendsHandler implements RequestStreamHandler {
    public static final List<String> ENVIRONMENT = LambdaEnvironment.SCHEDULE_SENDS_ENVIRONMENT;

    private final SlotService slots;
    private final StreamBatch batch;
    private final AsyncInvocation invocation;

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
        this.invocation = new AsyncInvocation("schedule-sends", deadLetters, clock);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        var handled = invocation.json(new String(input.readAllBytes(), StandardCharsets.UTF_8), this::handle);
        String answer = handled instanceof AsyncInvocation.Done<String> done ? done.value() : "{\"deadLettered\":true}";
        output.write(answer.getBytes(StandardCharsets.UTF_8));
    }

    private String handle(JsonNode json) {
        if (StreamEventJson.isStreamEvent(json)) {
            return StreamEventJson.write(batch.process(StreamEventJson.parse(json), () -> { },
                    image -> image.containsKey("id") ? image.get("id").s() : "", slots::ensureScheduledFromImage));
        }
        var fired = slots.fire(SlotService.slotOf(json));
        return Json.write(Json.object().put("slots", fired.slots()).put("released", fired.released()));
    }
}
