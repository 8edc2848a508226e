package io.nudge.functions.emit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.nudge.log.Log;
import io.nudge.outbound.EmitService;
import io.nudge.wiring.LambdaEnvironment;
import io.nudge.wiring.Priming;
import java.util.List;

/** Every minute: webhook events waiting for a retry, each queue from its head ({@link EmitService#retryDue}). */
public final class RetryEmitsHandler implements RequestHandler<ScheduledEvent, String> {
    public static final List<String> ENVIRONMENT = LambdaEnvironment.EMIT_EVENTS_ENVIRONMENT;
    private static final Log LOG = Log.of(RetryEmitsHandler.class);

    private final EmitService emit;

    public RetryEmitsHandler() {
        this(EmitEventsHandler.emitService(Priming.register(LambdaEnvironment.services(System.getenv())), System.getenv()));
    }

    public RetryEmitsHandler(EmitService emit) {
        this.emit = emit;
    }

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        int delivered = emit.inBatch(() -> emit.retryDue(EmitService.RUN_BUDGET));
        LOG.info("webhook retries done", "delivered", delivered);
        return "delivered=" + delivered;
    }
}
