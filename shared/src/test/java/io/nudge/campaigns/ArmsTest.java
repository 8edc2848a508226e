package io.nudge.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArmsTest {
    private static final List<CampaignDefinition.Variant> AB = List.of(
            new CampaignDefinition.Variant("A", "digest_a", 50), new CampaignDefinition.Variant("B", "digest_b", 50));

    @Test
    void assignment_is_stable_across_runs() {
        for (int i = 0; i < 1_000; i++) {
            String user = "user-" + i;
            assertThat(Arms.assign("weekly_digest", user, 10, AB)).isEqualTo(Arms.assign("weekly_digest", user, 10, AB));
        }
    }

    @Test
    void split_of_10000_users_is_within_3_points_of_the_weights() {
        List<CampaignDefinition.Variant> uneven = List.of(new CampaignDefinition.Variant("A", "a", 70),
                new CampaignDefinition.Variant("B", "b", 20), new CampaignDefinition.Variant("C", "c", 10));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            counts.merge(Arms.assign("promo", "u" + i, 10, uneven), 1, Integer::sum);
        }
        // holdout 10%; the other 90% split 70/20/10 → 63%, 18%, 9%
        assertThat(counts.get("holdout") / 100.0).isCloseTo(10.0, within(3.0));
        assertThat(counts.get("A") / 100.0).isCloseTo(63.0, within(3.0));
        assertThat(counts.get("B") / 100.0).isCloseTo(18.0, within(3.0));
        assertThat(counts.get("C") / 100.0).isCloseTo(9.0, within(3.0));
    }

    @Test
    void a_different_campaign_shuffles_users_differently() {
        int same = 0;
        for (int i = 0; i < 1_000; i++) {
            if (Arms.assign("one", "u" + i, 0, AB).equals(Arms.assign("two", "u" + i, 0, AB))) {
                same++;
            }
        }
        assertThat(same).isBetween(400, 600);
    }

    @Test
    void no_holdout_means_nobody_is_held_out() {
        for (int i = 0; i < 2_000; i++) {
            assertThat(Arms.assign("c", "u" + i, 0, AB)).isNotEqualTo(CampaignDefinition.HOLDOUT);
        }
    }

    @Test
    void lift_interval_matches_the_two_proportion_formula() {
        // variant 120/1000, holdout 80/1000: d = 0.04, se = sqrt(.12*.88/1000 + .08*.92/1000) = 0.0133866
        CampaignStats.Lift lift = CampaignStats.lift(120, 1000, 80, 1000);
        assertThat(lift.absolute()).isCloseTo(0.04, within(1e-9));
        assertThat(lift.ciLow()).isCloseTo(0.04 - 1.96 * 0.0133866, within(1e-5));
        assertThat(lift.ciHigh()).isCloseTo(0.04 + 1.96 * 0.0133866, within(1e-5));
        assertThat(lift.relative()).isCloseTo(0.5, within(1e-9));
        assertThat(lift.significant()).isTrue();
        assertThat(CampaignStats.lift(10, 100, 9, 100).significant()).isFalse();
    }
}
