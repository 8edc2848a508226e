package io.nudge.local;

import com.fasterxml.jackson.core.type.TypeReference;
import io.nudge.campaigns.BackgroundCampaignRunner;
import io.nudge.campaigns.CampaignRunService;
import io.nudge.campaigns.CampaignRunner;
import io.nudge.functions.campaign.RunCampaignHandler;
import io.nudge.json.Json;
import io.nudge.wiring.CampaignRunSettings;
import io.nudge.wiring.Services;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import io.nudge.log.Log;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Campaigns in the local runner: run-campaign's handler, invoked "asynchronously" on a background thread (by the
 * API's run route, by campaign schedules, and by a run continuing itself), as Lambda's Event invocations would.
 *
 * <p>Lambda retries an asynchronous invocation whose function crashed; here a started run is recorded in the State
 * table until it completes, and {@link #resumePending()} starts the recorded ones again after a restart (the run
 * service resumes from its checkpoints and writes each message conditionally, so nothing is sent twice).
 */
final class LocalCampaigns implements AutoCloseable {
    private static final Log LOG = Log.of(LocalCampaigns.class);
    private static final String PENDING_KEY = "local#campaign-runs";

    private final ExecutorService executor;
    private final BackgroundCampaignRunner background;
    private final CampaignRunner runner;
    private final RunCampaignHandler handler;
    private final DynamoDbClient dynamo;
    private final String stateTable;

    LocalCampaigns(Services services, Clock clock, int scanSegments, int putConcurrency) {
        this(services, clock, scanSegments, putConcurrency, false);
    }

    /** @param replay start every run twice, as an asynchronous invocation may be delivered twice */
    LocalCampaigns(Services services, Clock clock, int scanSegments, int putConcurrency, boolean replay) {
        this.executor = Executors.newFixedThreadPool(2, r -> Thread.ofPlatform().daemon().name("run-campaign").unstarted(r));
        this.background = new BackgroundCampaignRunner(executor);
        this.dynamo = services.dynamo();
        this.stateTable = services.tables().state();
        this.runner = request -> {
            remember(request);
            background.start(request);
            if (replay) {
                background.start(request);
            }
        };
        CampaignRunService runs = services.campaignRun(runner, CampaignRunSettings.of(scanSegments).putConcurrency(putConcurrency));
        this.handler = new RunCampaignHandler(runs, services.deadLetters(), clock);
        background.target(request -> {
            Map<String, Object> result = handler.handleRequest(Map.of("campaignId", request.campaignId(), "runId", request.runId()), null);
            // "continued": the continuation (same request) is queued and still remembered
            if (!"continued".equals(result.get("status"))) {
                forget(request);
            }
        });
    }

    /** Starts again every run a previous process started and did not finish. */
    int resumePending() {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(stateTable)
                .key(Map.of("pk", AttributeValue.fromS(PENDING_KEY))).consistentRead(true).build()).item();
        if (item == null || !item.containsKey("runs")) {
            return 0;
        }
        for (String run : item.get("runs").ss()) {
            int slash = run.indexOf('/');
            CampaignRunner.Request request = new CampaignRunner.Request(run.substring(0, slash), run.substring(slash + 1));
            LOG.info("resuming a campaign run", "campaign", request.campaignId(), "runId", request.runId());
            background.start(request);
        }
        return item.get("runs").ss().size();
    }

    private void remember(CampaignRunner.Request request) {
        dynamo.updateItem(UpdateItemRequest.builder().tableName(stateTable).key(Map.of("pk", AttributeValue.fromS(PENDING_KEY)))
                .updateExpression("ADD runs :r").expressionAttributeValues(Map.of(":r", AttributeValue.fromSs(List.of(key(request)))))
                .build());
    }

    private void forget(CampaignRunner.Request request) {
        dynamo.updateItem(UpdateItemRequest.builder().tableName(stateTable).key(Map.of("pk", AttributeValue.fromS(PENDING_KEY)))
                .updateExpression("DELETE runs :r").expressionAttributeValues(Map.of(":r", AttributeValue.fromSs(List.of(key(request)))))
                .build());
    }

    /** Campaign ids have no '/'. */
    private static String key(CampaignRunner.Request request) {
        return request.campaignId() + "/" + request.runId();
    }

    CampaignRunner runner() {
        return runner;
    }

    RunCampaignHandler handler() {
        return handler;
    }

    /** The Scheduler target: the schedule's input, as EventBridge would hand it to run-campaign. */
    Consumer<String> scheduleTarget() {
        return input -> {
            try {
                Map<String, Object> event = Json.MAPPER.readValue(input, new TypeReference<Map<String, Object>>() { });
                runner.start(new CampaignRunner.Request(String.valueOf(event.get("campaignId")), String.valueOf(event.get("runId"))));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("campaign schedule input is not JSON", e);
            }
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
