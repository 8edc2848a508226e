package io.nudge.campaigns;

import java.util.Objects;

/**
 * Starts (or continues) a campaign run somewhere else and returns at once. On AWS: an asynchronous invocation of
 * run-campaign; locally: a background thread. A run reads its cursor from its checkpoints, so a request needs no cursor.
 */
public interface CampaignRunner {
    void start(Request request);

    record Request(String campaignId, String runId) {
        public Request {
            Objects.requireNonNull(campaignId, "campaignId");
            Objects.requireNonNull(runId, "runId");
        }
    }
}
