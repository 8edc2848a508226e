package io.nudge.functions.schedule;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.nudge.wiring.LambdaEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Two inputs, one function: the Messages stream (SCHEDULED records: make sure their slot has a schedule) and
 * EventBridge Scheduler firing a slot ({"slot":"2026-11-24T09:01:00Z"}: release the slot's messages).
 */
public final class ScheduleSendsHandler implements RequestStreamHandler {
    public static final List<String> ENVIRONMENT = LambdaEnvironment.SCHEDULE_SENDS_ENVIRONMENT;

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        throw new UnsupportedOperationException("being built");
    }
}
