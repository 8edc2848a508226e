package io.nudge.messages;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.model.Message;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What sent a message: a trigger, or a campaign (its context carries {@code campaign.id} and {@code campaign.arm}; a
 * campaign message's triggerId is the campaign's id too). The one place that tells them apart: stats subjects, the
 * Messages table's bySource index and the API's view all ask here.
 */
public record MessageSource(Kind kind, String id) {
    public enum Kind { TRIGGER, CAMPAIGN }

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

    public static MessageSource of(Message message) {
        return campaignArm(message).map(c -> campaign(c.campaignId())).orElseGet(() -> trigger(message.triggerId()));
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
