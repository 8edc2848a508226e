package io.nudge.stats;

import io.nudge.messages.MessageSource;
import io.nudge.model.Message;

/**
 * Whose counters a message's events go to: its campaign arm for campaign messages (their context carries
 * {@code campaign.id} and {@code campaign.arm}, see {@link MessageSource}), its journey step, else its trigger.
 */
public final class StatsSubjects {
    private StatsSubjects() {}

    public static Subject of(Message message) {
        var step = MessageSource.journeyStep(message);
        if (step.isPresent()) {
            return Subject.journeyStep(step.get().journeyId(), step.get().stepId());
        }
        return MessageSource.campaignArm(message)
                .map(c -> Subject.campaignArm(c.campaignId(), c.arm()))
                .orElseGet(() -> Subject.trigger(message.triggerId()));
    }
}
