package io.nudge.campaigns;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.definitions.DefinitionService;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.scheduling.ScheduleRequest;
import io.nudge.stats.Subject;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.validation.InvalidInputException;
import io.nudge.wiring.CampaignRunSettings;
import io.nudge.wiring.Services;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CampaignsTest {
    private static final int USERS = 300;
    private static final String DIGEST = "{'segment':'active_pro','channel':'email',"
            + "'variants':[{'id':'A','template':'digest_a','weight':50},{'id':'B','template':'digest_b','weight':50}],"
            + "'holdout':10,'schedule':{'expression':'cron(0 10 ? * MON *)','timezone':'Europe/Berlin'},"
            + "'goal':{'event':'purchase_completed','within':'P7D'}}";

    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private final RecordingScheduler scheduler = new RecordingScheduler();
    private final List<CampaignRunner.Request> started = new CopyOnWriteArrayList<>();
    private final CampaignRunner runner = started::add;
    private Services services;
    private CampaignService campaigns;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("digest_a", json("{'channel':'email','subject':'Your week','text':'A'}"));
        definitions.putTemplate("digest_b", json("{'channel':'email','subject':'This week for you','text':'B'}"));
        definitions.putTemplate("sms_hi", json("{'channel':'sms','body':'hi'}"));
        services.segments().put("active_pro", json("{'all':[{'path':'user.attributes.plan','op':'eq','value':'pro'}]}"));
        campaigns = services.campaigns(scheduler, runner);
    }

    private void users(int count) {
        UserService users = new UserService(services.users(), clock);
        for (int i = 0; i < count; i++) {
            users.upsert("u" + i, json("{'email':'u" + i + "@example.com','attributes':{'plan':'" + (i % 3 == 2 ? "free" : "pro")
                    + "'},'consent':{'email':'opted_in'}}"));
        }
    }

    private static boolean pro(int i) {
        return i % 3 != 2;
    }

    @Test
    void saving_upserts_the_schedule_and_disabling_or_deleting_removes_it() {
        campaigns.put("weekly_digest", json(DIGEST));

        ScheduleRequest request = scheduler.schedules.get("nudge-campaign-weekly_digest");
        assertThat(request.expression()).isEqualTo("cron(0 10 ? * MON *)");
        assertThat(request.timezone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(request.target()).isEqualTo(ScheduleRequest.Target.RUN_CAMPAIGN);
        assertThat(request.deleteAfterCompletion()).isFalse();
        assertThat(json(request.input().replace('"', '\''))).isEqualTo(
                json("{'campaignId':'weekly_digest','runId':'<aws.scheduler.scheduled-time>'}"));

        campaigns.put("weekly_digest", json(DIGEST.replace("'goal'", "'enabled':false,'goal'")));
        assertThat(scheduler.schedules).doesNotContainKey("nudge-campaign-weekly_digest");

        campaigns.put("weekly_digest", json(DIGEST.replace("cron(0 10 ? * MON *)", "rate(7 days)")));
        assertThat(scheduler.schedules.get("nudge-campaign-weekly_digest").expression()).isEqualTo("rate(7 days)");

        assertThat(campaigns.delete("weekly_digest")).isTrue();
        assertThat(scheduler.schedules).isEmpty();

        campaigns.put("launch", json(DIGEST.replace("cron(0 10 ? * MON *)", "at(2026-12-01T10:00:00)")));
        assertThat(scheduler.schedules.get("nudge-campaign-launch").deleteAfterCompletion()).isTrue();
    }

    @Test
    void the_description_is_kept_and_read_back() {
        campaigns.put("weekly_digest", json(DIGEST.replace("'goal'", "'description':'Monday digest','goal'")));
        assertThat(campaigns.get("weekly_digest").orElseThrow().path("description").asText()).isEqualTo("Monday digest");
        campaigns.put("weekly_digest", json(DIGEST));
        assertThat(campaigns.get("weekly_digest").orElseThrow().has("description")).as("none saved, none shown").isFalse();
    }

    @Test
    void bad_campaigns_name_the_field() {
        assertField(DIGEST.replace("'holdout':10", "'holdout':60"), "/holdout");
        assertField(DIGEST.replace("digest_b", "nope"), "/variants/1/template");
        assertField(DIGEST.replace("digest_b", "sms_hi"), "/variants/1/template");
        assertField(DIGEST.replace("cron(0 10 ? * MON *)", "cron(0 10 * * MON *)"), "/schedule/expression");
        assertField(DIGEST.replace("Europe/Berlin", "Mars/Olympus"), "/schedule/timezone");
        assertField(DIGEST.replace("active_pro", "nobody"), "/segment");
        assertField(DIGEST.replace("'id':'B'", "'id':'A'"), "/variants/1/id");
        assertField(DIGEST.replace("'weight':50}]", "'weight':0}]"), "/variants/1/weight");
    }

    private void assertField(String doc, String field) {
        assertThatThrownBy(() -> campaigns.put("c", json(doc)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void run_now_goes_to_the_runner_with_the_given_or_a_new_run_id() {
        campaigns.put("weekly_digest", json(DIGEST));

        assertThat(campaigns.run("weekly_digest", java.util.Optional.of("2026-11-30T09:00:00Z"))).contains("2026-11-30T09:00:00Z");
        assertThat(campaigns.run("weekly_digest", java.util.Optional.empty())).get().asString().startsWith("manual-");
        assertThat(campaigns.run("missing", java.util.Optional.empty())).isEmpty();
        assertThat(started).extracting(CampaignRunner.Request::campaignId).containsExactly("weekly_digest", "weekly_digest");
    }

    @Test
    void a_run_writes_one_message_per_segment_user_outside_the_holdout_and_a_double_invoke_writes_nothing_more() {
        users(USERS);
        campaigns.put("weekly_digest", json(DIGEST));
        CampaignRunService runs = services.campaignRun(runner, CampaignRunSettings.of(2));
        CampaignRunner.Request request = new CampaignRunner.Request("weekly_digest", "run-1");

        CampaignRunService.Outcome first = runs.run(request, () -> Long.MAX_VALUE);
        Map<String, Integer> arms = assertOneMessagePerUser("weekly_digest", "run-1");
        CampaignRunService.Outcome second = runs.run(request, () -> Long.MAX_VALUE);
        CampaignRunService.Outcome replayWithoutCheckpoints = services.campaignRun(runner, CampaignRunSettings.of(3)).run(request, () -> Long.MAX_VALUE);

        assertThat(first).isInstanceOfSatisfying(CampaignRunService.Completed.class, c -> {
            assertThat(c.tally().scanned()).isEqualTo(USERS);
            assertThat(c.tally().matched()).isEqualTo(200);
            assertThat(c.tally().messagesCreated() + c.tally().heldOut()).isEqualTo(200);
        });
        assertThat(second).isInstanceOfSatisfying(CampaignRunService.Completed.class, c -> assertThat(c.tally().scanned()).isZero());
        assertThat(replayWithoutCheckpoints).isInstanceOfSatisfying(CampaignRunService.Completed.class,
                c -> assertThat(c.tally().messagesCreated()).isZero());
        assertThat(assertOneMessagePerUser("weekly_digest", "run-1")).isEqualTo(arms);
        assertThat(assigned("weekly_digest", "A") + assigned("weekly_digest", "B") + assigned("weekly_digest", "holdout")).isEqualTo(200);
        assertThat(assigned("weekly_digest", "holdout")).isEqualTo((long) arms.getOrDefault("holdout", 0));
        assertThat(assigned("weekly_digest", "A")).isEqualTo((long) arms.get("A"));
    }

    @Test
    void only_holdout_users_get_an_assignment_record_everyone_else_has_the_message_and_each_page_is_counted_once_per_arm() {
        users(USERS);
        campaigns.put("weekly_digest", json(DIGEST));
        services.campaignRun(runner, CampaignRunSettings.of(2).putConcurrency(3)).run(new CampaignRunner.Request("weekly_digest", "r1"), () -> Long.MAX_VALUE);

        Map<String, Integer> arms = assertOneMessagePerUser("weekly_digest", "r1");
        for (int i = 0; i < USERS; i++) {
            String userId = "u" + i;
            var record = services.dynamo().getItem(software.amazon.awssdk.services.dynamodb.model.GetItemRequest.builder()
                    .tableName(services.tables().state()).consistentRead(true)
                    .key(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("assign#weekly_digest#r1#" + userId)))
                    .build()).item();
            assertThat(record != null && !record.isEmpty()).as(userId).isEqualTo(pro(i) && heldOut(userId));
        }
        for (String arm : List.of("A", "B")) {
            List<io.nudge.stats.StatsStore.DayCounts> days = services.stats().read(Subject.campaignArm("weekly_digest", arm), null, null);
            assertThat(days.stream().mapToLong(d -> d.counts().getOrDefault("triggered", 0L)).sum()).isEqualTo((long) arms.get(arm));
            assertThat(assigned("weekly_digest", arm)).isEqualTo((long) arms.get(arm));
        }
        assertThat(assigned("weekly_digest", "holdout")).isEqualTo((long) arms.getOrDefault("holdout", 0));
    }

    @Test
    void a_put_retried_after_it_had_succeeded_still_counts_as_created_and_another_callers_put_does_not() {
        Message message = new Message(CampaignRunService.messageId("weekly_digest", "r", "u1"), "u1", "weekly_digest", "r",
                io.nudge.model.Channel.EMAIL, io.nudge.model.Priority.MARKETING, "digest_a", MessageStatus.READY, java.util.Optional.empty(),
                io.nudge.json.Json.object(), java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty(), clock.instant(), List.of());

        assertThat(services.messages().createIfAbsent(message, "attempt-1")).isTrue();
        assertThat(services.messages().createIfAbsent(message, "attempt-1")).as("the SDK's retry of the same request").isTrue();
        assertThat(services.messages().createIfAbsent(message, "attempt-2")).as("a replay by another invocation").isFalse();
        assertThat(services.messages().find(message.id())).isPresent();
        assertThat(services.messages().pendingFor("u1", "weekly_digest"))
                .as("a READY campaign message stays out of the pending index: a trigger of the same id cannot cancel it").isEmpty();
        assertThat(services.dynamo().getItem(b -> b.tableName(services.tables().messages())
                .key(java.util.Map.of("id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(message.id())))).item())
                .doesNotContainKeys("pendingUser", "pendingSort").containsKeys("inFlight", "userId");
    }

    @Test
    void a_second_run_assigns_every_user_the_same_arm() {
        users(60);
        campaigns.put("weekly_digest", json(DIGEST));
        CampaignRunService runs = services.campaignRun(runner, CampaignRunSettings.of(2));
        runs.run(new CampaignRunner.Request("weekly_digest", "w1"), () -> Long.MAX_VALUE);
        runs.run(new CampaignRunner.Request("weekly_digest", "w2"), () -> Long.MAX_VALUE);

        for (int i = 0; i < 60; i++) {
            List<Message> mine = services.messages().forUser("u" + i, 10);
            assertThat(mine.stream().map(m -> m.context().at("/campaign/arm").asText()).distinct()).hasSizeLessThanOrEqualTo(1);
            assertThat(mine).hasSize(pro(i) && !heldOut("u" + i) ? 2 : 0);
        }
    }

    @Test
    void resumed_after_a_crash_it_continues_from_the_checkpoint_without_duplicates() {
        users(USERS);
        campaigns.put("weekly_digest", json(DIGEST));
        CampaignRunService runs = services.campaignRun(runner, CampaignRunSettings.of(1));
        CampaignRunner.Request request = new CampaignRunner.Request("weekly_digest", "crash");
        AtomicInteger pages = new AtomicInteger();

        assertThatThrownBy(() -> runs.run(request, () -> {
            if (pages.incrementAndGet() > 2) {
                throw new IllegalStateException("the function died");
            }
            return Long.MAX_VALUE;
        })).hasMessageContaining("died");
        CampaignRunService.Outcome resumed = runs.run(request, () -> Long.MAX_VALUE);

        assertThat(resumed).isInstanceOfSatisfying(CampaignRunService.Completed.class,
                c -> assertThat(c.tally().scanned()).as("the two checkpointed pages are not read again").isEqualTo(USERS - 200));
        assertOneMessagePerUser("weekly_digest", "crash");
    }

    @Test
    void near_the_time_limit_it_continues_in_a_fresh_invocation_from_the_checkpoint() {
        users(USERS);
        campaigns.put("weekly_digest", json(DIGEST));
        CampaignRunService runs = services.campaignRun(runner, CampaignRunSettings.of(1));
        CampaignRunner.Request request = new CampaignRunner.Request("weekly_digest", "long");
        AtomicInteger pages = new AtomicInteger();

        CampaignRunService.Outcome first = runs.run(request, () -> pages.incrementAndGet() > 1 ? 59_000 : 900_000);

        assertThat(first).isInstanceOfSatisfying(CampaignRunService.Continued.class, c -> assertThat(c.tally().scanned()).isEqualTo(100));
        assertThat(started).containsExactly(request);
        CampaignRunService.Outcome next = runs.run(started.get(0), () -> 900_000);
        assertThat(next).isInstanceOfSatisfying(CampaignRunService.Completed.class, c -> assertThat(c.tally().scanned()).isEqualTo(200));
        assertOneMessagePerUser("weekly_digest", "long");
    }

    @Test
    void per_arm_stats_report_assignments_and_lift() {
        users(60);
        campaigns.put("weekly_digest", json(DIGEST));
        services.campaignRun(runner, CampaignRunSettings.of(1)).run(new CampaignRunner.Request("weekly_digest", "r"), () -> Long.MAX_VALUE);

        JsonNode report = CampaignStats.report(campaigns.find("weekly_digest").orElseThrow(), services.stats(), null, null);

        long total = 0;
        for (String arm : List.of("A", "B", "holdout")) {
            total += report.at("/arms/" + arm + "/assigned").asLong();
        }
        assertThat(total).isEqualTo(40);
        assertThat(report.at("/arms/A/triggered").asLong()).isEqualTo(report.at("/arms/A/assigned").asLong());
        assertThat(report.at("/arms/holdout/triggered").asLong()).isZero();
        assertThat(report.at("/lift/A/ci95")).hasSize(2);
    }

    @Test
    void goal_events_in_the_window_count_once_per_user_for_their_arm_holdout_included() {
        users(60);
        campaigns.put("weekly_digest", json(DIGEST));
        services.campaignRun(runner, CampaignRunSettings.of(1)).run(new CampaignRunner.Request("weekly_digest", "r"), () -> Long.MAX_VALUE);
        var evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        String held = java.util.stream.IntStream.range(0, 60).mapToObj(i -> "u" + i)
                .filter(u -> pro(Integer.parseInt(u.substring(1))) && heldOut(u)).findFirst().orElseThrow();
        String treated = java.util.stream.IntStream.range(0, 60).mapToObj(i -> "u" + i)
                .filter(u -> pro(Integer.parseInt(u.substring(1))) && !heldOut(u)).findFirst().orElseThrow();
        String treatedArm = services.messages().forUser(treated, 1).get(0).context().at("/campaign/arm").asText();

        clock.advance(java.time.Duration.ofDays(1));
        goal(evaluate, "g1", held);
        goal(evaluate, "g2", held);
        goal(evaluate, "g3", treated);
        goal(evaluate, "g4", "u2"); // not in the segment: never assigned
        clock.advance(java.time.Duration.ofDays(7));
        goal(evaluate, "g5", treated); // after the 7-day window

        assertThat(counter("weekly_digest", "holdout", GoalConversions.COUNTER)).isEqualTo(1);
        assertThat(counter("weekly_digest", treatedArm, GoalConversions.COUNTER)).isEqualTo(1);
        JsonNode report = CampaignStats.report(campaigns.find("weekly_digest").orElseThrow(), services.stats(), null, null);
        assertThat(report.at("/arms/holdout/goal_converted").asLong()).isEqualTo(1);
        assertThat(report.at("/lift/" + treatedArm + "/holdoutRate").asDouble()).isGreaterThan(0);
    }

    private void goal(io.nudge.evaluate.EvaluateService evaluate, String id, String userId) {
        evaluate.evaluate(new io.nudge.model.Event(id, userId, "purchase_completed",
                (com.fasterxml.jackson.databind.node.ObjectNode) json("{}"), clock.instant(), clock.instant()));
    }

    private long counter(String campaign, String arm, String name) {
        return services.stats().read(Subject.campaignArm(campaign, arm), null, null).stream()
                .mapToLong(d -> d.counts().getOrDefault(name, 0L)).sum();
    }

    private boolean heldOut(String userId) {
        return Arms.assign("weekly_digest", userId, 10, List.of(new CampaignDefinition.Variant("A", "digest_a", 50),
                new CampaignDefinition.Variant("B", "digest_b", 50))).equals("holdout");
    }

    private long assigned(String campaign, String arm) {
        return services.stats().read(Subject.campaignArm(campaign, arm), null, null).stream()
                .mapToLong(d -> d.counts().getOrDefault("assigned", 0L)).sum();
    }

    /** Every pro user outside the holdout has exactly one message of this run, with its arm's template; nobody else has one. */
    private Map<String, Integer> assertOneMessagePerUser(String campaign, String runId) {
        Map<String, Integer> arms = new HashMap<>();
        for (int i = 0; i < USERS; i++) {
            String userId = "u" + i;
            List<Message> mine = services.messages().forUser(userId, 10).stream()
                    .filter(m -> m.context().at("/campaign/runId").asText().equals(runId)).toList();
            if (services.users().find(userId).isEmpty()) {
                continue;
            }
            if (!pro(i)) {
                assertThat(mine).as(userId).isEmpty();
                continue;
            }
            if (heldOut(userId)) {
                assertThat(mine).as(userId).isEmpty();
                arms.merge("holdout", 1, Integer::sum);
                continue;
            }
            assertThat(mine).as(userId).singleElement().satisfies(m -> {
                assertThat(m.id()).isEqualTo(CampaignRunService.messageId(campaign, runId, userId));
                assertThat(m.status()).isEqualTo(MessageStatus.READY);
                assertThat(m.triggerId()).isEqualTo(campaign);
                assertThat(m.templateId()).isEqualTo(m.context().at("/campaign/arm").asText().equals("A") ? "digest_a" : "digest_b");
            });
            arms.merge(mine.get(0).context().at("/campaign/arm").asText(), 1, Integer::sum);
        }
        return arms;
    }
}
