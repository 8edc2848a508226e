package io.nudge.privacy;

import java.util.Map;

/**
 * The State-table records that hold no personal data, so no {@link PersonalRecords} owner erases them: each key prefix
 * (the text before the first {@code #}) with the reason. Every prefix written to the State table is either here or
 * declared by an owner that {@link PersonalData} is given; {@code StateRecordsTest} checks it.
 */
public final class WithoutPersonalData {
    private WithoutPersonalData() {}

    public static final Map<String, String> STATE_PREFIXES = Map.of(
            "rate", "RateLimits: sends per channel per second or day, no user",
            "keyrate", "SharedRateLimiter: API requests per key per window, no user",
            "feedback", "FeedbackLedger: keyed by a hash of the notification (no address), holds its state and outcome",
            "optin", "FeedbackService: keyed by the inbound SMS id, holds when and whether AWS refused the opt-in, no number",
            "conversion", "EvaluateService: keyed by the message id, holds the converting event's id; the conversion count stays",
            "journey-conversion", "JourneyEngine: keyed by the journey instance id, holds the converting event's id; expires"
                    + " a day after the goal window",
            "campaignrun", "CampaignRunService: a run's checkpoint (a user id as the scan's last key only while the run is"
                    + " in progress; 120 days' TTL)",
            "local", "LocalCampaigns (local runner only): the queue of campaign runs, campaign and run ids");
}
