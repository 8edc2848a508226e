package io.nudge.functions.deliver;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.util.List;

/** Messages stream (READY) → claim, render, send, record. */
public final class DeliverHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    public static final List<String> ENVIRONMENT = List.of();

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        throw new UnsupportedOperationException("not yet wired");
    }
}
