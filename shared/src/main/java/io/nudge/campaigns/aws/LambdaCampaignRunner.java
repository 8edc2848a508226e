package io.nudge.campaigns.aws;

import io.nudge.campaigns.CampaignRunner;
import io.nudge.json.Json;
import java.util.Objects;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;

/**
 * Starts run-campaign with an asynchronous invocation (InvocationType=Event): Lambda queues it, retries it twice on
 * failure, and this call returns once it is queued. The function name is the only function the caller may invoke.
 */
public final class LambdaCampaignRunner implements CampaignRunner {
    private final LambdaClient lambda;
    private final String functionName;

    public LambdaCampaignRunner(LambdaClient lambda, String functionName) {
        this.lambda = Objects.requireNonNull(lambda, "lambda");
        this.functionName = Objects.requireNonNull(functionName, "functionName");
    }

    @Override
    public void start(Request request) {
        String payload = Json.write(Json.object().put("campaignId", request.campaignId()).put("runId", request.runId()));
        lambda.invoke(InvokeRequest.builder().functionName(functionName).invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String(payload)).build());
    }
}
