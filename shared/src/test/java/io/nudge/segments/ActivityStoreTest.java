package io.nudge.segments;

import static io.nudge.store.AttributeValues.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.json.Json;
import io.nudge.model.Event;
import io.nudge.testing.TestDynamo;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/** Month items of activity counters over DynamoDB Local: exact counts, and what a write and a read cost. */
class ActivityStoreTest {
    private static final List<String> NAMES = List.of("opened_app", "viewed_item", "added_to_cart", "searched", "purchase_completed");
    private final AtomicInteger ids = new AtomicInteger();
    private final Metered dynamo = new Metered(TestDynamo.client());
    private String table;
    private ActivityStore store;

    @BeforeEach
    void setUp() {
        table = TestDynamo.freshTables().state();
        store = new ActivityStore(dynamo, table);
    }

    private void record(String userId, String name, Instant at) {
        store.record(new Event("e" + ids.incrementAndGet(), userId, name, Json.object(), at, at));
    }

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    private static LocalDate day(Instant at) {
        return at.atZone(ZoneOffset.UTC).toLocalDate();
    }

    @Test
    void counts_are_exact_across_month_boundaries_for_every_window_up_to_180_days() {
        Instant now = at("2026-11-03T09:00:00Z");
        Map<LocalDate, Integer> perDay = new java.util.HashMap<>();
        for (int back = 200; back >= 0; back--) {
            Instant when = now.minus(Duration.ofDays(back)).minus(Duration.ofHours(back % 9));
            int times = 1 + back % 3;
            for (int i = 0; i < times; i++) {
                record("u1", "opened_app", when);
            }
            perDay.merge(day(when), times, Integer::sum);
        }
        for (int days : List.of(1, 2, 3, 7, 30, 31, 62, 90, 180)) {
            Duration within = Duration.ofDays(days);
            LocalDate first = day(now.minus(within));
            long expected = perDay.entrySet().stream().filter(e -> !e.getKey().isBefore(first)).mapToLong(Map.Entry::getValue).sum();
            assertThat(store.find("u1", now, within).count("opened_app", within, now)).as("P%dD", days).isEqualTo(expected);
            assertThat(store.find("u1", now).count("opened_app", within, now)).as("P%dD from a 180-day read", days).isEqualTo(expected);
        }
        assertThat(store.find("u1", now).lastSeenAt()).contains(now);
        assertThat(store.find("u1", now, Duration.ofDays(2)).counts()).as("only the days asked for")
                .containsOnlyKeys("opened_app|2026-11-01", "opened_app|2026-11-02", "opened_app|2026-11-03");
    }

    @Test
    void a_month_boundary_splits_items_but_not_counts() {
        record("u1", "purchase_completed", at("2026-10-31T23:59:59Z"));
        record("u1", "purchase_completed", at("2026-11-01T00:00:00Z"));
        Instant now = at("2026-11-01T12:00:00Z");

        Activity activity = store.find("u1", now, Duration.ofDays(1));

        assertThat(activity.counts()).containsOnly(Map.entry("purchase_completed|2026-10-31", 1L), Map.entry("purchase_completed|2026-11-01", 1L));
        assertThat(activity.count("purchase_completed", Duration.ofDays(1), now)).isEqualTo(2);
        assertThat(activity.lastSeenAt()).contains(at("2026-11-01T00:00:00Z"));
        assertThat(item(ActivityStore.pk("u1", java.time.YearMonth.of(2026, 10)))).containsKey("purchase_completed|31");
        assertThat(Long.parseLong(item(ActivityStore.pk("u1", java.time.YearMonth.of(2026, 10))).get("expiresAt").n()))
                .as("TTL: end of the month + 181 days").isEqualTo(at("2027-05-01T00:00:00Z").getEpochSecond());
    }

    @Test
    void a_replayed_event_counts_twice_counters_are_for_audiences_not_billing() {
        Event event = new Event("e1", "u1", "opened_app", Json.object(), at("2026-11-24T08:00:00Z"), at("2026-11-24T08:00:01Z"));
        store.record(event);
        store.record(event);

        assertThat(store.find("u1", at("2026-11-24T09:00:00Z")).counts()).containsOnly(Map.entry("opened_app|2026-11-24", 2L));
    }

    @Test
    void future_days_count_as_the_day_received_and_events_older_than_181_days_are_not_written() {
        Instant received = at("2026-11-24T08:00:00Z");
        store.record(new Event("e1", "u1", "opened_app", Json.object(), at("2027-03-01T00:00:00Z"), received));
        store.record(new Event("e2", "u2", "opened_app", Json.object(), received.minus(Duration.ofDays(182)), received));

        assertThat(store.find("u1", received).counts()).containsOnly(Map.entry("opened_app|2026-11-24", 1L));
        assertThat(store.find("u1", received).lastSeenAt()).contains(received);
        assertThat(store.stored("u2", received).counts()).isEmpty();
        assertThat(item(ActivityStore.pk("u2", java.time.YearMonth.of(2026, 5)))).isEmpty();
    }

    @Test
    void delete_removes_every_month() {
        Instant now = at("2026-11-24T09:00:00Z");
        for (int back = 0; back <= 181; back += 10) {
            record("u1", "opened_app", now.minus(Duration.ofDays(back)));
        }
        record("u2", "opened_app", now);

        assertThat(store.delete("u1", now)).isTrue();

        assertThat(activityKeys()).containsExactly(ActivityStore.pk("u2", java.time.YearMonth.of(2026, 11)));
        assertThat(store.delete("u1", now)).as("nothing left").isFalse();
    }

    @Test
    void a_write_for_a_user_with_180_days_of_5_event_names_costs_at_most_3_write_units() {
        Instant last = at("2026-12-31T20:00:00Z");
        for (int back = 180; back >= 0; back--) {
            for (String name : NAMES) {
                record("heavy", name, last.minus(Duration.ofDays(back)));
            }
        }
        dynamo.writes.clear();

        record("heavy", "purchase_completed", last.plus(Duration.ofMinutes(1)));

        // the month item holds 31 days x 5 names (~2.6 KB); the single 181-day item of before was ~23 KB: 24 units
        assertThat(dynamo.writes).hasSize(1);
        assertThat(dynamo.writes.get(0)).isLessThanOrEqualTo(3.0);

        dynamo.reads.clear();
        Activity activity = store.find("heavy", last, SegmentParser.MAX_WINDOW);
        assertThat(activity.count("purchase_completed", SegmentParser.MAX_WINDOW, last)).isEqualTo(182);
        assertThat(dynamo.reads.stream().mapToDouble(Double::doubleValue).sum()).as("7 months, eventually consistent")
                .isLessThanOrEqualTo(4.0);
        dynamo.reads.clear();
        store.find("heavy", last, Duration.ofDays(7));
        assertThat(dynamo.reads.stream().mapToDouble(Double::doubleValue).sum()).as("a week reads one month")
                .isLessThanOrEqualTo(1.0);
    }

    private Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item(String pk) {
        return dynamo.getItem(b -> b.tableName(table).key(Map.of("pk", s(pk))).consistentRead(true)).item();
    }

    private List<String> activityKeys() {
        List<String> keys = new ArrayList<>();
        dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(i -> {
            if (i.get("pk").s().startsWith("activity")) {
                keys.add(i.get("pk").s());
            }
        });
        return keys;
    }

    /** The real client, asking DynamoDB Local for the consumed capacity of the store's writes and batch reads. */
    static final class Metered implements DynamoDbClient {
        final DynamoDbClient delegate;
        final List<Double> writes = new ArrayList<>();
        final List<Double> reads = new ArrayList<>();

        Metered(DynamoDbClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public UpdateItemResponse updateItem(UpdateItemRequest request) {
            UpdateItemResponse response = delegate.updateItem(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build());
            writes.add(response.consumedCapacity().capacityUnits());
            return response;
        }

        @Override
        public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
            BatchGetItemResponse response = delegate.batchGetItem(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build());
            response.consumedCapacity().stream().map(ConsumedCapacity::capacityUnits).forEach(reads::add);
            return response;
        }

        @Override
        public DeleteItemResponse deleteItem(DeleteItemRequest request) {
            return delegate.deleteItem(request);
        }

        @Override
        public software.amazon.awssdk.services.dynamodb.model.PutItemResponse putItem(PutItemRequest request) {
            return delegate.putItem(request);
        }

        @Override
        public software.amazon.awssdk.services.dynamodb.model.GetItemResponse getItem(
                software.amazon.awssdk.services.dynamodb.model.GetItemRequest request) {
            return delegate.getItem(request);
        }

        @Override
        public software.amazon.awssdk.services.dynamodb.model.ScanResponse scan(software.amazon.awssdk.services.dynamodb.model.ScanRequest request) {
            return delegate.scan(request);
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {}
    }
}
