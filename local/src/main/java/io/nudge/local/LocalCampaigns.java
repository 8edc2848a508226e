package io.nudge.local;

import com.fasterxml.jackson.core.type.TypeReference;
import io.nudge.campaigns.BackgroundCampaignRunner;
import io.nudge.campaigns.CampaignRunService;
import io.nudge.campaigns.CampaignRunner;
import io.nudge.functions.campaign.RunCampaignHandler;
import io.nudge.json.Json;
import io.nudge.wiring.Services;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Campaigns in the local runner: run-campaign's handler, invoked "asynchronously" on a background thread (by the
 * API's run route, by campaign schedules, and by a run continuing itself), as Lambda's Event invocations would.
 */
final class LocalCampaigns implements AutoCloseable {
    private final ExecutorService executor;
    private final BackgroundCampaignRunner runner;
    private final RunCampaignHandler handler;

    LocalCampaigns(Services services, Clock clock, int scanSegments, int putConcurrency) {
        this.executor = Executors.newFixedThreadPool(2, r -> Thread.ofPlatform().daemon().name("run-campaign").unstarted(r));
        this.runner = new BackgroundCampaignRunner(executor);
        CampaignRunService runs = services.campaignRun(runner, scanSegments, putConcurrency);
        this.handler = new RunCampaignHandler(runs, services.deadLetters(), clock);
        runner.target(request -> handler.handleRequest(Map.of("campaignId", request.campaignId(), "runId", request.runId()), null));
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
