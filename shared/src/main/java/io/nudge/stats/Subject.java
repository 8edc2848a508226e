package io.nudge.stats;

import java.util.Objects;

/** What counters belong to: a trigger or a campaign. */
public record Subject(Kind kind, String id) {
    public enum Kind { TRIGGER, CAMPAIGN }

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

    String key() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + "#" + id;
    }
}
