package io.nudge.functions.evaluate;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.nudge.evaluate.EvaluateService;
import io.nudge.lambda.StreamBatch;
import io.nudge.store.EventStore;
import io.nudge.wiring.LambdaEnvironment;
import io.nudge.wiring.Priming;
import io.nudge.wiring.Services;
import java.util.List;

/** Events stream → matching triggers → READY messages. */
public final class EvaluateTriggersHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    public static final List<String> ENVIRONMENT = LambdaEnvironment.COMMON_ENVIRONMENT;

    private final EvaluateService evaluate;
    private final StreamBatch batch;

    public EvaluateTriggersHandler() {
        this(Priming.register(LambdaEnvironment.services(System.getenv())));
    }

    public EvaluateTriggersHandler(Services services) {
        this(services.evaluate(), services.streamBatch("evaluate-triggers"));
    }

    public EvaluateTriggersHandler(EvaluateService evaluate, StreamBatch batch) {
        this.evaluate = evaluate;
        this.batch = batch;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        // One user's events stay in order (a purchase must follow the cart it cancels); users run side by side.
        return evaluate.inBatch(() -> batch.process(event, evaluate::refreshDefinitions, image -> image.containsKey("userId") ? image.get("userId").s() : "",
                image -> evaluate.evaluate(EventStore.fromItem(image))));
    }
}
