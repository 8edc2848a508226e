package io.nudge.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.testing.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitTest {

    @Test
    void a_limit_is_written_as_a_rate_with_an_optional_burst() {
        assertThat(RateLimit.parse("100/s burst 200")).isEqualTo(new RateLimit(100, 200));
        assertThat(RateLimit.parse(" 6000 / m ")).isEqualTo(new RateLimit(100, 200));
        assertThat(RateLimit.parse("30/m")).isEqualTo(new RateLimit(0.5, 1));
        assertThat(RateLimit.parse("3600/h burst 5").wire()).isEqualTo("1/s burst 5");
        assertThat(RateLimit.parse("30/m burst 3").wire()).isEqualTo("30/m burst 3");
        assertThat(RateLimit.parse(RateLimit.DEFAULT.wire())).isEqualTo(RateLimit.DEFAULT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "100", "100/d", "fast", "100/s burst", "0/s", "100/s burst 0", "-1/s"})
    void a_malformed_limit_is_refused_with_the_expected_format(String text) {
        assertThatThrownBy(() -> RateLimit.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_variable_defaults_generously_can_be_off_and_names_itself_when_malformed() {
        assertThat(RateLimit.fromEnvironment(Map.of())).contains(RateLimit.DEFAULT);
        assertThat(RateLimit.fromEnvironment(Map.of(RateLimit.VARIABLE, "off"))).isEmpty();
        assertThat(RateLimit.fromEnvironment(Map.of(RateLimit.VARIABLE, "5/s burst 7"))).isEqualTo(Optional.of(new RateLimit(5, 7)));
        assertThatThrownBy(() -> RateLimit.fromEnvironment(Map.of(RateLimit.VARIABLE, "lots")))
                .hasMessageContaining(RateLimit.VARIABLE).hasMessageContaining("100/s burst 200");
    }

    @Test
    void a_token_bucket_allows_the_burst_then_the_rate_and_says_when_to_retry() {
        MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
        TokenBuckets buckets = new TokenBuckets(clock);
        RateLimit limit = new RateLimit(2, 4);

        for (int i = 0; i < 4; i++) {
            assertThat(buckets.acquire("k", limit)).isInstanceOf(KeyRateLimiter.Allowed.class);
        }
        assertThat(buckets.acquire("k", limit)).isEqualTo(new KeyRateLimiter.Limited(Duration.ofSeconds(1)));
        assertThat(buckets.acquire("other", limit)).as("buckets are per key").isInstanceOf(KeyRateLimiter.Allowed.class);

        clock.advance(Duration.ofMillis(500)); // one token back at 2/s
        assertThat(buckets.acquire("k", limit)).isInstanceOf(KeyRateLimiter.Allowed.class);
        assertThat(buckets.acquire("k", limit)).isInstanceOf(KeyRateLimiter.Limited.class);

        clock.advance(Duration.ofMinutes(10)); // refills to the burst, not beyond
        int allowed = 0;
        while (buckets.acquire("k", limit) instanceof KeyRateLimiter.Allowed) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(4);
    }

    @Test
    void retry_after_is_whole_seconds_rounded_up_and_at_least_one() {
        MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
        TokenBuckets buckets = new TokenBuckets(clock);
        RateLimit slow = RateLimit.parse("6/m burst 1");
        assertThat(buckets.acquire("k", slow)).isInstanceOf(KeyRateLimiter.Allowed.class);
        assertThat(buckets.acquire("k", slow)).isEqualTo(new KeyRateLimiter.Limited(Duration.ofSeconds(10)));
        clock.advance(Duration.ofMillis(9_001));
        assertThat(buckets.acquire("k", slow)).isEqualTo(new KeyRateLimiter.Limited(Duration.ofSeconds(1)));
    }
}
