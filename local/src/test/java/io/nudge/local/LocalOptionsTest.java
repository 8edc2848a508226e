package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalOptionsTest {

    @Test
    void the_builder_starts_from_the_runners_defaults() {
        LocalOptions options = LocalOptions.builder().build();

        assertThat(options.dataDir()).isEqualTo(Path.of(".nudge"));
        assertThat(options.inMemory()).isFalse();
        assertThat(options.host()).isEqualTo("127.0.0.1");
        assertThat(options.port()).isEqualTo(3000);
        assertThat(options.configDir()).isEmpty();
        assertThat(options.channels()).isEqualTo(LocalOptions.Channels.OUTBOX);
        assertThat(options.apiKey()).isEmpty();
        assertThat(options.emailFrom()).isEqualTo("Nudge <hello@nudge.local>");
        assertThat(options.sweepGrace()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.providerFaults()).isEmpty();
        assertThat(options.shedding()).isEqualTo(LoadShedding.defaults());
        assertThat(options.replay()).isFalse();
    }

    @Test
    void build_names_the_setting_it_rejects() {
        assertThatThrownBy(() -> LocalOptions.builder().dataDir(null).build()).hasMessage("dataDir is required");
        assertThatThrownBy(() -> LocalOptions.builder().port(70_000).build()).hasMessageStartingWith("port must be");
        assertThatThrownBy(() -> LocalOptions.builder().port(-1).build()).hasMessageStartingWith("port must be");
        assertThatThrownBy(() -> LocalOptions.builder().host(" ").build()).hasMessage("host must not be blank");
        assertThatThrownBy(() -> LocalOptions.builder().apiKey("").build()).hasMessageStartingWith("apiKey must not be blank");
        assertThatThrownBy(() -> LocalOptions.builder().emailFrom("").build()).hasMessage("emailFrom must not be blank");
        assertThatThrownBy(() -> LocalOptions.builder().sweepGrace(Duration.ZERO).build()).hasMessage("sweepGrace must be positive, not PT0S");
        assertThatThrownBy(() -> LocalOptions.builder().clock(null).build()).hasMessage("clock is required");
        assertThatThrownBy(() -> LocalOptions.builder().shedding(null).build()).hasMessage("shedding is required");
    }

    @Test
    void to_builder_keeps_every_setting_but_the_one_changed() {
        LocalOptions options = LocalOptions.builder().dataDir(Path.of("d")).inMemory(true).port(0).apiKey("k").emailFrom("A <a@b.test>")
                .replay(true).dynamoPort(Optional.of(0)).build();

        LocalOptions changed = options.toBuilder().port(4000).build();

        assertThat(changed).isEqualTo(new LocalOptions(Path.of("d"), true, "127.0.0.1", 4000, Optional.empty(), LocalOptions.Channels.OUTBOX,
                Optional.of("k"), "A <a@b.test>", Duration.ofSeconds(60), options.clock(), Optional.empty(), LoadShedding.defaults(), true,
                Optional.of(0), options.webhooks()));
    }
}
