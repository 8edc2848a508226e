package io.nudge.functions.evaluate;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.nudge.config.Tables;
import java.util.List;

/** Events stream → matching triggers → READY messages. */
public final class EvaluateTriggersHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    public static final List<String> ENVIRONMENT = Tables.ENVIRONMENT;

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        throw new UnsupportedOperationException("not yet wired");
    }
}
