package io.nudge.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.testing.TestDynamo;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/** The journey counters' records: one small UpdateItem per call (1 WCU), summed over shards and days on read. */
class JourneyStatsTest {
    private static final Instant DAY1 = Instant.parse("2026-12-07T09:00:00Z");
    private static final Instant DAY2 = Instant.parse("2026-12-08T23:59:59Z");

    private final Metered dynamo = new Metered(TestDynamo.client());
    private JourneyStats stats;

    @BeforeEach
    void setUp() {
        stats = new JourneyStats(dynamo, TestDynamo.freshTables().stats());
    }

    @Test
    void every_call_is_one_update_of_one_write_unit_even_on_a_busy_step() {
        for (int i = 0; i < 40; i++) {
            stats.entered("onboarding", "welcome", DAY1);
            // a branch step with five ways out, each to a step with a long id, and every kind of end
            stats.moved("onboarding", "engaged", "branch", Optional.of("a_step_with_a_rather_long_identifier_" + (i % 5)), DAY1);
            stats.moved("onboarding", "engaged", "timeout", Optional.empty(), DAY1);
            for (String kind : List.of("exit", "conversion", "replaced_by", "journey_deleted")) {
                stats.ended("onboarding", "engaged", JourneyInstance.Status.EXITED, kind, DAY1);
            }
            stats.ended("onboarding", "engaged", JourneyInstance.Status.COMPLETED, "end", DAY1);
            stats.converted("onboarding", Map.of("tips", "A", "cta", "control"), DAY1);
        }

        assertThat(dynamo.writes).hasSize(40 * 9).allSatisfy(units -> assertThat(units).isEqualTo(1.0));
    }

    @Test
    void reads_add_up_shards_and_the_days_asked_and_a_step_is_entered_by_the_edges_into_it() {
        for (int i = 0; i < 12; i++) {
            stats.entered("onboarding", "welcome", DAY1);
            stats.moved("onboarding", "welcome", "next", Optional.of("wait"), DAY1);
        }
        stats.moved("onboarding", "wait", "next", Optional.of("mark"), DAY2);
        stats.moved("onboarding", "other", "branch", Optional.of("mark"), DAY2);
        stats.moved("onboarding", "mark", "next", Optional.empty(), DAY2);
        stats.ended("onboarding", "mark", JourneyInstance.Status.COMPLETED, "end", DAY2);
        stats.ended("onboarding", "wait", JourneyInstance.Status.EXITED, "exit", DAY2);
        stats.converted("onboarding", Map.of("tips", "B"), DAY2);
        stats.moved("other_journey", "welcome", "next", Optional.of("wait"), DAY1);

        JourneyStats.Flow all = stats.read("onboarding", null, null);
        assertThat(all.steps().get("welcome")).isEqualTo(Map.of("entries", 12L, "left.next", 12L, "to.wait", 12L));
        assertThat(all.entered("welcome")).isEqualTo(12);
        assertThat(all.entered("wait")).isEqualTo(12);
        assertThat(all.entered("mark")).isEqualTo(2);
        assertThat(all.steps().get("mark")).isEqualTo(Map.of("left.next", 1L, "end", 1L, "completed.end", 1L));
        assertThat(all.step("wait", "exited.exit")).isEqualTo(1);
        assertThat(all.journey()).isEqualTo(Map.of("converted", 1L, "arm.tips.B", 1L));

        JourneyStats.Flow second = stats.read("onboarding", LocalDate.parse("2026-12-08"), LocalDate.parse("2026-12-08"));
        assertThat(second.entered("wait")).as("the welcome edges were the day before").isZero();
        assertThat(second.entered("mark")).isEqualTo(2);
        assertThat(stats.read("onboarding", null, LocalDate.parse("2026-12-07")).journey()).isEmpty();
    }

    /** The real client, asking DynamoDB Local what each counter update consumed. */
    private static final class Metered implements DynamoDbClient {
        private final DynamoDbClient delegate;
        private final List<Double> writes = new ArrayList<>();

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
        public QueryResponse query(QueryRequest request) {
            return delegate.query(request);
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {
        }
    }
}
