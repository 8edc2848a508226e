package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.scheduling.ScheduleRequest;
import io.nudge.scheduling.ScheduleRequest.Target;
import io.nudge.scheduling.ScheduleResult;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.validation.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class LocalSchedulerTest {
    static final AtomicInteger TABLES = new AtomicInteger();
    static final ZoneId UTC = ZoneId.of("UTC");

    final DynamoDbClient dynamo = TestDynamo.client();
    final String table = "local-schedules-" + TABLES.incrementAndGet();
    final MutableClock clock = MutableClock.at("2026-05-01T10:00:00Z");
    final List<String> sends = new CopyOnWriteArrayList<>();
    final List<String> campaigns = new CopyOnWriteArrayList<>();
    final List<LocalScheduler> opened = new ArrayList<>();

    LocalScheduler scheduler() {
        return scheduler(Map.of(Target.SCHEDULE_SENDS, sends::add, Target.RUN_CAMPAIGN, campaigns::add));
    }

    LocalScheduler scheduler(Map<Target, Consumer<String>> targets) {
        LocalScheduler scheduler = new LocalScheduler(dynamo, table, clock, targets);
        opened.add(scheduler);
        return scheduler;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(LocalScheduler::close);
    }

    static ScheduleRequest slot(String name, String at, String input) {
        return new ScheduleRequest(name, "at(" + at + ")", UTC, Target.SCHEDULE_SENDS, input, true);
    }

    static ScheduleRequest campaign(String expression, ZoneId zone) {
        return new ScheduleRequest("campaign-weekly", expression, zone, Target.RUN_CAMPAIGN, "{\"campaignId\":\"weekly\"}", false);
    }

    @Test
    void an_at_schedule_fires_once_at_its_time_with_the_exact_input_and_not_before() {
        LocalScheduler scheduler = scheduler();
        String input = "{\"slot\":\"202605011005\",\"note\":\"Grüße \\\"quoted\\\"\"}";
        assertThat(scheduler.create(slot("slot-202605011005", "2026-05-01T10:05:00", input)))
                .isEqualTo(new ScheduleResult.Created());

        clock.set(Instant.parse("2026-05-01T10:04:59.999Z"));
        assertThat(scheduler.fireDue()).isZero();
        assertThat(sends).isEmpty();

        clock.set(Instant.parse("2026-05-01T10:05:00Z"));
        assertThat(scheduler.fireDue()).isEqualTo(1);
        assertThat(sends).containsExactly(input);

        clock.advance(Duration.ofHours(1));
        assertThat(scheduler.fireDue()).isZero();
        assertThat(sends).hasSize(1);
        assertThat(campaigns).isEmpty();
        // deleteAfterCompletion: the name is free again, as on EventBridge.
        assertThat(scheduler.create(slot("slot-202605011005", "2026-05-01T12:00:00", input)))
                .isEqualTo(new ScheduleResult.Created());
    }

    @Test
    void an_at_in_the_schedules_zone_fires_at_that_local_time() {
        LocalScheduler scheduler = scheduler();
        scheduler.create(new ScheduleRequest("eve", "at(2026-12-24T18:00:00)", ZoneId.of("America/New_York"),
                Target.SCHEDULE_SENDS, "{}", true));

        clock.set(Instant.parse("2026-12-24T22:59:59Z"));
        assertThat(scheduler.fireDue()).isZero();
        clock.set(Instant.parse("2026-12-24T23:00:00Z"));
        assertThat(scheduler.fireDue()).isEqualTo(1);
    }

    @Test
    void a_one_time_schedule_kept_after_completion_fires_once_and_stays() {
        LocalScheduler scheduler = scheduler();
        ScheduleRequest kept = new ScheduleRequest("kept", "at(2026-05-01T10:05:00)", UTC, Target.SCHEDULE_SENDS, "{}", false);
        scheduler.create(kept);

        clock.set(Instant.parse("2026-05-01T10:05:00Z"));
        scheduler.fireDue();
        clock.advance(Duration.ofDays(1));
        scheduler.fireDue();

        assertThat(sends).containsExactly("{}");
        assertThat(scheduler.create(kept)).isEqualTo(new ScheduleResult.AlreadyExists());
    }

    @Test
    void an_at_already_past_when_created_fires_on_the_next_tick() {
        LocalScheduler scheduler = scheduler();
        scheduler.create(slot("slot-202605010959", "2026-05-01T09:59:00", "{\"slot\":\"late\"}"));

        assertThat(scheduler.fireDue()).isEqualTo(1);
        assertThat(sends).containsExactly("{\"slot\":\"late\"}");
    }

    @Test
    void a_recurring_cron_schedule_fires_at_each_time_and_reschedules() {
        LocalScheduler scheduler = scheduler();
        scheduler.create(campaign("cron(0/15 * * * ? *)", UTC));

        clock.set(Instant.parse("2026-05-01T10:14:59Z"));
        assertThat(scheduler.fireDue()).isZero();
        clock.set(Instant.parse("2026-05-01T10:15:00Z"));
        assertThat(scheduler.fireDue()).isEqualTo(1);
        assertThat(scheduler.fireDue()).as("the same time fires once").isZero();
        clock.set(Instant.parse("2026-05-01T10:29:00Z"));
        assertThat(scheduler.fireDue()).isZero();
        clock.set(Instant.parse("2026-05-01T10:30:00Z"));
        assertThat(scheduler.fireDue()).isEqualTo(1);
        // Late by 37 minutes (10:45 and 11:00 missed): one fire, then back on the quarter hours.
        clock.set(Instant.parse("2026-05-01T11:07:00Z"));
        assertThat(scheduler.fireDue()).isEqualTo(1);
        clock.set(Instant.parse("2026-05-01T11:14:59Z"));
        assertThat(scheduler.fireDue()).isZero();
        clock.set(Instant.parse("2026-05-01T11:15:00Z"));
        assertThat(scheduler.fireDue()).isEqualTo(1);

        assertThat(campaigns).hasSize(4).containsOnly("{\"campaignId\":\"weekly\"}");
        assertThat(sends).isEmpty();
    }

    @Test
    void the_scheduled_time_context_attribute_is_replaced_by_the_fire_time_as_eventbridge_does() {
        LocalScheduler scheduler = scheduler();
        scheduler.create(new ScheduleRequest("campaign-weekly", "cron(0/15 * * * ? *)", UTC, Target.RUN_CAMPAIGN,
                "{\"campaignId\":\"weekly\",\"runId\":\"<aws.scheduler.scheduled-time>\"}", false));

        clock.set(Instant.parse("2026-05-01T10:15:02Z"));
        scheduler.fireDue();

        assertThat(campaigns).containsExactly("{\"campaignId\":\"weekly\",\"runId\":\"2026-05-01T10:15:00.000Z\"}");
    }

    @Test
    void a_cron_follows_its_zone_across_the_dst_switch() {
        clock.set(Instant.parse("2026-03-20T00:00:00Z"));
        LocalScheduler scheduler = scheduler();
        scheduler.create(campaign("cron(0 10 ? * MON *)", ZoneId.of("Europe/Berlin")));

        clock.set(Instant.parse("2026-03-23T09:00:00Z"));  // 10:00 CET
        assertThat(scheduler.fireDue()).isEqualTo(1);
        clock.set(Instant.parse("2026-03-30T07:59:00Z"));
        assertThat(scheduler.fireDue()).isZero();
        clock.set(Instant.parse("2026-03-30T08:00:00Z"));  // 10:00 CEST
        assertThat(scheduler.fireDue()).isEqualTo(1);
        assertThat(campaigns).hasSize(2);
    }

    @Test
    void a_rate_counts_its_periods_from_creation() {
        LocalScheduler scheduler = scheduler();
        scheduler.create(campaign("rate(5 minutes)", UTC));

        clock.set(Instant.parse("2026-05-01T10:04:59Z"));
        assertThat(scheduler.fireDue()).isZero();
        clock.set(Instant.parse("2026-05-01T10:05:00Z"));
        assertThat(scheduler.fireDue()).isEqualTo(1);
        clock.set(Instant.parse("2026-05-01T10:10:00Z"));
        assertThat(scheduler.fireDue()).isEqualTo(1);
    }

    @Test
    void a_schedule_due_while_stopped_fires_once_after_restart() {
        LocalScheduler before = scheduler();
        before.create(slot("slot-202605011005", "2026-05-01T10:05:00", "{\"slot\":\"202605011005\"}"));
        before.close();

        clock.set(Instant.parse("2026-05-01T10:30:00Z"));
        LocalScheduler after = scheduler();
        assertThat(after.fireDue()).isEqualTo(1);
        assertThat(after.fireDue()).isZero();

        assertThat(sends).containsExactly("{\"slot\":\"202605011005\"}");
    }

    @Test
    void the_started_thread_fires_a_schedule_due_while_stopped_on_its_first_tick() throws InterruptedException {
        LocalScheduler before = scheduler();
        before.create(slot("slot-202605011005", "2026-05-01T10:05:00", "{\"slot\":\"202605011005\"}"));
        before.close();
        clock.set(Instant.parse("2026-05-01T10:30:00Z"));

        CountDownLatch fired = new CountDownLatch(1);
        LocalScheduler after = scheduler(Map.of(Target.SCHEDULE_SENDS, input -> {
            sends.add(input);
            fired.countDown();
        }));
        after.start();
        // Waits for the thread's first tick (at once on start); no time is slept or moved.
        assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
        after.close();

        assertThat(after.fireDue()).isZero();
        assertThat(sends).containsExactly("{\"slot\":\"202605011005\"}");
        assertThatThrownBy(() -> {
            after.start();
            after.start();
        }).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void creating_twice_answers_already_exists_keeps_the_first_and_fires_once() {
        LocalScheduler scheduler = scheduler();
        assertThat(scheduler.create(slot("slot-202605011005", "2026-05-01T10:05:00", "{\"first\":true}")))
                .isEqualTo(new ScheduleResult.Created());
        assertThat(scheduler.create(slot("slot-202605011005", "2026-05-01T10:01:00", "{\"second\":true}")))
                .isEqualTo(new ScheduleResult.AlreadyExists());

        clock.set(Instant.parse("2026-05-01T10:01:00Z"));
        assertThat(scheduler.fireDue()).as("the second create changed nothing").isZero();
        clock.set(Instant.parse("2026-05-01T10:05:00Z"));
        scheduler.fireDue();
        scheduler.fireDue();

        assertThat(sends).containsExactly("{\"first\":true}");
    }

    @Test
    void upsert_replaces_the_schedule() {
        LocalScheduler scheduler = scheduler();
        scheduler.create(campaign("cron(0/15 * * * ? *)", UTC));
        scheduler.upsert(new ScheduleRequest("campaign-weekly", "cron(0 11 * * ? *)", UTC, Target.RUN_CAMPAIGN,
                "{\"campaignId\":\"weekly\",\"v\":2}", false));

        clock.set(Instant.parse("2026-05-01T10:15:00Z"));
        assertThat(scheduler.fireDue()).isZero();
        clock.set(Instant.parse("2026-05-01T11:00:00Z"));
        assertThat(scheduler.fireDue()).isEqualTo(1);

        assertThat(campaigns).containsExactly("{\"campaignId\":\"weekly\",\"v\":2}");
    }

    @Test
    void upsert_creates_when_missing() {
        LocalScheduler scheduler = scheduler();
        scheduler.upsert(campaign("rate(1 hour)", UTC));

        clock.set(Instant.parse("2026-05-01T11:00:00Z"));
        assertThat(scheduler.fireDue()).isEqualTo(1);
    }

    @Test
    void a_schedule_deleted_before_it_is_due_never_fires() {
        LocalScheduler scheduler = scheduler();
        scheduler.create(slot("slot-202605011005", "2026-05-01T10:05:00", "{}"));
        scheduler.delete("slot-202605011005");
        scheduler.delete("never-existed");

        clock.set(Instant.parse("2026-05-01T11:00:00Z"));
        assertThat(scheduler.fireDue()).isZero();
        assertThat(sends).isEmpty();
    }

    @Test
    void a_throwing_target_is_retried_on_the_next_ticks_then_dropped() {
        AtomicInteger calls = new AtomicInteger();
        LocalScheduler scheduler = scheduler(Map.of(Target.SCHEDULE_SENDS, input -> {
            calls.incrementAndGet();
            throw new IllegalStateException("target down");
        }));
        scheduler.create(slot("slot-202605011005", "2026-05-01T10:05:00", "{}"));
        clock.set(Instant.parse("2026-05-01T10:05:00Z"));

        for (int tick = 0; tick < 6; tick++) {
            scheduler.fireDue();
            clock.advance(LocalScheduler.TICK);
        }

        assertThat(calls).hasValue(1 + LocalScheduler.MAX_RETRIES);
        assertThat(scheduler.create(slot("slot-202605011005", "2026-05-01T12:00:00", "{}")))
                .as("dropped, and a one-time schedule with deleteAfterCompletion is gone")
                .isEqualTo(new ScheduleResult.Created());
    }

    @Test
    void a_target_that_recovers_fires_once_on_the_retry() {
        AtomicInteger calls = new AtomicInteger();
        LocalScheduler scheduler = scheduler(Map.of(Target.SCHEDULE_SENDS, input -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("target down once");
            }
            sends.add(input);
        }));
        scheduler.create(slot("slot-202605011005", "2026-05-01T10:05:00", "{\"slot\":1}"));
        clock.set(Instant.parse("2026-05-01T10:05:00Z"));

        scheduler.fireDue();
        clock.advance(LocalScheduler.TICK);
        scheduler.fireDue();
        clock.advance(LocalScheduler.TICK);
        scheduler.fireDue();

        assertThat(calls).hasValue(2);
        assertThat(sends).containsExactly("{\"slot\":1}");
    }

    @Test
    void a_recurring_schedule_whose_fire_is_dropped_waits_for_its_next_time() {
        AtomicInteger calls = new AtomicInteger();
        LocalScheduler scheduler = scheduler(Map.of(Target.RUN_CAMPAIGN, input -> {
            calls.incrementAndGet();
            throw new IllegalStateException("target down");
        }));
        scheduler.create(campaign("cron(0/15 * * * ? *)", UTC));
        clock.set(Instant.parse("2026-05-01T10:15:00Z"));
        for (int tick = 0; tick < 6; tick++) {
            scheduler.fireDue();
            clock.advance(LocalScheduler.TICK);
        }
        assertThat(calls).hasValue(1 + LocalScheduler.MAX_RETRIES);

        clock.set(Instant.parse("2026-05-01T10:30:00Z"));
        scheduler.fireDue();

        assertThat(calls).hasValue(2 + LocalScheduler.MAX_RETRIES);
    }

    @Test
    void a_target_with_no_local_consumer_counts_as_failing() {
        LocalScheduler scheduler = scheduler(Map.of(Target.SCHEDULE_SENDS, sends::add));
        scheduler.create(campaign("cron(0/15 * * * ? *)", UTC));
        clock.set(Instant.parse("2026-05-01T10:15:00Z"));

        assertThat(scheduler.fireDue()).isEqualTo(1);
        assertThat(sends).isEmpty();
    }

    @Test
    void an_invalid_expression_is_refused_and_nothing_is_stored() {
        LocalScheduler scheduler = scheduler();

        assertThatThrownBy(() -> scheduler.create(campaign("cron(* * * * * *)", UTC)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cannot both be set");
        assertThat(scheduler.create(campaign("rate(5 minutes)", UTC))).isEqualTo(new ScheduleResult.Created());
    }

    @Test
    void a_fire_claimed_by_one_caller_is_not_fired_by_another_meanwhile() {
        List<Integer> innerInvocations = new ArrayList<>();
        LocalScheduler[] self = new LocalScheduler[1];
        self[0] = scheduler(Map.of(Target.SCHEDULE_SENDS, input -> {
            sends.add(input);
            // A second fireDue while this target runs, as a concurrent tick would.
            innerInvocations.add(self[0].fireDue());
        }));
        self[0].create(slot("slot-202605011005", "2026-05-01T10:05:00", "{}"));
        clock.set(Instant.parse("2026-05-01T10:05:00Z"));

        self[0].fireDue();

        assertThat(sends).hasSize(1);
        assertThat(innerInvocations).containsExactly(0);
    }

    @Test
    void concurrent_fireDue_calls_from_two_schedulers_fire_each_schedule_once() throws Exception {
        List<String> fired = Collections.synchronizedList(new ArrayList<>());
        Map<Target, Consumer<String>> targets = Map.of(Target.SCHEDULE_SENDS, fired::add);
        LocalScheduler one = scheduler(targets);
        LocalScheduler two = scheduler(targets);
        for (int i = 0; i < 20; i++) {
            one.create(slot("slot-" + i, "2026-05-01T10:05:00", "{\"n\":" + i + "}"));
        }
        clock.set(Instant.parse("2026-05-01T10:05:00Z"));

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (LocalScheduler scheduler : List.of(one, two, one, two)) {
                results.add(pool.submit(() -> {
                    go.await();
                    return scheduler.fireDue();
                }));
            }
            go.countDown();
            int invoked = 0;
            for (Future<Integer> result : results) {
                invoked += result.get(30, TimeUnit.SECONDS);
            }
            assertThat(invoked).isEqualTo(20);
        } finally {
            pool.shutdownNow();
        }

        assertThat(fired).hasSize(20).doesNotHaveDuplicates();
    }
}
