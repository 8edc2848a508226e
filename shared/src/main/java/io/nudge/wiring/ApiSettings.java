package io.nudge.wiring;

import io.nudge.campaigns.CampaignRunner;
import io.nudge.channel.PushEndpoints;
import io.nudge.scheduling.Scheduler;
import java.util.Objects;
import java.util.Optional;

/**
 * What the HTTP API is wired with beyond the stores.
 *
 * @param pushEndpoints registers the tokens of {@code PUT /v1/users/{id}} (SNS on AWS, local ids locally)
 * @param campaigns when present, saving a campaign keeps its schedule and running one goes through the runner
 */
public record ApiSettings(PushEndpoints pushEndpoints, Optional<Campaigns> campaigns) {
    public record Campaigns(Scheduler scheduler, CampaignRunner runner) {
        public Campaigns {
            Objects.requireNonNull(scheduler, "scheduler");
            Objects.requireNonNull(runner, "runner");
        }
    }

    public ApiSettings {
        Objects.requireNonNull(pushEndpoints, "pushEndpoints");
        Objects.requireNonNull(campaigns, "campaigns");
    }

    /** Without push (a profile naming push tokens is refused as {@code push_not_configured}) and without campaign runs. */
    public static ApiSettings defaults() {
        return new ApiSettings(PushEndpoints.notConfigured(), Optional.empty());
    }

    public ApiSettings withPush(PushEndpoints endpoints) {
        return new ApiSettings(endpoints, campaigns);
    }

    public ApiSettings withCampaigns(Scheduler scheduler, CampaignRunner runner) {
        return new ApiSettings(pushEndpoints, Optional.of(new Campaigns(scheduler, runner)));
    }
}
