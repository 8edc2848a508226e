package io.nudge.functions.campaign;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.nudge.campaigns.CampaignRunInvocation;
import io.nudge.campaigns.CampaignRunService;
import io.nudge.lambda.AsyncInvocation;
import io.nudge.store.DeadLetterStore;
import io.nudge.wiring.CampaignRunSettings;
import io.nudge.wiring.LambdaEnvironment;
import io.nudge.wiring.Priming;
import io.nudge.wiring.Services;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * run-campaign: invoked by the campaign's EventBridge schedule, by ingest-api's POST /v1/campaigns/{id}/run, and by
 * itself to continue a long run, all asynchronously (see {@link AsyncInvocation}): a transient failure throws and the
 * retry resumes from the run's checkpoints; a bad input is dead-lettered and answered {"deadLettered":true}.
 */
public final class RunCampaignHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    public static final List<String> ENVIRONMENT = LambdaEnvironment.RUN_CAMPAIGN_ENVIRONMENT;

    private final CampaignRunService runs;
    private final AsyncInvocation invocation;

    public RunCampaignHandler() {
        this(Priming.register(LambdaEnvironment.services(System.getenv())), System.getenv());
    }

    private RunCampaignHandler(Services services, Map<String, String> env) {
        this(services.campaignRun(LambdaEnvironment.campaignRunner(env), CampaignRunSettings.of(CampaignRunService.DEFAULT_SCAN_SEGMENTS)),
                services.deadLetters(), services.clock());
    }

    public RunCampaignHandler(CampaignRunService runs, DeadLetterStore deadLetters, Clock clock) {
        this.runs = runs;
        this.invocation = new AsyncInvocation("run-campaign", deadLetters, clock);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        LongSupplier remainingMillis = context == null ? () -> Long.MAX_VALUE : context::getRemainingTimeInMillis;
        var handled = invocation.one(AsyncInvocation.payloadOf(input), () -> {
            var request = CampaignRunInvocation.request(input);
            return CampaignRunInvocation.result(request, runs.run(request, remainingMillis));
        });
        return handled instanceof AsyncInvocation.Done<Map<String, Object>> done ? done.value() : Map.of("deadLettered", true);
    }
}
