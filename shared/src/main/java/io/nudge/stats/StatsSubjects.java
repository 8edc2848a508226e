package io.nudge.stats;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.model.Message;

/**
 * Whose counters a message's events go to: its campaign arm for campaign messages (their context carries
 * {@code campaign.id} and {@code campaign.arm}), else its trigger.
 */
public final class StatsSubjects {
    private StatsSubjects() {}

    public static Subject of(Message message) {
        JsonNode campaign = message.context() == null ? null : message.context().get("campaign");
        if (campaign != null && campaign.path("arm").isTextual() && campaign.path("id").isTextual()) {
            return Subject.campaignArm(campaign.get("id").textValue(), campaign.get("arm").textValue());
        }
        return Subject.trigger(message.triggerId());
    }
}
