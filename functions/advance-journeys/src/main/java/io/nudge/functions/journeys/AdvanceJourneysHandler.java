package io.nudge.functions.journeys;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.nudge.journey.JourneyCatalog;
import io.nudge.journey.JourneyStream;
import io.nudge.lambda.StreamBatch;
import io.nudge.wiring.LambdaEnvironment;
import io.nudge.wiring.Priming;
import io.nudge.wiring.Services;
import java.util.List;
import java.util.Map;

/**
 * JourneyInstances stream → instances run (send, branch, split, update_user, exit) until they wait or end; a waiting
 * instance's time slot gets its schedule (docs/journeys.md).
 */
public final class AdvanceJourneysHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    public static final List<String> ENVIRONMENT = LambdaEnvironment.SCHEDULE_SENDS_ENVIRONMENT;

    private final JourneyStream journeys;
    private final Runnable refresh;
    private final StreamBatch batch;

    public AdvanceJourneysHandler() {
        this(Priming.register(LambdaEnvironment.services(System.getenv())), System.getenv());
    }

    private AdvanceJourneysHandler(Services services, Map<String, String> env) {
        this(services, new JourneyCatalog(services.definitions()), env);
    }

    private AdvanceJourneysHandler(Services services, JourneyCatalog catalog, Map<String, String> env) {
        this(services.journeyStream(catalog, LambdaEnvironment.scheduler(env)), catalog::refresh, services.streamBatch("advance-journeys"));
    }

    public AdvanceJourneysHandler(JourneyStream journeys, Runnable refresh, StreamBatch batch) {
        this.journeys = journeys;
        this.refresh = refresh;
        this.batch = batch;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        // one instance's images stay in order; instances run side by side
        return batch.process(event, refresh, image -> image.containsKey("id") ? image.get("id").s() : "", journeys::handle);
    }
}
