package io.nudge.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.testing.TestDynamo;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServicesTest {
    final Services.Builder builder = Services.builder(TestDynamo.client(), TestDynamo.freshTables());

    @Test
    void build_without_a_clock_names_the_clock() {
        assertThatThrownBy(builder::build).hasMessage("Services: clock is not set");
    }

    @Test
    void build_names_a_slot_width_out_of_range() {
        builder.clock(Clock.systemUTC());

        assertThatThrownBy(() -> builder.slotWidth(Duration.ofMillis(500)).build()).hasMessageContaining("slotWidth");
        assertThatThrownBy(() -> builder.slotWidth(Duration.ZERO).build()).hasMessageContaining("slotWidth");
        assertThatThrownBy(() -> builder.slotWidth(Duration.ofHours(2)).build()).hasMessageContaining("slotWidth");
    }

    @Test
    void build_names_a_dead_letter_retention_that_is_not_positive() {
        builder.clock(Clock.systemUTC()).deadLetterRetention(Duration.ofDays(-1));

        assertThatThrownBy(builder::build).hasMessageContaining("deadLetterRetention");
    }

    @Test
    void defaults_are_aws_slots_and_the_default_dead_letter_retention() {
        Services services = builder.clock(Clock.systemUTC()).build();

        assertThat(services.messages().slotWidth()).isEqualTo(Duration.ofSeconds(60));
        assertThat(services.unsubscribe()).isNotNull();
    }

    @Test
    void settings_records_name_what_is_out_of_range() {
        assertThatThrownBy(() -> SweepSettings.of(Duration.ofMinutes(5)).perShard(0)).hasMessageContaining("perShard");
        assertThatThrownBy(() -> SweepSettings.of(Duration.ZERO)).hasMessageContaining("grace");
        assertThatThrownBy(() -> CampaignRunSettings.of(0)).hasMessageContaining("scanSegments");
        assertThatThrownBy(() -> CampaignRunSettings.of(2).putConcurrency(65)).hasMessageContaining("putConcurrency");
    }
}
