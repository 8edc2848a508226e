package io.nudge.messages;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.model.Message;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What sent a message: a trigger, a campaign (its context carries {@code campaign.id} and {@code campaign.arm}; a
 * campaign message's triggerId is the campaign's id too), or a journey's send step (its context carries
 * {@code journey.id}, {@code version}, {@code step} and {@code instanceId}; its triggerId is the journey's id). The one place that tells them apart: stats subjects, the
 * Messages table's bySource index and the API's view all ask here.
 */
public record MessageSource(Kind kind, String id) {
    public enum Kind { TRIGGER, CAMPAIGN, JOURNEY }

    public MessageSource {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    /** The campaign and arm (A, B, …, holdout) a campaign message was assigned to. */
    public record CampaignArm(String campaignId, String arm) {}

    public static MessageSource trigger(String id) {
        return new MessageSource(Kind.TRIGGER, id);
    }

    public static MessageSource campaign(String id) {
        return new MessageSource(Kind.CAMPAIGN, id);
    }

    public static MessageSource journey(String id) {
        return new MessageSource(Kind.JOURNEY, id);
    }

    public static MessageSource of(Message message) {
        Optional<JourneyStep> step = journeyStep(message);
        if (step.isPresent()) {
            return journey(step.get().journeyId());
        }
        return campaignArm(message).map(c -> campaign(c.campaignId())).orElseGet(() -> trigger(message.triggerId()));
    }

    /** The journey, its version, the step and the instance a journey's send step wrote this message for. */
    public record JourneyStep(String journeyId, int version, String stepId, String instanceId) {}

    /** Empty for trigger and campaign messages (a journey message's context carries journey.id, version, step, instanceId). */
    public static Optional<JourneyStep> journeyStep(Message message) {
        JsonNode journey = message.context() == null ? null : message.context().get("journey");
        if (journey != null && journey.path("id").isTextual() && journey.path("step").isTextual()) {
            return Optional.of(new JourneyStep(journey.get("id").textValue(), journey.path("version").asInt(),
                    journey.get("step").textValue(), journey.path("instanceId").asText()));
        }
        return Optional.empty();
    }

    /** Empty for a trigger's message, and for a campaign message whose context was erased. */
    public static Optional<CampaignArm> campaignArm(Message message) {
        JsonNode campaign = message.context() == null ? null : message.context().get("campaign");
        if (campaign != null && campaign.path("arm").isTextual() && campaign.path("id").isTextual()) {
            return Optional.of(new CampaignArm(campaign.get("id").textValue(), campaign.get("arm").textValue()));
        }
        return Optional.empty();
    }

    /** {@code trigger#<id>} or {@code campaign#<id>}: the bySource index's partition key. */
    public String key() {
        return kind.name().toLowerCase(Locale.ROOT) + "#" + id;
    }
}
