package io.nudge.functions.deliver;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.nudge.config.Tables;
import java.util.List;

/** Every 5 minutes: SENDING without attemptAt → READY; SENDING with an old attemptAt → UNKNOWN (never resent). */
public final class SweepHandler implements RequestHandler<ScheduledEvent, String> {
    public static final List<String> ENVIRONMENT = Tables.ENVIRONMENT;

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        throw new UnsupportedOperationException("not yet wired");
    }
}
