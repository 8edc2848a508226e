package io.nudge.functions.emit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.nudge.aws.AwsClients;
import io.nudge.channel.webhook.HttpWebhookSender;
import io.nudge.lambda.StreamBatch;
import io.nudge.outbound.EmitService;
import io.nudge.outbound.EventBus;
import io.nudge.outbound.EventPoster;
import io.nudge.outbound.OutboundStore;
import io.nudge.outbound.aws.EventBridgeBus;
import io.nudge.wiring.LambdaEnvironment;
import io.nudge.wiring.Priming;
import io.nudge.wiring.Services;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Outbound stream (INSERT) → each event to the webhook subscriptions that want it, and to the bus; a user's events in order. */
public final class EmitEventsHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    public static final List<String> ENVIRONMENT = LambdaEnvironment.EMIT_EVENTS_ENVIRONMENT;

    private final EmitService emit;
    private final StreamBatch batch;

    public EmitEventsHandler() {
        this(Priming.register(LambdaEnvironment.services(System.getenv())), System.getenv());
    }

    private EmitEventsHandler(Services services, Map<String, String> env) {
        this(emitService(services, env), services.streamBatch("emit-events"));
    }

    public EmitEventsHandler(EmitService emit, StreamBatch batch) {
        this.emit = emit;
        this.batch = batch;
    }

    /** The webhook channel's sender, and the bus {@code NUDGE_EVENT_BUS} names. */
    static EmitService emitService(Services services, Map<String, String> env) {
        Optional<EventBus> bus = LambdaEnvironment.eventBus(env).map(name -> new EventBridgeBus(AwsClients.eventBridge(env), name));
        return services.emit(EventPoster.over(new HttpWebhookSender(services.webhookDestinations(), services.clock())), bus);
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        // one user's events in stream order; users side by side
        Optional<java.time.Duration> remaining = context == null ? Optional.empty()
                : Optional.of(java.time.Duration.ofMillis(context.getRemainingTimeInMillis()));
        return emit.inBatch(remaining, () -> batch.process(event, () -> { }, image -> image.containsKey("userId") ? image.get("userId").s() : "",
                image -> emit.emit(OutboundStore.fromItem(image))));
    }
}
