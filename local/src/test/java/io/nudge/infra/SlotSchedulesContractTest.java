package io.nudge.infra;

import static io.nudge.infra.TemplateFixture.CAMPAIGN_SCHEDULES;
import static io.nudge.infra.TemplateFixture.RUN_CAMPAIGN_LIVE_ALIAS;
import static io.nudge.infra.TemplateFixture.SCHEDULER_ROLE;
import static io.nudge.infra.TemplateFixture.SCHEDULE_DLQ;
import static io.nudge.infra.TemplateFixture.SCHEDULE_GROUP;
import static io.nudge.infra.TemplateFixture.SCHEDULE_SENDS;
import static io.nudge.infra.TemplateFixture.SCHEDULE_SENDS_LIVE_ALIAS;
import static io.nudge.infra.TemplateFixture.SCHEDULE_SENDS_NAME;
import static io.nudge.infra.TemplateFixture.SLOT_SCHEDULES;
import static io.nudge.infra.TemplateFixture.SMS_STATUS_ROLE;
import static io.nudge.infra.TemplateFixture.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.store.TableDefinitions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** template.yaml for delayed messages: the slot schedule group, schedule-sends' name and grants, the Scheduler role. */
class SlotSchedulesContractTest {
    /** Its waiting instances' slots get their schedule from it, as delayed messages' do from schedule-sends. */
    private static final String ADVANCE_JOURNEYS = "AdvanceJourneysFunction";

    @Test
    void schedule_sends_has_a_fixed_name_so_its_live_alias_can_be_named() {
        JsonNode properties = template.resource(SCHEDULE_SENDS).path("Properties");
        assertThat(SamTemplate.text(properties.path("FunctionName"))).isEqualTo(SCHEDULE_SENDS_NAME);
        assertThat(template.functionProperty(SCHEDULE_SENDS, "AutoPublishAlias").asText()).isEqualTo("live");
        JsonNode env = properties.path("Environment").path("Variables");
        assertThat(SamTemplate.ref(env.path("NUDGE_SCHEDULE_GROUP"))).contains(SCHEDULE_GROUP);
        assertThat(SamTemplate.getAtt(env.path("NUDGE_SCHEDULER_ROLE_ARN"), "Arn")).contains(SCHEDULER_ROLE);
        assertThat(SamTemplate.getAtt(env.path("NUDGE_SCHEDULE_DLQ_ARN"), "Arn")).contains(SCHEDULE_DLQ);
        assertThat(SamTemplate.text(env.path("NUDGE_SCHEDULE_TARGET_ARN"))).isEqualTo(SCHEDULE_SENDS_LIVE_ALIAS);
        assertThat(template.globalsFunction().path("Environment").path("Variables").path("NUDGE_SLOT_SECONDS").asText())
                .as("slot width on AWS: Scheduler's one-minute precision").isEqualTo("60");
        // Scheduler invokes asynchronously: bounded retries, then the failure is kept with its payload.
        JsonNode async = properties.path("EventInvokeConfig");
        assertThat(async.path("MaximumRetryAttempts").asInt(-1)).isBetween(0, 2);
        assertThat(async.path("DestinationConfig").path("OnFailure").path("Type").asText()).isEqualTo("SQS");
        assertThat(SamTemplate.getAtt(async.path("DestinationConfig").path("OnFailure").path("Destination"), "Arn"))
                .contains(SCHEDULE_DLQ);
    }

    @Test
    void slot_schedules_live_in_their_own_group_and_only_schedule_sends_creates_them_there() {
        assertThat(template.resources("AWS::Scheduler::ScheduleGroup").keySet()).containsExactly(SCHEDULE_GROUP);
        assertThat(SamTemplate.text(template.resource(SCHEDULE_GROUP).path("Properties").path("Name")))
                .isEqualTo("${AWS::StackName}-slots");
        List<SamTemplate.Statement> scheduler = template.statements().stream()
                .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith("scheduler:"))).toList();
        assertThat(scheduler).hasSize(3);
        // schedule-sends for a delayed message's slot, advance-journeys for a waiting instance's
        assertThat(scheduler).filteredOn(s -> s.owner().equals(SCHEDULE_SENDS) || s.owner().equals(ADVANCE_JOURNEYS)).hasSize(2)
                .allSatisfy(s -> {
                    assertThat(s.effect()).isEqualTo("Allow");
                    assertThat(s.actions()).containsExactly("scheduler:CreateSchedule");
                    assertThat(s.resources()).map(SamTemplate::text).containsExactly(SLOT_SCHEDULES);
                });
        assertThat(scheduler).filteredOn(s -> s.owner().equals("IngestApiFunction")).singleElement().satisfies(s -> {
            assertThat(s.effect()).isEqualTo("Allow");
            assertThat(s.actions()).containsExactlyInAnyOrder("scheduler:CreateSchedule", "scheduler:UpdateSchedule",
                    "scheduler:DeleteSchedule", "scheduler:GetSchedule");
            assertThat(s.resources()).map(SamTemplate::text).containsExactly(CAMPAIGN_SCHEDULES);
        });
    }

    @Test
    void schedule_sends_passes_only_the_scheduler_role_and_only_to_scheduler() {
        List<SamTemplate.Statement> passRole = template.statements().stream()
                .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith("iam:"))).toList();
        assertThat(passRole).extracting(SamTemplate.Statement::owner).containsExactlyInAnyOrder(SCHEDULE_SENDS, ADVANCE_JOURNEYS,
                "IngestApiFunction");
        assertThat(passRole).allSatisfy(s -> {
            assertThat(s.effect()).isEqualTo("Allow");
            assertThat(s.actions()).containsExactly("iam:PassRole");
            assertThat(s.resources()).singleElement()
                    .satisfies(r -> assertThat(SamTemplate.getAtt(r, "Arn")).contains(SCHEDULER_ROLE));
            assertThat(s.node().path("Condition").path("StringEquals").path("iam:PassedToService").asText())
                    .isEqualTo("scheduler.amazonaws.com");
        });
    }

    @Test
    void the_scheduler_role_is_assumed_only_by_scheduler_for_this_account_and_may_only_fire_slots() {
        assertThat(template.resources("AWS::IAM::Role").keySet()).containsExactlyInAnyOrder(SCHEDULER_ROLE, SMS_STATUS_ROLE);
        JsonNode role = template.resource(SCHEDULER_ROLE).path("Properties");
        List<JsonNode> trust = SamTemplate.asList(role.path("AssumeRolePolicyDocument").path("Statement"));
        assertThat(trust).singleElement().satisfies(s -> {
            assertThat(s.path("Effect").asText()).isEqualTo("Allow");
            assertThat(SamTemplate.asList(s.path("Action"))).map(JsonNode::asText).containsExactly("sts:AssumeRole");
            assertThat(s.path("Principal").fieldNames()).toIterable().containsExactly("Service");
            assertThat(SamTemplate.asList(s.path("Principal").path("Service"))).map(JsonNode::asText)
                    .containsExactly("scheduler.amazonaws.com");
            JsonNode equals = s.path("Condition").path("StringEquals");
            assertThat(SamTemplate.ref(equals.path("aws:SourceAccount"))).as("aws:SourceAccount").contains("AWS::AccountId");
            assertThat(SamTemplate.text(equals.path("aws:SourceArn"))).as("aws:SourceArn")
                    .isEqualTo("arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule-group/${" + SCHEDULE_GROUP + "}");
        });
        assertThat(role.has("ManagedPolicyArns")).as("SchedulerRole managed policies").isFalse();
        Set<String> grants = new java.util.TreeSet<>();
        for (SamTemplate.Statement statement : template.statements()) {
            if (statement.owner().equals(SCHEDULER_ROLE)) {
                for (String action : statement.actions()) {
                    statement.resources().forEach(r -> grants.add(statement.effect() + " " + action + " "
                            + SamTemplate.getAtt(r, "Arn").map(id -> id + ".Arn").orElse(SamTemplate.text(r))));
                }
            }
        }
        assertThat(grants).containsExactlyInAnyOrder(
                "Allow lambda:InvokeFunction " + SCHEDULE_SENDS_LIVE_ALIAS,
                "Allow lambda:InvokeFunction " + RUN_CAMPAIGN_LIVE_ALIAS,
                "Allow sqs:SendMessage " + SCHEDULE_DLQ + ".Arn");
        JsonNode queue = template.resource(SCHEDULE_DLQ);
        assertThat(queue.path("Type").asText()).isEqualTo("AWS::SQS::Queue");
        assertThat(queue.path("Properties").path("SqsManagedSseEnabled").asBoolean(false)).as("DLQ SSE").isTrue();
        assertThat(queue.path("Properties").path("MessageRetentionPeriod").asInt()).as("DLQ retention").isEqualTo(1_209_600);
    }

    @Test
    void schedule_sends_may_only_claim_and_fire_slots_and_release_their_messages() {
        Set<String> grants = new java.util.TreeSet<>();
        for (SamTemplate.Statement statement : template.statements()) {
            if (statement.owner().equals(SCHEDULE_SENDS)) {
                for (String action : statement.actions()) {
                    if (action.startsWith("dynamodb:")) {
                        statement.resources().forEach(r -> grants.add(statement.effect() + " " + action + " "
                                + SamTemplate.tableArn(r).map(Object::toString).orElse(r.toString())));
                    }
                }
            }
        }
        assertThat(grants).containsExactlyInAnyOrder(
                "Allow dynamodb:GetItem SlotsTable",
                "Allow dynamodb:PutItem SlotsTable",
                "Allow dynamodb:UpdateItem SlotsTable",
                "Allow dynamodb:Query SlotsTable/index/" + TableDefinitions.SLOTS_UNFIRED,
                "Allow dynamodb:Query MessagesTable/index/" + TableDefinitions.MESSAGES_BY_SLOT,
                "Allow dynamodb:UpdateItem MessagesTable",
                "Allow dynamodb:PutItem DeadLettersTable",
                // a firing slot's waiting journey instances: found, read, woken (WAIT -> DUE)
                "Allow dynamodb:Query JourneyInstancesTable/index/" + TableDefinitions.JOURNEYS_BY_SLOT,
                "Allow dynamodb:GetItem JourneyInstancesTable", "Allow dynamodb:PutItem JourneyInstancesTable");
    }
}
