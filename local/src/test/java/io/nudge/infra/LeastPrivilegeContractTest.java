package io.nudge.infra;

import static io.nudge.infra.TemplateFixture.OPT_IN_ACTION;
import static io.nudge.infra.TemplateFixture.PROCESS_FEEDBACK;
import static io.nudge.infra.TemplateFixture.SMS_EXCEPTION_FUNCTION;
import static io.nudge.infra.TemplateFixture.dynamoGrants;
import static io.nudge.infra.TemplateFixture.grants;
import static io.nudge.infra.TemplateFixture.isPushEndpointGrant;
import static io.nudge.infra.TemplateFixture.isSlotScheduleGrant;
import static io.nudge.infra.TemplateFixture.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.store.TableDefinitions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/** template.yaml grants each function exactly what its code does, and nothing with a wildcard but the documented exceptions. */
class LeastPrivilegeContractTest {
    @Test
    void functions_get_permissions_only_from_inline_policy_statements() {
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(template.globalsFunction().has("Policies")).as("Globals.Function.Policies").isFalse();
        softly.assertThat(template.globalsFunction().has("Role")).as("Globals.Function.Role").isFalse();
        template.functions().forEach((id, function) -> {
            softly.assertThat(function.path("Properties").has("Role")).as("%s sets its own Role", id).isFalse();
            for (JsonNode policy : SamTemplate.asList(function.path("Properties").path("Policies"))) {
                softly.assertThat(policy.isObject() && policy.has("Statement"))
                        .as("%s policy %s is an inline document (managed policies and SAM policy templates cannot be checked)", id, policy)
                        .isTrue();
            }
        });
        softly.assertAll();
    }

    @Test
    void no_statement_grants_a_wildcard_action_or_resource_except_the_two_documented_sns_phone_number_actions() {
        List<SamTemplate.Statement> statements = template.statements();
        assertThat(statements).isNotEmpty();
        SoftAssertions softly = new SoftAssertions();
        List<SamTemplate.Statement> starResources = new ArrayList<>();
        for (SamTemplate.Statement statement : statements) {
            softly.assertThat(statement.node().has("NotAction") || statement.node().has("NotResource"))
                    .as("%s uses NotAction/NotResource", statement).isFalse();
            softly.assertThat(statement.actions()).as("%s actions", statement).isNotEmpty()
                    .noneMatch(action -> action.contains("*"));
            if (!"Allow".equals(statement.effect())) {
                continue;
            }
            for (JsonNode resource : statement.resources()) {
                if (resource.isTextual() && resource.asText().equals("*")) {
                    starResources.add(statement);
                } else if (!isSlotScheduleGrant(statement, resource) && !isPushEndpointGrant(statement, resource)) {
                    softly.assertThat(SamTemplate.text(resource)).as("%s resource", statement).doesNotContain("*");
                }
            }
            softly.assertThat(statement.resources()).as("%s resources", statement).isNotEmpty();
        }
        softly.assertAll();

        assertThat(starResources).as("Allow statements with Resource '*'").hasSize(2)
                .extracting(SamTemplate.Statement::owner).containsExactlyInAnyOrder(SMS_EXCEPTION_FUNCTION, PROCESS_FEEDBACK);
        SamTemplate.Statement sms = starResources.stream().filter(s -> s.owner().equals(SMS_EXCEPTION_FUNCTION)).findFirst().orElseThrow();
        assertThat(sms.actions()).containsExactly("sns:Publish");
        assertThat(sms.resources()).hasSize(1);
        assertThat(sms.node().has("Condition")).as("no SNS condition key narrows Publish to phone numbers").isFalse();

        SamTemplate.Statement optIn = starResources.stream().filter(s -> s.owner().equals(PROCESS_FEEDBACK)).findFirst().orElseThrow();
        assertThat(optIn.actions()).as("the opt-in exception is exactly one action").containsExactly(OPT_IN_ACTION);
        assertThat(optIn.resources()).hasSize(1);
        assertThat(statements).as("only %s may opt phone numbers back in", PROCESS_FEEDBACK)
                .filteredOn(s -> s.actions().contains(OPT_IN_ACTION)).containsExactly(optIn);
        assertThat(statements).as("SNS actions anywhere: the two exceptions and the push endpoint grants, nothing else")
                .filteredOn(s -> s.actions().stream().anyMatch(a -> a.startsWith("sns:")))
                .extracting(s -> s.owner() + " " + s.effect() + " " + s.actions())
                .containsExactlyInAnyOrder(SMS_EXCEPTION_FUNCTION + " Allow [sns:Publish]", SMS_EXCEPTION_FUNCTION + " Allow [sns:DeleteEndpoint]",
                        "IngestApiFunction Allow [sns:CreatePlatformEndpoint]", "IngestApiFunction Allow [sns:DeleteEndpoint]",
                        PROCESS_FEEDBACK + " Allow [" + OPT_IN_ACTION + "]");
    }

    @Test
    void dynamodb_grants_name_tables_and_indexes_of_this_template() {
        Map<String, JsonNode> tables = template.resources("AWS::DynamoDB::Table");
        SoftAssertions softly = new SoftAssertions();
        for (SamTemplate.Statement statement : template.statements()) {
            List<String> dynamo = statement.actions().stream().filter(a -> a.startsWith("dynamodb:")).toList();
            if (dynamo.isEmpty()) {
                continue;
            }
            softly.assertThat(dynamo).as("%s mixes DynamoDB with other services", statement).hasSameSizeAs(statement.actions());
            for (JsonNode resource : statement.resources()) {
                Optional<SamTemplate.TableArn> arn = SamTemplate.tableArn(resource);
                if (arn.isEmpty()) {
                    softly.fail("%s: %s is not a table or index ARN of this template", statement, resource);
                    continue;
                }
                JsonNode table = tables.get(arn.get().tableId());
                softly.assertThat(table).as("%s: %s is a DynamoDB table of this template", statement, arn.get().tableId()).isNotNull();
                if (table != null && arn.get().index().isPresent()) {
                    Set<String> indexes = new HashSet<>();
                    table.path("Properties").path("GlobalSecondaryIndexes").forEach(i -> indexes.add(i.path("IndexName").asText()));
                    softly.assertThat(indexes).as("%s: indexes of %s", statement, arn.get().tableId()).contains(arn.get().index().get());
                    softly.assertThat(dynamo).as("%s: actions on index %s", statement, arn.get())
                            .allMatch(a -> a.equals("dynamodb:Query") || a.equals("dynamodb:Scan"));
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void sweep_may_only_query_in_flight_messages_and_overdue_slots_and_update_them() {
        assertThat(grants("SweepFunction")).containsExactlyInAnyOrder(
                "Allow dynamodb:Query MessagesTable/index/" + TableDefinitions.MESSAGES_IN_FLIGHT,
                "Allow dynamodb:GetItem MessagesTable",
                "Allow dynamodb:UpdateItem MessagesTable",
                "Allow dynamodb:UpdateItem StatsTable",
                "Allow dynamodb:Query SlotsTable/index/" + TableDefinitions.SLOTS_UNFIRED,
                "Allow dynamodb:Query MessagesTable/index/" + TableDefinitions.MESSAGES_BY_SLOT,
                "Allow dynamodb:UpdateItem SlotsTable",
                // an overdue slot's waiting journey instances: found, read, woken (WAIT -> DUE)
                "Allow dynamodb:Query JourneyInstancesTable/index/" + TableDefinitions.JOURNEYS_BY_SLOT,
                "Allow dynamodb:GetItem JourneyInstancesTable", "Allow dynamodb:PutItem JourneyInstancesTable");
    }

    @Test
    void ingest_api_grants_are_exactly_what_the_api_does() {
        assertThat(dynamoGrants("IngestApiFunction")).containsExactlyInAnyOrder(
                "Allow dynamodb:GetItem ApiKeysTable", "Allow dynamodb:PutItem ApiKeysTable", "Allow dynamodb:UpdateItem ApiKeysTable",
                "Allow dynamodb:DeleteItem ApiKeysTable", "Allow dynamodb:Scan ApiKeysTable",
                "Allow dynamodb:GetItem EventsTable", "Allow dynamodb:PutItem EventsTable",
                // the user's timeline reads the events its index query found
                "Allow dynamodb:BatchGetItem EventsTable",
                // erasure and export find a user's events through the keys-only index, never by scanning the table
                "Allow dynamodb:Query EventsTable/index/" + TableDefinitions.EVENTS_BY_USER_TIME, "Allow dynamodb:DeleteItem EventsTable",
                "Allow dynamodb:GetItem UsersTable", "Allow dynamodb:PutItem UsersTable", "Allow dynamodb:UpdateItem UsersTable",
                "Allow dynamodb:DeleteItem UsersTable",
                // UpdateItem: DefinitionStore bumps the version item on every put and delete.
                "Allow dynamodb:GetItem DefinitionsTable", "Allow dynamodb:PutItem DefinitionsTable",
                "Allow dynamodb:UpdateItem DefinitionsTable", "Allow dynamodb:DeleteItem DefinitionsTable",
                "Allow dynamodb:Query DefinitionsTable",
                "Allow dynamodb:GetItem MessagesTable", "Allow dynamodb:UpdateItem MessagesTable",
                "Allow dynamodb:BatchGetItem MessagesTable",
                "Allow dynamodb:Query MessagesTable/index/" + TableDefinitions.MESSAGES_BY_USER,
                // GET /v1/messages: a trigger's or campaign's messages through the keys-only bySource index
                "Allow dynamodb:Query MessagesTable/index/" + TableDefinitions.MESSAGES_BY_SOURCE,
                // erasure deletes, and export lists, the dead letters that name the user (a Scan: the table is small)
                "Allow dynamodb:GetItem DeadLettersTable", "Allow dynamodb:Scan DeadLettersTable",
                "Allow dynamodb:DeleteItem DeadLettersTable",
                "Allow dynamodb:GetItem SuppressionsTable", "Allow dynamodb:PutItem SuppressionsTable",
                "Allow dynamodb:DeleteItem SuppressionsTable", "Allow dynamodb:Query SuppressionsTable",
                "Allow dynamodb:Query StatsTable",
                // segment previews: a bounded scan of users, the table's item count, their activity counters (month items)
                "Allow dynamodb:Scan UsersTable", "Allow dynamodb:DescribeTable UsersTable", "Allow dynamodb:GetItem StateTable",
                "Allow dynamodb:BatchGetItem StateTable",
                // per-key rate-limit windows (UpdateItem ADD), a user's per-user records on erasure (DeleteItem)
                "Allow dynamodb:UpdateItem StateTable", "Allow dynamodb:DeleteItem StateTable",
                // a user's journey instances: listed (GET /v1/users/{userId}/journeys, export) and erased; a deleted
                // journey's active ones ended (found through activeByJourney, a conditional put, counted in Stats)
                "Allow dynamodb:Query JourneyInstancesTable/index/" + TableDefinitions.JOURNEYS_BY_USER,
                "Allow dynamodb:Query JourneyInstancesTable/index/" + TableDefinitions.JOURNEYS_ACTIVE_BY_JOURNEY,
                "Allow dynamodb:GetItem JourneyInstancesTable", "Allow dynamodb:PutItem JourneyInstancesTable",
                "Allow dynamodb:DeleteItem JourneyInstancesTable", "Allow dynamodb:UpdateItem StatsTable",
                // the stream out: consent changes recorded; a user's events and queued webhook events erased and exported;
                // a subscription's delivery log read
                "Allow dynamodb:PutItem OutboundTable", "Allow dynamodb:Query OutboundTable", "Allow dynamodb:DeleteItem OutboundTable",
                "Allow dynamodb:Query WebhookDeliveriesTable", "Allow dynamodb:DeleteItem WebhookDeliveriesTable");
    }

    @Test
    void evaluate_grants_are_exactly_what_evaluation_does() {
        assertThat(grants("EvaluateTriggersFunction")).containsExactlyInAnyOrder(
                "Allow dynamodb:GetItem UsersTable", "Allow dynamodb:PutItem UsersTable",
                "Allow dynamodb:GetItem DefinitionsTable", "Allow dynamodb:Query DefinitionsTable",
                "Allow dynamodb:GetItem MessagesTable", "Allow dynamodb:PutItem MessagesTable", "Allow dynamodb:UpdateItem MessagesTable",
                // the keys-only pending and byUser indexes find messages, BatchGetItem reads them
                "Allow dynamodb:BatchGetItem MessagesTable",
                "Allow dynamodb:Query MessagesTable/index/" + TableDefinitions.MESSAGES_PENDING,
                // conversions: the user's recent messages
                "Allow dynamodb:Query MessagesTable/index/" + TableDefinitions.MESSAGES_BY_USER,
                "Allow dynamodb:GetItem StateTable", "Allow dynamodb:PutItem StateTable", "Allow dynamodb:UpdateItem StateTable",
                // segment conditions read the user's activity month items
                "Allow dynamodb:BatchGetItem StateTable",
                "Allow dynamodb:UpdateItem EventsTable",
                "Allow dynamodb:PutItem DeadLettersTable",
                "Allow dynamodb:UpdateItem StatsTable",
                // journeys: entries, a waited-for event, exits (conditional puts); the user's active instances
                "Allow dynamodb:GetItem JourneyInstancesTable", "Allow dynamodb:PutItem JourneyInstancesTable",
                "Allow dynamodb:Query JourneyInstancesTable/index/" + TableDefinitions.JOURNEYS_ACTIVE_BY_USER,
                // the stream out: conversions and journey entries and exits
                "Allow dynamodb:PutItem OutboundTable");
    }

    @Test
    void advance_journeys_grants_are_exactly_what_running_steps_does() {
        assertThat(dynamoGrants("AdvanceJourneysFunction")).containsExactlyInAnyOrder(
                "Allow dynamodb:GetItem JourneyInstancesTable", "Allow dynamodb:PutItem JourneyInstancesTable",
                "Allow dynamodb:GetItem DefinitionsTable", "Allow dynamodb:Query DefinitionsTable",
                // a send step's message, an exit's cancel, a branch's read of an earlier step's message
                "Allow dynamodb:GetItem MessagesTable", "Allow dynamodb:PutItem MessagesTable", "Allow dynamodb:UpdateItem MessagesTable",
                // branch conditions read the profile, update_user writes it
                "Allow dynamodb:GetItem UsersTable", "Allow dynamodb:PutItem UsersTable",
                // a waiting instance's slot: the electing put, the check, marking it scheduled
                "Allow dynamodb:GetItem SlotsTable", "Allow dynamodb:PutItem SlotsTable", "Allow dynamodb:UpdateItem SlotsTable",
                "Allow dynamodb:PutItem DeadLettersTable",
                // the journey's counters: one ADD per edge taken and per end
                "Allow dynamodb:UpdateItem StatsTable",
                // the stream out: journey exits
                "Allow dynamodb:PutItem OutboundTable");
    }

    @Test
    void deliver_dynamodb_grants_are_exactly_what_the_guards_and_the_send_do() {
        assertThat(dynamoGrants("DeliverFunction")).containsExactlyInAnyOrder(
                "Allow dynamodb:GetItem MessagesTable", "Allow dynamodb:UpdateItem MessagesTable",
                // carrier opt-outs recorded on the profile
                "Allow dynamodb:GetItem UsersTable", "Allow dynamodb:PutItem UsersTable",
                "Allow dynamodb:GetItem DefinitionsTable", "Allow dynamodb:Query DefinitionsTable",
                "Allow dynamodb:PutItem DeadLettersTable",
                // frequency caps (versioned item per user) and shared rate counters
                "Allow dynamodb:GetItem StateTable", "Allow dynamodb:PutItem StateTable", "Allow dynamodb:UpdateItem StateTable",
                "Allow dynamodb:GetItem SuppressionsTable", "Allow dynamodb:PutItem SuppressionsTable",
                "Allow dynamodb:UpdateItem StatsTable",
                // the stream out: sent, failed, suppressed
                "Allow dynamodb:PutItem OutboundTable");
    }

    @Test
    void deliver_sends_email_only_as_the_sender_identity_with_the_configuration_set() {
        List<SamTemplate.Statement> ses = template.statements().stream()
                .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith("ses:"))).toList();
        assertThat(ses).hasSize(1);
        SamTemplate.Statement send = ses.get(0);
        assertThat(send.owner()).isEqualTo("DeliverFunction");
        assertThat(send.actions()).containsExactly("ses:SendEmail");
        assertThat(send.resources()).map(SamTemplate::text).containsExactlyInAnyOrder(
                "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${SesIdentity}",
                "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${SesConfigurationSet}");
        assertThat(template.resource("SesConfigurationSet").path("Type").asText()).isEqualTo("AWS::SES::ConfigurationSet");
        assertThat(template.root.path("Parameters").has("SesIdentity")).isTrue();
        JsonNode env = template.resource("DeliverFunction").path("Properties").path("Environment").path("Variables");
        assertThat(SamTemplate.ref(env.path("NUDGE_EMAIL_FROM"))).contains("SenderEmail");
        assertThat(SamTemplate.ref(env.path("NUDGE_SES_CONFIGURATION_SET"))).contains("SesConfigurationSet");
    }
}
