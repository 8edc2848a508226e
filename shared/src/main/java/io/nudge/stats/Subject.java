package io.nudge.stats;

import java.util.Objects;

/** What counters belong to: a trigger, a campaign arm, a journey's send step or a topic. */
public record Subject(Kind kind, String id) {
    public enum Kind { TRIGGER, CAMPAIGN, JOURNEY, TOPIC }

    public Subject {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    public static Subject trigger(String id) {
        return new Subject(Kind.TRIGGER, id);
    }

    /** A campaign arm's counters: "<campaign id>#<arm>" (A, B, …, holdout). */
    public static Subject campaignArm(String campaignId, String arm) {
        return new Subject(Kind.CAMPAIGN, campaignId + "#" + arm);
    }

    /** A journey send step's message counters: "<journey id>#<step id>". */
    public static Subject journeyStep(String journeyId, String stepId) {
        return new Subject(Kind.JOURNEY, journeyId + "#" + stepId);
    }

    /** A topic's counters: people's choices (by source), and its messages sent and complained about. */
    public static Subject topic(String topicId) {
        return new Subject(Kind.TOPIC, topicId);
    }

    String key() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + "#" + id;
    }
}
