package io.nudge.functions.deliver;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.nudge.deliver.Sweep;
import io.nudge.log.Log;
import io.nudge.wiring.LambdaEnvironment;
import io.nudge.wiring.Priming;
import io.nudge.wiring.SweepSettings;
import java.time.Duration;
import java.util.List;

/** Every 5 minutes: SENDING without attemptAt → READY; SENDING with an old attemptAt → UNKNOWN (never resent); old READY re-driven. */
public final class SweepHandler implements RequestHandler<ScheduledEvent, String> {
    public static final List<String> ENVIRONMENT = LambdaEnvironment.COMMON_ENVIRONMENT;
    /** Longer than deliver's timeout, so a delivery still running is never swept. */
    static final Duration GRACE = Duration.ofMinutes(5);
    private static final Log LOG = Log.of(SweepHandler.class);

    private final Sweep sweep;

    public SweepHandler() {
        this(Priming.register(LambdaEnvironment.services(System.getenv())).sweep(SweepSettings.of(GRACE)));
    }

    public SweepHandler(Sweep sweep) {
        this.sweep = sweep;
    }

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        Sweep.Result result = sweep.run();
        LOG.info("sweep done", "unknown", result.unknown(), "redriven", result.redriven(),
                "slotsReleased", result.slotsReleased());
        return "unknown=" + result.unknown() + " redriven=" + result.redriven()
                + " slotsReleased=" + result.slotsReleased();
    }
}
