package io.nudge.stats;

import io.nudge.messages.MessageSource;
import io.nudge.model.Message;

/**
 * Whose counters a message's events go to: its campaign arm for campaign messages (their context carries
 * {@code campaign.id} and {@code campaign.arm}, see {@link MessageSource}), else its trigger.
 */
public final class StatsSubjects {
    private StatsSubjects() {}

    public static Subject of(Message message) {
        return MessageSource.campaignArm(message)
                .map(c -> Subject.campaignArm(c.campaignId(), c.arm()))
                .orElseGet(() -> Subject.trigger(message.triggerId()));
    }
}
