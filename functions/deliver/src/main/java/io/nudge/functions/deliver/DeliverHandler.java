package io.nudge.functions.deliver;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.nudge.deliver.DeliverService;
import io.nudge.lambda.StreamBatch;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.store.MessageStore;
import io.nudge.wiring.LambdaEnvironment;
import io.nudge.wiring.Priming;
import io.nudge.wiring.Services;
import java.util.List;
import java.util.Map;

/** Messages stream (READY) → guards, render, claim, send, record: from the image, without reading the message again. */
public final class DeliverHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    public static final List<String> ENVIRONMENT = LambdaEnvironment.DELIVER_ENVIRONMENT;

    private final DeliverService deliver;
    private final StreamBatch batch;

    public DeliverHandler() {
        this(Priming.register(LambdaEnvironment.services(System.getenv())), System.getenv());
    }

    private DeliverHandler(Services services, Map<String, String> env) {
        this(LambdaEnvironment.deliver(services, env), services.streamBatch("deliver"));
    }

    public DeliverHandler(DeliverService deliver, StreamBatch batch) {
        this.deliver = deliver;
        this.batch = batch;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        return deliver.inBatch(() -> batch.process(event, deliver::refreshDefinitions, image -> image.containsKey("id") ? image.get("id").s() : "", image -> {
            Message message = MessageStore.fromItem(image);
            // The event source filter passes READY only; a replayed or hand-fed record may be anything.
            if (message.status() == MessageStatus.READY) {
                deliver.deliver(message);
            }
        }));
    }
}
