package io.nudge.functions.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.nudge.api.NudgeApi;
import io.nudge.lambda.HttpApiEvents;
import io.nudge.wiring.LambdaEnvironment;
import io.nudge.wiring.Priming;
import java.util.List;

/** The HTTP API's single $default route: authenticates, routes and answers every request. */
public final class IngestApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    /** Every environment variable this function reads (checked against template.yaml). */
    public static final List<String> ENVIRONMENT = LambdaEnvironment.INGEST_API_ENVIRONMENT;

    private final NudgeApi api;

    public IngestApiHandler() {
        this(LambdaEnvironment.api(Priming.register(LambdaEnvironment.services(System.getenv())), System.getenv()));
    }

    public IngestApiHandler(NudgeApi api) {
        this.api = api;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpApiEvents.toResponse(api.handle(HttpApiEvents.toRequest(event)));
    }
}
