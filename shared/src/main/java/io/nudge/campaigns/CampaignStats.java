package io.nudge.campaigns;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.stats.StatsStore;
import io.nudge.stats.Subject;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Per-arm counts of a campaign and each variant's conversion lift over the holdout. */
public final class CampaignStats {
    static final List<String> COUNTERS = List.of("assigned", "triggered", "sent", "delivered", "opened", "clicked", "converted",
            GoalConversions.COUNTER);

    private CampaignStats() {}

    /** Conversion rate p = converted / assigned (every assigned user, sent or not: intention to treat). */
    public record Lift(double variantRate, double holdoutRate, double absolute, double relative, double ciLow, double ciHigh,
            double z, boolean significant) {}

    /**
     * Two-proportion test of a variant (x₁ conversions of n₁ assigned) against the holdout (x₂ of n₂):
     * <pre>
     *   p₁ = x₁/n₁, p₂ = x₂/n₂, lift d = p₁ − p₂
     *   95% CI of d (unpooled, Wald):  d ± 1.96 · √( p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂ )
     *   z (pooled):  p = (x₁+x₂)/(n₁+n₂),  z = d / √( p(1−p)(1/n₁ + 1/n₂) );  significant at 95% when |z| > 1.96
     * </pre>
     * The relative lift is d / p₂ (NaN-free: 0 when the holdout has no conversions).
     */
    public static Lift lift(long x1, long n1, long x2, long n2) {
        double p1 = n1 == 0 ? 0 : (double) x1 / n1;
        double p2 = n2 == 0 ? 0 : (double) x2 / n2;
        double d = p1 - p2;
        double se = n1 == 0 || n2 == 0 ? 0 : Math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2);
        double pooled = n1 + n2 == 0 ? 0 : (double) (x1 + x2) / (n1 + n2);
        double sePooled = n1 == 0 || n2 == 0 ? 0 : Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        double z = sePooled == 0 ? 0 : d / sePooled;
        return new Lift(p1, p2, d, p2 == 0 ? 0 : d / p2, d - 1.96 * se, d + 1.96 * se, z, Math.abs(z) > 1.96);
    }

    public static ObjectNode report(CampaignDefinition campaign, StatsStore stats, LocalDate from, LocalDate to) {
        Map<String, Map<String, Long>> byArm = new HashMap<>();
        for (String arm : campaign.arms()) {
            Map<String, Long> totals = new HashMap<>();
            for (StatsStore.DayCounts day : stats.read(Subject.campaignArm(campaign.id(), arm), from, to)) {
                day.counts().forEach((k, v) -> totals.merge(k, v, Long::sum));
            }
            byArm.put(arm, totals);
        }
        ObjectNode json = Json.object();
        json.put("campaignId", campaign.id());
        json.put("from", from == null ? null : from.toString());
        json.put("to", to == null ? null : to.toString());
        ObjectNode arms = json.putObject("arms");
        for (String arm : campaign.arms()) {
            Map<String, Long> c = byArm.get(arm);
            ObjectNode a = arms.putObject(arm);
            COUNTERS.forEach(k -> a.put(k, c.getOrDefault(k, 0L)));
            ObjectNode suppressed = a.putObject("suppressed");
            c.forEach((k, v) -> {
                if (k.startsWith("suppressed.")) {
                    suppressed.put(k.substring("suppressed.".length()), v);
                }
            });
            long assigned = c.getOrDefault("assigned", 0L);
            a.put("conversionRate", ratio(c.getOrDefault(GoalConversions.COUNTER, 0L), assigned));
        }
        Map<String, Long> holdout = byArm.get(CampaignDefinition.HOLDOUT);
        ObjectNode lifts = json.putObject("lift");
        for (CampaignDefinition.Variant v : campaign.variants()) {
            Map<String, Long> c = byArm.get(v.id());
            Lift lift = lift(c.getOrDefault(GoalConversions.COUNTER, 0L), c.getOrDefault("assigned", 0L),
                    holdout.getOrDefault(GoalConversions.COUNTER, 0L), holdout.getOrDefault("assigned", 0L));
            ObjectNode l = lifts.putObject(v.id());
            l.put("variantRate", round(lift.variantRate()));
            l.put("holdoutRate", round(lift.holdoutRate()));
            l.put("absoluteLift", round(lift.absolute()));
            l.put("relativeLift", round(lift.relative()));
            l.putArray("ci95").add(round(lift.ciLow())).add(round(lift.ciHigh()));
            l.put("z", round(lift.z()));
            l.put("significant", lift.significant());
        }
        json.put("method", "conversion = users with the goal event within the goal window after the run (goal_converted) / assigned users, per arm; lift = variant − holdout, 95% CI "
                + "d ± 1.96·√(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂), pooled two-proportion z test");
        return json;
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0.0 : round((double) part / whole);
    }

    private static double round(double v) {
        return Math.round(v * 1_000_000.0) / 1_000_000.0;
    }
}
