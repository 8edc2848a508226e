package io.nudge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLetterRetentionTest {
    @Test
    void defaults_to_30_days_and_reads_whole_days() {
        assertThat(DeadLetterRetention.fromEnvironment(Map.of())).isEqualTo(Duration.ofDays(30));
        assertThat(DeadLetterRetention.fromEnvironment(Map.of(DeadLetterRetention.ENV, " "))).isEqualTo(Duration.ofDays(30));
        assertThat(DeadLetterRetention.fromEnvironment(Map.of(DeadLetterRetention.ENV, "7"))).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void a_bad_value_fails_at_startup_naming_the_variable() {
        for (String bad : new String[] {"0", "-1", "30d", "1.5", "3651"}) {
            assertThatThrownBy(() -> DeadLetterRetention.fromEnvironment(Map.of(DeadLetterRetention.ENV, bad)))
                    .as(bad).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("NUDGE_DEAD_LETTER_RETENTION_DAYS").hasMessageContaining(bad);
        }
    }
}
