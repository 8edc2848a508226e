package io.nudge.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.config.Tables;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/** Several "Lambda instances" (limiters with their own memory) sharing one key's limit through DynamoDB Local. */
class SharedRateLimiterTest {
    // Ahead of the wall clock, on a whole hour: the window counters carry a TTL an hour after their window, and
    // DynamoDB Local deletes expired items within seconds, so a clock in the past would see its counts vanish.
    private final MutableClock clock = new MutableClock(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS)
            .plus(java.time.Duration.ofHours(2)));
    private final Tables tables = TestDynamo.freshTables();
    private final AtomicInteger writes = new AtomicInteger();
    /** The real client, counting the writes the limiter makes. */
    private final DynamoDbClient counting = new DynamoDbClient() {
        @Override
        public UpdateItemResponse updateItem(UpdateItemRequest request) {
            writes.incrementAndGet();
            return TestDynamo.client().updateItem(request);
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    };

    private SharedRateLimiter instance() {
        return new SharedRateLimiter(counting, tables.state(), clock);
    }

    @Test
    void the_window_holds_the_burst_and_chunks_are_a_twentieth_of_it() {
        RateLimit limit = new RateLimit(100, 200);
        assertThat(SharedRateLimiter.windowMillis(limit)).isEqualTo(2000);
        assertThat(SharedRateLimiter.allowance(limit)).isEqualTo(200);
        assertThat(SharedRateLimiter.chunk(limit)).isEqualTo(10);
        assertThat(SharedRateLimiter.chunk(RateLimit.DEFAULT)).isEqualTo(50);
        assertThat(SharedRateLimiter.chunk(new RateLimit(1, 1))).isEqualTo(1);
        assertThat(SharedRateLimiter.windowMillis(new RateLimit(100, 50))).isEqualTo(500);
    }

    @Test
    void three_instances_together_admit_no_more_than_the_limit_and_each_request_costs_at_most_one_write() {
        RateLimit limit = new RateLimit(100, 200); // a 2 s window of 200, leased 10 at a time
        List<SharedRateLimiter> instances = List.of(instance(), instance(), instance());
        int allowed = 0;
        int requests = 0;
        for (int i = 0; i < 900; i++) {
            requests++;
            int before = writes.get();
            if (instances.get(i % 3).acquire("key_a", limit) instanceof KeyRateLimiter.Allowed) {
                allowed++;
            }
            assertThat(writes.get() - before).as("writes for one request").isLessThanOrEqualTo(1);
        }
        assertThat(allowed).isEqualTo(200);
        // 20 leases of 10, and one empty lease per instance when the window was spent; the refusals after that are free
        assertThat(writes.get()).isEqualTo(20 + 3);
        assertThat((double) writes.get() / requests).isLessThan(0.03);

        KeyRateLimiter.Decision refused = instances.get(0).acquire("key_a", limit);
        assertThat(refused).isEqualTo(new KeyRateLimiter.Limited(Duration.ofSeconds(2)));
        assertThat(instances.get(1).acquire("key_b", limit)).as("limits are per key").isInstanceOf(KeyRateLimiter.Allowed.class);

        clock.advance(Duration.ofMillis(1500));
        assertThat(instances.get(0).acquire("key_a", limit)).isEqualTo(new KeyRateLimiter.Limited(Duration.ofSeconds(1)));
        clock.advance(Duration.ofMillis(500)); // the next window
        assertThat(instances.get(0).acquire("key_a", limit)).isInstanceOf(KeyRateLimiter.Allowed.class);
    }

    @Test
    void an_instance_that_went_idle_with_leased_tokens_can_only_make_the_others_admit_less_never_more() {
        RateLimit limit = new RateLimit(10, 20); // chunk 1: exact
        SharedRateLimiter a = instance();
        SharedRateLimiter b = instance();
        int allowed = 0;
        for (int i = 0; i < 15; i++) {
            allowed += a.acquire("k", limit) instanceof KeyRateLimiter.Allowed ? 1 : 0;
        }
        for (int i = 0; i < 15; i++) {
            allowed += b.acquire("k", limit) instanceof KeyRateLimiter.Allowed ? 1 : 0;
        }
        assertThat(allowed).isEqualTo(20);

        RateLimit big = new RateLimit(100, 400); // chunk 20
        int admitted = 0;
        admitted += a.acquire("k2", big) instanceof KeyRateLimiter.Allowed ? 1 : 0; // leases 20, uses 1, goes idle
        for (int i = 0; i < 500; i++) {
            admitted += b.acquire("k2", big) instanceof KeyRateLimiter.Allowed ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(400 - 19);
    }

    @Test
    void a_changed_limit_starts_a_fresh_count() {
        SharedRateLimiter a = instance();
        RateLimit tight = new RateLimit(1, 1);
        assertThat(a.acquire("k", tight)).isInstanceOf(KeyRateLimiter.Allowed.class);
        assertThat(a.acquire("k", tight)).isInstanceOf(KeyRateLimiter.Limited.class);
        assertThat(a.acquire("k", new RateLimit(1, 5))).isInstanceOf(KeyRateLimiter.Allowed.class);
    }

    @Test
    void an_unreachable_counter_admits_the_request_rather_than_refusing_everyone() {
        DynamoDbClient down = new DynamoDbClient() {
            @Override
            public UpdateItemResponse updateItem(UpdateItemRequest request) {
                throw software.amazon.awssdk.services.dynamodb.model.DynamoDbException.builder().message("throttled").statusCode(400).build();
            }

            @Override
            public String serviceName() {
                return "dynamodb";
            }

            @Override
            public void close() {}
        };
        SharedRateLimiter limiter = new SharedRateLimiter(down, tables.state(), clock);
        assertThat(limiter.acquire("k", new RateLimit(1, 1))).isInstanceOf(KeyRateLimiter.Allowed.class);
        assertThat(limiter.acquire("k", new RateLimit(1, 1))).isInstanceOf(KeyRateLimiter.Allowed.class);
    }
}
