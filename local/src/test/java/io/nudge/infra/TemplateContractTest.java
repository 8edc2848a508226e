package io.nudge.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.nudge.config.Tables;
import io.nudge.guards.GuardSettings;
import io.nudge.model.MessageStatus;
import io.nudge.store.TableDefinitions;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * template.yaml against what it deploys: the function jars Maven built, the handlers' environment, the tables as
 * {@link TableDefinitions} creates them locally, the stream mappings' failure handling, least privilege, the SAM
 * schema, and the sample events in events/.
 *
 * <p>Runs in the local module's test phase, after the function modules were packaged in the same reactor.
 */
class TemplateContractTest {
    private static final String EVENTS = "com.amazonaws.services.lambda.runtime.events.";
    /** Stands for "implements RequestStreamHandler" in INPUT_TYPES: the handler reads raw JSON, several shapes. */
    private static final String REQUEST_STREAM_HANDLER = "com.amazonaws.services.lambda.runtime.RequestStreamHandler";

    /** Every function the template declares, with the event type its handler must take. */
    private static final Map<String, String> INPUT_TYPES = Map.of(
            "IngestApiFunction", EVENTS + "APIGatewayV2HTTPEvent",
            "EvaluateTriggersFunction", EVENTS + "DynamodbEvent",
            "DeliverFunction", EVENTS + "DynamodbEvent",
            "SweepFunction", EVENTS + "ScheduledEvent",
            "RunCampaignFunction", "java.util.Map<java.lang.String, java.lang.Object>",
            "ScheduleSendsFunction", REQUEST_STREAM_HANDLER,
            "ProcessFeedbackFunction", REQUEST_STREAM_HANDLER);

    /**
     * Functions whose module is still being written: while their jar is absent, the jar and handler checks for them
     * are skipped (with an assumption message, after every other function was checked). Remove an entry once the
     * module is in main.
     */
    private static final Set<String> PENDING_MODULES = Set.of();

    /** TTL is set outside CreateTableRequest (TableDefinitions.createMissing), always on {@code expiresAt}. */
    private static final Map<String, String> TTL_ATTRIBUTES = TableDefinitions.TTL_TABLES.apply(Tables.withPrefix("")).stream()
            .collect(Collectors.toMap(table -> table, table -> "expiresAt"));

    /** The first Allow with Resource '*': SNS Publish to phone numbers, which has no resource ARN. */
    private static final String SMS_EXCEPTION_FUNCTION = "DeliverFunction";
    /** Push: endpoints are per device and platform applications are parameters, so these two patterns are allowed. */
    private static final String PUSH_APPS = "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:app/*";
    private static final String PUSH_ENDPOINTS = "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:endpoint/*";
    /** The second: sns:OptInPhoneNumber acts on a phone number, not on an SNS resource. */
    private static final String PROCESS_FEEDBACK = "ProcessFeedbackFunction";
    private static final String OPT_IN_ACTION = "sns:OptInPhoneNumber";

    /** Feedback: SES events through one topic, SMS receipts through SNS's delivery-status log groups. */
    private static final String SES_TOPIC = "SesEventsTopic";
    private static final String SES_TOPIC_KEY = "SesEventsKey";
    private static final List<String> SES_EVENT_TYPES = List.of("SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "OPEN",
            "CLICK", "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION");
    private static final String SMS_STATUS_ROLE = "SmsDeliveryStatusRole";
    private static final Map<String, String> SMS_DELIVERY_LOG_GROUPS = Map.of(
            "SmsDeliveryLogGroup", "sns/${AWS::Region}/${AWS::AccountId}/DirectPublishToPhoneNumber",
            "SmsDeliveryFailureLogGroup", "sns/${AWS::Region}/${AWS::AccountId}/DirectPublishToPhoneNumber/Failure");
    private static final String FEEDBACK_QUEUE = "FeedbackFailureQueue";

    /** Delayed messages: slot schedules, created by schedule-sends, invoke its live alias with the Scheduler role. */
    private static final String SCHEDULE_SENDS = "ScheduleSendsFunction";
    private static final String SCHEDULE_GROUP = "SlotScheduleGroup";
    private static final String SCHEDULER_ROLE = "SchedulerRole";
    private static final String SCHEDULE_DLQ = "ScheduleDeadLetterQueue";
    private static final String SCHEDULE_SENDS_NAME = "${AWS::StackName}-schedule-sends";
    private static final String RUN_CAMPAIGN_LIVE_ALIAS =
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${AWS::StackName}-run-campaign:live";
    /** Campaign schedules, kept by ingest-api when a campaign is saved: named nudge-campaign-<id> in the same group. */
    private static final String CAMPAIGN_SCHEDULES =
            "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/${SlotScheduleGroup}/nudge-campaign-*";
    private static final String SCHEDULE_SENDS_LIVE_ALIAS =
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:" + SCHEDULE_SENDS_NAME + ":live";
    /** The one Allow resource with a '*' inside: schedules are named per slot, so CreateSchedule covers the group. */
    private static final String SLOT_SCHEDULES =
            "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/${" + SCHEDULE_GROUP + "}/*";

    private static Path repo;
    private static SamTemplate template;

    @BeforeAll
    static void readTemplate() {
        repo = SamTemplate.findRepo();
        template = SamTemplate.load(repo);
    }

    // ------------------------------------------------------------------ jars and handlers

    @Test
    void every_function_jar_exists_and_holds_its_handler_for_the_expected_event_type() throws Exception {
        assertThat(template.functions().keySet())
                .as("functions in template.yaml (add an expected input type here for a new one)")
                .containsExactlyInAnyOrderElementsOf(INPUT_TYPES.keySet());
        SoftAssertions softly = new SoftAssertions();
        List<String> pending = new ArrayList<>();
        for (String function : template.functions().keySet()) {
            Path jar = codeUri(function);
            if (PENDING_MODULES.contains(function) && !Files.isRegularFile(jar)) {
                pending.add(function + " (" + repo.relativize(jar) + ")");
                continue;
            }
            softly.assertThat(jar).as("%s CodeUri (run ./mvnw package first)", function).isRegularFile();
            if (!Files.isRegularFile(jar)) {
                continue;
            }
            String handler = template.functionProperty(function, "Handler").asText();
            try (HandlerJar opened = HandlerJar.open(jar)) {
                Class<?> type = opened.load(HandlerJar.className(handler), false);
                boolean stream = INPUT_TYPES.get(function).equals(REQUEST_STREAM_HANDLER);
                if (stream) {
                    softly.assertThat(implementsInterface(type, REQUEST_STREAM_HANDLER))
                            .as("%s: %s implements RequestStreamHandler", function, type.getName()).isTrue();
                    softly.assertThat(HandlerJar.requestHandlerInput(type))
                            .as("%s: %s is a stream handler, not also a RequestHandler", function, type.getName()).isEmpty();
                } else {
                    softly.assertThat(HandlerJar.requestHandlerInput(type))
                            .as("%s: %s implements RequestHandler<input, ?>", function, type.getName())
                            .contains(INPUT_TYPES.get(function));
                }
                String method = HandlerJar.methodName(handler);
                int parameters = stream ? 3 : 2;
                softly.assertThat(Arrays.stream(type.getMethods())
                                .filter(m -> m.getName().equals(method) && m.getParameterCount() == parameters)
                                .map(Method::getName).findAny())
                        .as("%s: %s has %s(%s, Context)", function, type.getName(), method, stream ? "InputStream, OutputStream" : "input")
                        .isPresent();
            } catch (ClassNotFoundException e) {
                softly.fail("%s: handler class %s is not in %s", function, HandlerJar.className(handler), repo.relativize(jar));
            }
        }
        softly.assertAll();
        assumeTrue(pending.isEmpty(), "every other function checked; jar and handler not checked for modules still being written: " + pending);
    }

    @Test
    void every_environment_variable_a_handler_reads_is_set_for_its_function() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        List<String> unchecked = new ArrayList<>();
        for (String function : template.functions().keySet()) {
            Path jar = codeUri(function);
            if (!Files.isRegularFile(jar)) {
                unchecked.add(function + (PENDING_MODULES.contains(function) ? " (module still being written)" : " (run ./mvnw package first)"));
                continue;
            }
            String handler = template.functionProperty(function, "Handler").asText();
            try (HandlerJar opened = HandlerJar.open(jar)) {
                Class<?> type = opened.load(HandlerJar.className(handler), true);
                List<String> reads = HandlerJar.environment(type);
                softly.assertThat(template.environmentOf(function))
                        .as("%s environment (Globals + own) vs %s.ENVIRONMENT", function, type.getSimpleName())
                        .containsAll(reads);
            }
        }
        softly.assertAll();
        assumeTrue(unchecked.isEmpty(), "every other function checked; no jar for " + unchecked);
    }

    // ------------------------------------------------------------------ least privilege

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
                "Allow dynamodb:UpdateItem SlotsTable");
    }

    @Test
    void ingest_api_grants_are_exactly_what_the_api_does() {
        assertThat(dynamoGrants("IngestApiFunction")).containsExactlyInAnyOrder(
                "Allow dynamodb:GetItem ApiKeysTable", "Allow dynamodb:PutItem ApiKeysTable", "Allow dynamodb:UpdateItem ApiKeysTable",
                "Allow dynamodb:DeleteItem ApiKeysTable", "Allow dynamodb:Scan ApiKeysTable",
                "Allow dynamodb:GetItem EventsTable", "Allow dynamodb:PutItem EventsTable",
                // erasure and export find a user's events through the keys-only index, never by scanning the table
                "Allow dynamodb:Query EventsTable/index/" + TableDefinitions.EVENTS_BY_USER, "Allow dynamodb:DeleteItem EventsTable",
                "Allow dynamodb:GetItem UsersTable", "Allow dynamodb:PutItem UsersTable", "Allow dynamodb:UpdateItem UsersTable",
                "Allow dynamodb:DeleteItem UsersTable",
                // UpdateItem: DefinitionStore bumps the version item on every put and delete.
                "Allow dynamodb:GetItem DefinitionsTable", "Allow dynamodb:PutItem DefinitionsTable",
                "Allow dynamodb:UpdateItem DefinitionsTable", "Allow dynamodb:DeleteItem DefinitionsTable",
                "Allow dynamodb:Query DefinitionsTable",
                "Allow dynamodb:GetItem MessagesTable", "Allow dynamodb:UpdateItem MessagesTable",
                "Allow dynamodb:BatchGetItem MessagesTable",
                "Allow dynamodb:Query MessagesTable/index/" + TableDefinitions.MESSAGES_BY_USER,
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
                "Allow dynamodb:UpdateItem StateTable", "Allow dynamodb:DeleteItem StateTable");
    }

    @Test
    void the_key_rate_limit_parameter_defaults_to_the_code_default_and_reaches_ingest_api_only() {
        JsonNode parameter = template.root.path("Parameters").path("ApiKeyRateLimit");
        assertThat(io.nudge.ratelimit.RateLimit.parse(parameter.path("Default").asText())).isEqualTo(io.nudge.ratelimit.RateLimit.DEFAULT);
        java.util.regex.Pattern allowed = java.util.regex.Pattern.compile(parameter.path("AllowedPattern").asText());
        assertThat(List.of("off", "100/s burst 200", "30/m", "0.5/s burst 1")).allMatch(v -> allowed.matcher(v).matches());
        assertThat(List.of("", "fast", "100/d")).noneMatch(v -> allowed.matcher(v).matches());
        template.functions().forEach((id, function) -> assertThat(function.path("Properties").path("Environment").path("Variables")
                .has(io.nudge.ratelimit.RateLimit.VARIABLE)).as(id).isEqualTo(id.equals("IngestApiFunction")));
    }

    @Test
    void every_table_queue_and_topic_is_encrypted_at_rest() {
        Map<String, JsonNode> tables = template.resources("AWS::DynamoDB::Table");
        assertThat(tables).hasSizeGreaterThanOrEqualTo(10);
        SoftAssertions softly = new SoftAssertions();
        // DynamoDB always encrypts; SSEEnabled true makes it a KMS key (aws/dynamodb) whose use CloudTrail records
        tables.forEach((id, table) -> softly.assertThat(table.path("Properties").path("SSESpecification").path("SSEEnabled").asBoolean(false))
                .as("%s SSESpecification.SSEEnabled", id).isTrue());
        template.resources("AWS::SQS::Queue").forEach((id, queue) -> softly.assertThat(
                queue.path("Properties").path("SqsManagedSseEnabled").asBoolean(false) || queue.path("Properties").has("KmsMasterKeyId"))
                .as("%s encryption", id).isTrue());
        template.resources("AWS::SNS::Topic").forEach((id, topic) ->
                softly.assertThat(topic.path("Properties").has("KmsMasterKeyId")).as("%s KmsMasterKeyId", id).isTrue());
        softly.assertAll();
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
                "Allow dynamodb:UpdateItem StatsTable");
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
                "Allow dynamodb:UpdateItem StatsTable");
    }

    @Test
    void deliver_reads_the_guard_settings_from_parameters_whose_defaults_are_the_code_defaults() {
        JsonNode env = template.resource("DeliverFunction").path("Properties").path("Environment").path("Variables");
        Map<String, String> parameterOf = Map.of(
                GuardSettings.QUIET_HOURS, "QuietHours",
                GuardSettings.DEFAULT_TIMEZONE, "DefaultTimezone",
                GuardSettings.FREQUENCY_CAPS, "FrequencyCaps",
                GuardSettings.RATE_LIMITS, "RateLimits");
        assertThat(parameterOf.keySet()).containsExactlyInAnyOrderElementsOf(GuardSettings.ENVIRONMENT);
        Map<String, String> defaults = new TreeMap<>();
        SoftAssertions softly = new SoftAssertions();
        parameterOf.forEach((variable, parameter) -> {
            softly.assertThat(SamTemplate.ref(env.path(variable))).as("DeliverFunction %s", variable).contains(parameter);
            JsonNode declared = template.root.path("Parameters").path(parameter);
            String value = declared.path("Default").asText();
            defaults.put(variable, value);
            softly.assertThat(value).as("%s default", parameter).isNotBlank()
                    .matches(declared.path("AllowedPattern").asText(".*"));
            softly.assertThat(declared.path("Description").asText()).as("%s description", parameter).contains(variable);
        });
        softly.assertAll();
        assertThat(GuardSettings.fromEnvironment(defaults)).as("the parameters' defaults, parsed as deliver parses them")
                .isEqualTo(GuardSettings.defaults());
        String rates = template.root.path("Parameters").path("RateLimits").path("Description").asText();
        assertThat(rates).as("RateLimits tells users to set their real limits").contains("SES").contains("MPS");
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

    // ------------------------------------------------------------------ tables

    @Test
    void tables_have_the_keys_indexes_and_streams_of_table_definitions() {
        List<CreateTableRequest> expected = TableDefinitions.all(Tables.withPrefix(""));
        Map<String, JsonNode> tables = template.resources("AWS::DynamoDB::Table");
        assertThat(tables.keySet()).as("tables in template.yaml")
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(t -> t.tableName() + "Table").toList());
        SoftAssertions softly = new SoftAssertions();
        for (CreateTableRequest table : expected) {
            String id = table.tableName() + "Table";
            JsonNode properties = tables.get(id).path("Properties");
            softly.assertThat(properties.path("BillingMode").asText()).as("%s billing", id).isEqualTo(table.billingModeAsString());
            softly.assertThat(keys(properties.path("KeySchema"))).as("%s key schema", id).isEqualTo(keys(table.keySchema()));
            softly.assertThat(attributes(properties.path("AttributeDefinitions"))).as("%s attributes", id)
                    .isEqualTo(table.attributeDefinitions().stream()
                            .collect(Collectors.toMap(a -> a.attributeName(), a -> a.attributeTypeAsString(), (a, b) -> a, TreeMap::new)));
            softly.assertThat(indexes(properties.path("GlobalSecondaryIndexes"))).as("%s global secondary indexes", id)
                    .isEqualTo(indexes(table.globalSecondaryIndexes()));
            softly.assertThat(properties.has("LocalSecondaryIndexes")).as("%s local secondary indexes", id).isFalse();
            String streamView = table.streamSpecification() == null || !Boolean.TRUE.equals(table.streamSpecification().streamEnabled())
                    ? null : table.streamSpecification().streamViewTypeAsString();
            JsonNode stream = properties.path("StreamSpecification").path("StreamViewType");
            softly.assertThat(stream.isMissingNode() ? null : stream.asText()).as("%s stream view type", id).isEqualTo(streamView);
            JsonNode ttl = properties.path("TimeToLiveSpecification");
            softly.assertThat(ttl.path("Enabled").asBoolean(false) ? ttl.path("AttributeName").asText() : null)
                    .as("%s TTL attribute", id).isEqualTo(TTL_ATTRIBUTES.get(table.tableName()));
            softly.assertThat(properties.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean(false))
                    .as("%s point-in-time recovery", id).isTrue();
            softly.assertThat(properties.path("SSESpecification").path("SSEEnabled").asBoolean(false)).as("%s SSE", id).isTrue();
            softly.assertThat(properties.has("TableName")).as("%s has a fixed TableName (stacks could not coexist)", id).isFalse();
        }
        softly.assertAll();
    }

    @Test
    void dead_letters_expire_after_a_retention_parameter_that_defaults_to_the_code_default_and_reaches_every_function() {
        JsonNode ttl = template.resource("DeadLettersTable").path("Properties").path("TimeToLiveSpecification");
        assertThat(ttl.path("Enabled").asBoolean(false)).as("DeadLettersTable TTL").isTrue();
        assertThat(ttl.path("AttributeName").asText()).isEqualTo("expiresAt");
        assertThat(TableDefinitions.TTL_TABLES.apply(Tables.withPrefix(""))).as("local mode expires them too").contains("DeadLetters");

        JsonNode parameter = template.root.path("Parameters").path("DeadLetterRetentionDays");
        assertThat(io.nudge.config.DeadLetterRetention.fromEnvironment(Map.of(io.nudge.config.DeadLetterRetention.ENV,
                parameter.path("Default").asText()))).as("the parameter's default, parsed as the functions parse it")
                .isEqualTo(io.nudge.config.DeadLetterRetention.DEFAULT);
        assertThat(parameter.path("MinValue").asInt()).isEqualTo(1);
        assertThat(io.nudge.config.DeadLetterRetention.fromEnvironment(Map.of(io.nudge.config.DeadLetterRetention.ENV,
                parameter.path("MaxValue").asText()))).as("the largest value the parameter allows starts").isPositive();
        assertThat(parameter.path("Description").asText()).contains(io.nudge.config.DeadLetterRetention.ENV);
        assertThat(SamTemplate.ref(template.globalsFunction().path("Environment").path("Variables")
                .path(io.nudge.config.DeadLetterRetention.ENV))).as("Globals, so every function that dead-letters has it")
                .contains("DeadLetterRetentionDays");
    }

    // ------------------------------------------------------------------ stream mappings

    @Test
    void stream_mappings_report_item_failures_and_bound_retries_with_an_on_failure_queue() {
        Map<String, JsonNode> queues = template.resources("AWS::SQS::Queue");
        int mappings = 0;
        SoftAssertions softly = new SoftAssertions();
        for (String function : template.functions().keySet()) {
            for (Map.Entry<String, JsonNode> event : template.events(function, "DynamoDB").entrySet()) {
                mappings++;
                String name = function + "." + event.getKey();
                JsonNode p = event.getValue();
                Optional<String> table = SamTemplate.getAtt(p.path("Stream"), "StreamArn");
                softly.assertThat(table).as("%s Stream is a table's StreamArn", name).isPresent();
                table.ifPresent(t -> softly.assertThat(template.resource(t).path("Properties").has("StreamSpecification"))
                        .as("%s: %s has a stream", name, t).isTrue());
                softly.assertThat(p.path("StartingPosition").asText()).as("%s StartingPosition", name).isIn("TRIM_HORIZON", "LATEST");
                softly.assertThat(SamTemplate.asList(p.path("FunctionResponseTypes"))).map(JsonNode::asText)
                        .as("%s FunctionResponseTypes", name).contains("ReportBatchItemFailures");
                softly.assertThat(p.path("MaximumRetryAttempts").isInt() ? p.path("MaximumRetryAttempts").asInt() : -1)
                        .as("%s MaximumRetryAttempts (finite: a failing record holds the shard)", name).isBetween(0, 10);
                softly.assertThat(p.path("BisectBatchOnFunctionError").asBoolean(false)).as("%s BisectBatchOnFunctionError", name).isTrue();
                softly.assertThat(p.path("MaximumRecordAgeInSeconds").isInt() ? p.path("MaximumRecordAgeInSeconds").asInt() : -1)
                        .as("%s MaximumRecordAgeInSeconds (finite)", name).isBetween(60, 604_800);
                softly.assertThat(p.path("BatchSize").isInt()).as("%s BatchSize", name).isTrue();
                JsonNode onFailure = p.path("DestinationConfig").path("OnFailure");
                softly.assertThat(onFailure.path("Type").asText()).as("%s OnFailure Type (SAM then grants sqs:SendMessage)", name).isEqualTo("SQS");
                softly.assertThat(SamTemplate.getAtt(onFailure.path("Destination"), "Arn").filter(queues::containsKey))
                        .as("%s OnFailure Destination is a queue of this template", name).isPresent();
            }
        }
        softly.assertAll();
        assertThat(mappings).as("DynamoDB stream mappings").isEqualTo(3);
    }

    @Test
    void deliver_stream_filter_selects_only_ready_messages() throws IOException {
        JsonNode mapping = onlyStreamEvent("DeliverFunction");
        assertThat(SamTemplate.getAtt(mapping.path("Stream"), "StreamArn")).contains("MessagesTable");
        EventFilter filter = EventFilter.of(mapping.path("FilterCriteria"));
        assertThat(filter.size()).as("deliver filters").isPositive();
        JsonNode ready = firstRecord("ddb-messages-ready.json");
        assertThat(filter.selects(ready)).as("the READY sample").isTrue();
        for (MessageStatus status : MessageStatus.values()) {
            for (String eventName : List.of("INSERT", "MODIFY", "REMOVE")) {
                ObjectNode record = ready.deepCopy();
                record.put("eventName", eventName);
                ((ObjectNode) record.path("dynamodb").path("NewImage").path("status")).put("S", status.name());
                boolean shouldSelect = status == MessageStatus.READY && !eventName.equals("REMOVE");
                assertThat(filter.selects(record)).as("%s of a %s message", eventName, status).isEqualTo(shouldSelect);
            }
        }
        ObjectNode noStatus = ready.deepCopy();
        ((ObjectNode) noStatus.path("dynamodb").path("NewImage")).remove("status");
        assertThat(filter.selects(noStatus)).as("a message without status").isFalse();
    }

    @Test
    void schedule_sends_stream_filter_selects_only_scheduled_messages() throws IOException {
        JsonNode mapping = onlyStreamEvent(SCHEDULE_SENDS);
        assertThat(SamTemplate.getAtt(mapping.path("Stream"), "StreamArn")).contains("MessagesTable");
        EventFilter filter = EventFilter.of(mapping.path("FilterCriteria"));
        assertThat(filter.size()).as("schedule-sends filters").isPositive();
        JsonNode scheduled = firstRecord("ddb-messages-scheduled.json");
        assertThat(filter.selects(scheduled)).as("the SCHEDULED sample").isTrue();
        for (MessageStatus status : MessageStatus.values()) {
            for (String eventName : List.of("INSERT", "MODIFY", "REMOVE")) {
                ObjectNode record = scheduled.deepCopy();
                record.put("eventName", eventName);
                ((ObjectNode) record.path("dynamodb").path("NewImage").path("status")).put("S", status.name());
                boolean shouldSelect = status == MessageStatus.SCHEDULED && !eventName.equals("REMOVE");
                assertThat(filter.selects(record)).as("%s of a %s message", eventName, status).isEqualTo(shouldSelect);
            }
        }
        ObjectNode noStatus = scheduled.deepCopy();
        ((ObjectNode) noStatus.path("dynamodb").path("NewImage")).remove("status");
        assertThat(filter.selects(noStatus)).as("a message without status").isFalse();
    }

    @Test
    void the_messages_stream_has_two_readers_that_never_see_the_same_record() throws IOException {
        List<String> readers = new ArrayList<>();
        for (String function : template.functions().keySet()) {
            template.events(function, "DynamoDB").values().stream()
                    .filter(p -> SamTemplate.getAtt(p.path("Stream"), "StreamArn").filter("MessagesTable"::equals).isPresent())
                    .forEach(p -> readers.add(function));
        }
        assertThat(readers).as("readers of the Messages stream (a stream serves two consumers well)")
                .containsExactlyInAnyOrder("DeliverFunction", SCHEDULE_SENDS);
        EventFilter deliver = EventFilter.of(onlyStreamEvent("DeliverFunction").path("FilterCriteria"));
        EventFilter scheduleSends = EventFilter.of(onlyStreamEvent(SCHEDULE_SENDS).path("FilterCriteria"));
        JsonNode ready = firstRecord("ddb-messages-ready.json");
        JsonNode scheduled = firstRecord("ddb-messages-scheduled.json");
        assertThat(deliver.selects(scheduled)).as("deliver gets the SCHEDULED sample").isFalse();
        assertThat(scheduleSends.selects(ready)).as("schedule-sends gets the READY sample").isFalse();
    }

    @Test
    void evaluate_stream_filter_selects_only_new_events() throws IOException {
        JsonNode mapping = onlyStreamEvent("EvaluateTriggersFunction");
        assertThat(SamTemplate.getAtt(mapping.path("Stream"), "StreamArn")).contains("EventsTable");
        EventFilter filter = EventFilter.of(mapping.path("FilterCriteria"));
        for (String sample : List.of("ddb-events-insert-signed-up.json", "ddb-events-insert-bad-record.json")) {
            JsonNode insert = firstRecord(sample);
            assertThat(filter.selects(insert)).as("%s", sample).isTrue();
            for (String other : List.of("MODIFY", "REMOVE")) {
                ObjectNode record = insert.deepCopy();
                record.put("eventName", other);
                assertThat(filter.selects(record)).as("%s as %s", sample, other).isFalse();
            }
        }
    }

    // ------------------------------------------------------------------ API and schedule

    @Test
    void every_request_reaches_ingest_through_one_throttled_default_route() {
        int routes = 0;
        for (String function : template.functions().keySet()) {
            Map<String, JsonNode> http = template.events(function, "HttpApi");
            routes += http.size();
            if (!http.isEmpty()) {
                assertThat(function).isEqualTo("IngestApiFunction");
            }
        }
        assertThat(routes).as("HttpApi events").isEqualTo(1);
        JsonNode route = template.events("IngestApiFunction", "HttpApi").values().iterator().next();
        assertThat(route.path("Path").asText()).isEqualTo("$default");
        assertThat(route.path("Method").asText().toUpperCase(Locale.ROOT)).isEqualTo("ANY");
        assertThat(route.path("PayloadFormatVersion").asText("2.0")).isEqualTo("2.0");
        String api = SamTemplate.ref(route.path("ApiId")).orElseThrow();
        assertThat(template.resource(api).path("Type").asText()).isEqualTo("AWS::Serverless::HttpApi");
        JsonNode throttling = template.resource(api).path("Properties").path("DefaultRouteSettings");
        assertThat(throttling.has("ThrottlingBurstLimit") && throttling.has("ThrottlingRateLimit")).as("HttpApi throttling").isTrue();
    }

    @Test
    void sweep_runs_every_five_minutes() {
        Map<String, JsonNode> schedules = template.events("SweepFunction", "Schedule");
        assertThat(schedules).hasSize(1);
        assertThat(schedules.values().iterator().next().path("Schedule").asText()).isEqualTo("rate(5 minutes)");
    }

    @Test
    void every_function_logs_to_its_own_group_with_a_retention() {
        Map<String, JsonNode> groups = template.resources("AWS::Logs::LogGroup");
        Set<String> used = new HashSet<>();
        SoftAssertions softly = new SoftAssertions();
        template.functions().forEach((id, function) -> {
            Optional<String> group = SamTemplate.ref(function.path("Properties").path("LoggingConfig").path("LogGroup"));
            softly.assertThat(group.filter(groups::containsKey)).as("%s LoggingConfig.LogGroup", id).isPresent();
            group.ifPresent(g -> softly.assertThat(used.add(g)).as("%s shares log group %s", id, g).isTrue());
        });
        groups.forEach((id, group) ->
                softly.assertThat(group.path("Properties").has("RetentionInDays")).as("%s RetentionInDays", id).isTrue());
        softly.assertAll();
    }

    // ------------------------------------------------------------------ delayed messages (slots)

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
        assertThat(scheduler).hasSize(2);
        assertThat(scheduler).filteredOn(s -> s.owner().equals(SCHEDULE_SENDS)).singleElement().satisfies(s -> {
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
        assertThat(passRole).extracting(SamTemplate.Statement::owner).containsExactlyInAnyOrder(SCHEDULE_SENDS, "IngestApiFunction");
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
                "Allow dynamodb:PutItem DeadLettersTable");
    }

    // ------------------------------------------------------------------ feedback (process-feedback)

    @Test
    void process_feedback_grants_are_exactly_what_feedback_does() {
        assertThat(grants(PROCESS_FEEDBACK)).containsExactlyInAnyOrder(
                "Allow dynamodb:GetItem MessagesTable", "Allow dynamodb:UpdateItem MessagesTable",
                "Allow dynamodb:Query MessagesTable/index/" + TableDefinitions.MESSAGES_BY_PROVIDER_ID,
                "Allow dynamodb:GetItem UsersTable", "Allow dynamodb:PutItem UsersTable",
                "Allow dynamodb:Query UsersTable/index/" + TableDefinitions.USERS_BY_PHONE,
                "Allow dynamodb:GetItem SuppressionsTable", "Allow dynamodb:PutItem SuppressionsTable",
                // the feedback ledger: claim (put), complete (update), release after a transient failure (delete)
                "Allow dynamodb:GetItem StateTable", "Allow dynamodb:PutItem StateTable", "Allow dynamodb:UpdateItem StateTable",
                "Allow dynamodb:DeleteItem StateTable",
                "Allow dynamodb:UpdateItem StatsTable",
                "Allow dynamodb:PutItem DeadLettersTable",
                "Allow " + OPT_IN_ACTION + " *");
    }

    @Test
    void every_ses_event_of_the_configuration_set_reaches_process_feedback_through_one_topic() {
        Map<String, JsonNode> destinations = template.resources("AWS::SES::ConfigurationSetEventDestination");
        assertThat(destinations).as("configuration set event destinations").hasSize(1);
        JsonNode properties = destinations.values().iterator().next().path("Properties");
        assertThat(SamTemplate.ref(properties.path("ConfigurationSetName"))).contains("SesConfigurationSet");
        JsonNode destination = properties.path("EventDestination");
        assertThat(destination.path("Enabled").asBoolean(false)).as("Enabled").isTrue();
        assertThat(SamTemplate.asList(destination.path("MatchingEventTypes"))).map(JsonNode::asText)
                .as("MatchingEventTypes: every SESv2 event type").containsExactlyInAnyOrderElementsOf(SES_EVENT_TYPES);
        assertThat(SamTemplate.ref(destination.path("SnsDestination").path("TopicARN"))).as("SnsDestination.TopicARN").contains(SES_TOPIC);
        assertThat(destination.fieldNames()).toIterable().as("one destination only")
                .containsExactlyInAnyOrder("Name", "Enabled", "MatchingEventTypes", "SnsDestination");

        assertThat(template.resource(SES_TOPIC).path("Type").asText()).isEqualTo("AWS::SNS::Topic");
        Map<String, JsonNode> subscribers = new TreeMap<>();
        template.functions().keySet().forEach(function -> template.events(function, "SNS").values().stream()
                .filter(p -> SamTemplate.ref(p.path("Topic")).filter(SES_TOPIC::equals).isPresent())
                .forEach(p -> subscribers.put(function, p)));
        assertThat(subscribers.keySet()).as("subscribers of %s", SES_TOPIC).containsExactly(PROCESS_FEEDBACK);
        assertThat(subscribers.get(PROCESS_FEEDBACK).has("FilterPolicy")).as("every event type is delivered").isFalse();
        assertThat(template.resources("AWS::SNS::Subscription").values())
                .as("no other subscription to %s", SES_TOPIC)
                .noneMatch(sub -> SamTemplate.ref(sub.path("Properties").path("TopicArn")).filter(SES_TOPIC::equals).isPresent());
    }

    @Test
    void only_ses_of_this_account_may_publish_to_the_ses_events_topic() {
        Map<String, JsonNode> policies = new TreeMap<>();
        template.resources("AWS::SNS::TopicPolicy").forEach((id, policy) -> {
            if (SamTemplate.asList(policy.path("Properties").path("Topics")).stream()
                    .anyMatch(t -> SamTemplate.ref(t).filter(SES_TOPIC::equals).isPresent())) {
                policies.put(id, policy.path("Properties"));
            }
        });
        assertThat(policies).as("topic policies of %s", SES_TOPIC).hasSize(1);
        JsonNode policy = policies.values().iterator().next();
        assertThat(SamTemplate.asList(policy.path("Topics"))).as("the policy covers that topic only").hasSize(1);
        List<JsonNode> statements = SamTemplate.asList(policy.path("PolicyDocument").path("Statement"));
        assertThat(statements).isNotEmpty().allSatisfy(s -> {
            assertThat(s.path("Effect").asText()).isEqualTo("Allow");
            assertThat(s.has("NotPrincipal") || s.has("NotAction") || s.has("NotResource")).isFalse();
            assertThat(s.path("Principal").fieldNames()).toIterable().containsExactly("Service");
            assertThat(SamTemplate.asList(s.path("Principal").path("Service"))).map(JsonNode::asText).containsExactly("ses.amazonaws.com");
            assertThat(SamTemplate.asList(s.path("Action"))).map(JsonNode::asText).containsExactly("sns:Publish");
            assertThat(SamTemplate.asList(s.path("Resource"))).singleElement()
                    .satisfies(r -> assertThat(SamTemplate.ref(r)).contains(SES_TOPIC));
            assertThat(s.path("Condition").fieldNames()).toIterable().containsExactly("StringEquals");
            assertThat(SamTemplate.ref(s.path("Condition").path("StringEquals").path("aws:SourceAccount")))
                    .as("aws:SourceAccount").contains("AWS::AccountId");
        });
        assertThat(template.resources("AWS::SES::ConfigurationSetEventDestination").values())
                .as("the destination waits for the policy").allSatisfy(d -> assertThat(SamTemplate.asList(d.path("DependsOn")))
                        .map(JsonNode::asText).contains(policies.keySet().iterator().next()));
    }

    @Test
    void the_ses_events_topic_is_encrypted_with_a_key_ses_of_this_account_may_use() {
        JsonNode topic = template.resource(SES_TOPIC).path("Properties");
        assertThat(SamTemplate.getAtt(topic.path("KmsMasterKeyId"), "Arn")).as("KmsMasterKeyId (not alias/aws/sns: SES cannot use it)")
                .contains(SES_TOPIC_KEY);
        JsonNode key = template.resource(SES_TOPIC_KEY);
        assertThat(key.path("Type").asText()).isEqualTo("AWS::KMS::Key");
        assertThat(key.path("Properties").path("EnableKeyRotation").asBoolean(false)).as("key rotation").isTrue();
        List<JsonNode> services = SamTemplate.asList(key.path("Properties").path("KeyPolicy").path("Statement")).stream()
                .filter(s -> s.path("Principal").has("Service")).toList();
        assertThat(services).singleElement().satisfies(s -> {
            assertThat(SamTemplate.asList(s.path("Principal").path("Service"))).map(JsonNode::asText).containsExactly("ses.amazonaws.com");
            assertThat(SamTemplate.asList(s.path("Action"))).map(JsonNode::asText)
                    .containsExactlyInAnyOrder("kms:GenerateDataKey*", "kms:Decrypt");
            assertThat(SamTemplate.ref(s.path("Condition").path("StringEquals").path("aws:SourceAccount")))
                    .as("aws:SourceAccount").contains("AWS::AccountId");
        });
        assertThat(SamTemplate.asList(key.path("Properties").path("KeyPolicy").path("Statement")))
                .as("every other principal is this account").filteredOn(s -> !s.path("Principal").has("Service"))
                .allSatisfy(s -> assertThat(SamTemplate.text(s.path("Principal").path("AWS")))
                        .isEqualTo("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"));
    }

    @Test
    void sms_delivery_status_log_groups_are_created_and_subscribed_by_process_feedback_only() {
        Map<String, JsonNode> groups = template.resources("AWS::Logs::LogGroup");
        SMS_DELIVERY_LOG_GROUPS.forEach((id, name) -> {
            assertThat(groups).as("log groups").containsKey(id);
            assertThat(SamTemplate.text(groups.get(id).path("Properties").path("LogGroupName"))).as("%s name (SNS chooses it)", id)
                    .isEqualTo(name);
        });
        Map<String, String> subscriptions = new TreeMap<>();
        template.functions().keySet().forEach(function -> template.events(function, "CloudWatchLogs").forEach((event, p) -> {
            subscriptions.put(SamTemplate.ref(p.path("LogGroupName")).orElse(SamTemplate.text(p.path("LogGroupName"))), function);
            assertThat(p.path("FilterPattern").asText("missing")).as("%s.%s FilterPattern: every receipt", function, event).isEmpty();
        }));
        assertThat(subscriptions).as("log group -> subscribed function (SAM adds the logs.amazonaws.com permission)")
                .containsExactlyInAnyOrderEntriesOf(SMS_DELIVERY_LOG_GROUPS.keySet().stream()
                        .collect(Collectors.toMap(g -> g, g -> PROCESS_FEEDBACK)));
        assertThat(template.resources("AWS::Logs::SubscriptionFilter")).as("hand-written subscription filters").isEmpty();
    }

    @Test
    void sns_may_only_write_sms_delivery_status_to_those_log_groups_with_its_role() {
        JsonNode role = template.resource(SMS_STATUS_ROLE).path("Properties");
        List<JsonNode> trust = SamTemplate.asList(role.path("AssumeRolePolicyDocument").path("Statement"));
        assertThat(trust).singleElement().satisfies(s -> {
            assertThat(s.path("Effect").asText()).isEqualTo("Allow");
            assertThat(SamTemplate.asList(s.path("Action"))).map(JsonNode::asText).containsExactly("sts:AssumeRole");
            assertThat(s.path("Principal").fieldNames()).toIterable().containsExactly("Service");
            assertThat(SamTemplate.asList(s.path("Principal").path("Service"))).map(JsonNode::asText).containsExactly("sns.amazonaws.com");
        });
        assertThat(role.has("ManagedPolicyArns")).as("%s managed policies", SMS_STATUS_ROLE).isFalse();
        Set<String> expected = new java.util.TreeSet<>();
        for (String group : SMS_DELIVERY_LOG_GROUPS.keySet()) {
            for (String action : List.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")) {
                expected.add("Allow " + action + " " + group);
            }
        }
        assertThat(grants(SMS_STATUS_ROLE)).containsExactlyInAnyOrderElementsOf(expected);
        JsonNode output = template.root.path("Outputs").path("SmsDeliveryStatusRoleArn").path("Value");
        assertThat(SamTemplate.getAtt(output, "Arn")).as("Outputs.SmsDeliveryStatusRoleArn").contains(SMS_STATUS_ROLE);
    }

    @Test
    void inbound_sms_reach_process_feedback_only_when_a_two_way_topic_is_given() {
        JsonNode parameter = template.root.path("Parameters").path("InboundSmsTopicArn");
        assertThat(parameter.path("Default").isTextual() && parameter.path("Default").asText().isEmpty()).as("optional: default ''").isTrue();
        assertThat("").matches(parameter.path("AllowedPattern").asText());
        assertThat("arn:aws:sns:eu-west-1:123456789012:inbound-sms").matches(parameter.path("AllowedPattern").asText());
        JsonNode condition = template.root.path("Conditions").path("HasInboundSmsTopic").path("Fn::Not").path(0).path("Fn::Equals");
        assertThat(SamTemplate.ref(condition.path(0))).contains("InboundSmsTopicArn");
        assertThat(condition.path(1).asText("x")).isEmpty();

        List<String> uses = new ArrayList<>();
        template.root.path("Resources").properties().forEach(entry -> {
            if (entry.getValue().path("Properties").toString().contains("\"Ref\":\"InboundSmsTopicArn\"")) {
                uses.add(entry.getKey());
                assertThat(entry.getValue().path("Condition").asText()).as("%s Condition", entry.getKey()).isEqualTo("HasInboundSmsTopic");
            }
        });
        Map<String, JsonNode> subscriptions = template.resources("AWS::SNS::Subscription");
        Map<String, JsonNode> permissions = template.resources("AWS::Lambda::Permission");
        assertThat(subscriptions).hasSize(1);
        assertThat(permissions).hasSize(1);
        assertThat(uses).containsExactlyInAnyOrder(subscriptions.keySet().iterator().next(), permissions.keySet().iterator().next());
        JsonNode subscription = subscriptions.values().iterator().next().path("Properties");
        assertThat(subscription.path("Protocol").asText()).isEqualTo("lambda");
        assertThat(SamTemplate.ref(subscription.path("TopicArn"))).contains("InboundSmsTopicArn");
        assertThat(SamTemplate.ref(subscription.path("Endpoint"))).as("the live alias").contains(PROCESS_FEEDBACK + ".Alias");
        JsonNode permission = permissions.values().iterator().next().path("Properties");
        assertThat(permission.path("Action").asText()).isEqualTo("lambda:InvokeFunction");
        assertThat(permission.path("Principal").asText()).isEqualTo("sns.amazonaws.com");
        assertThat(SamTemplate.ref(permission.path("FunctionName"))).contains(PROCESS_FEEDBACK + ".Alias");
        assertThat(SamTemplate.ref(permission.path("SourceArn"))).as("only that topic").contains("InboundSmsTopicArn");
    }

    @Test
    void process_feedback_retries_a_failed_notification_twice_then_keeps_it_in_a_queue() {
        JsonNode properties = template.resource(PROCESS_FEEDBACK).path("Properties");
        assertThat(SamTemplate.text(properties.path("CodeUri"))).isEqualTo("functions/process-feedback/target/process-feedback.jar");
        assertThat(properties.path("Handler").asText()).isEqualTo("io.nudge.functions.feedback.ProcessFeedbackHandler::handleRequest");
        assertThat(template.functionProperty(PROCESS_FEEDBACK, "AutoPublishAlias").asText()).isEqualTo("live");
        JsonNode async = properties.path("EventInvokeConfig");
        assertThat(async.path("MaximumRetryAttempts").asInt(-1)).as("MaximumRetryAttempts").isBetween(0, 2);
        assertThat(async.path("MaximumEventAgeInSeconds").asInt(-1)).as("MaximumEventAgeInSeconds").isBetween(60, 21_600);
        assertThat(async.path("DestinationConfig").path("OnFailure").path("Type").asText()).isEqualTo("SQS");
        assertThat(SamTemplate.getAtt(async.path("DestinationConfig").path("OnFailure").path("Destination"), "Arn")).contains(FEEDBACK_QUEUE);
        JsonNode queue = template.resource(FEEDBACK_QUEUE);
        assertThat(queue.path("Type").asText()).isEqualTo("AWS::SQS::Queue");
        assertThat(queue.path("Properties").path("SqsManagedSseEnabled").asBoolean(false)).as("queue SSE (payloads hold addresses)").isTrue();
        assertThat(queue.path("Properties").path("MessageRetentionPeriod").asInt()).as("queue retention").isEqualTo(1_209_600);
        assertThat(template.events(PROCESS_FEEDBACK, "DynamoDB")).as("process-feedback reads no stream").isEmpty();
    }

    // ------------------------------------------------------------------ SAM schema

    @Test
    void template_is_valid_against_the_sam_schema() throws IOException {
        Path schemaFile = repo.getParent().resolve("shared/schemas/sam.schema.json").normalize();
        assumeTrue(Files.isRegularFile(schemaFile),
                "SAM schema not found at " + schemaFile + " (expected beside the repository as ../shared/schemas/sam.schema.json): schema validation skipped");
        String schemaText = Files.readString(schemaFile);
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
        Schema schema = registry.getSchema(schemaText, InputFormat.JSON);
        List<Error> errors = schema.validate(template.json(), InputFormat.JSON);
        if (!errors.isEmpty()) {
            String precise = perResourceErrors(registry, schemaText);
            fail("template.yaml does not validate against " + schemaFile + ":\n"
                    + (precise.isEmpty() ? describe(errors) : precise));
        }
    }

    /** Resources sit under an anyOf, whose errors say little: validate each SAM resource against its own definition. */
    private static String perResourceErrors(SchemaRegistry registry, String schemaText) throws IOException {
        ObjectNode full = (ObjectNode) SamTemplate.JSON.readTree(schemaText);
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, JsonNode> resource : template.root.path("Resources").properties()) {
            String type = resource.getValue().path("Type").asText();
            if (!type.startsWith("AWS::Serverless::")) {
                continue;
            }
            String definition = "samtranslator__internal__schema_source__aws_serverless_"
                    + type.substring("AWS::Serverless::".length()).toLowerCase(Locale.ROOT) + "__Resource";
            if (!full.path("definitions").has(definition)) {
                out.append("  ").append(resource.getKey()).append(": no definition ").append(definition).append('\n');
                continue;
            }
            ObjectNode wrapper = SamTemplate.JSON.createObjectNode();
            wrapper.put("$schema", full.path("$schema").asText());
            wrapper.set("definitions", full.path("definitions"));
            wrapper.put("$ref", "#/definitions/" + definition);
            List<Error> errors = registry.getSchema(wrapper.toString(), InputFormat.JSON)
                    .validate(SamTemplate.JSON.writeValueAsString(resource.getValue()), InputFormat.JSON);
            if (!errors.isEmpty()) {
                out.append("  ").append(resource.getKey()).append(":\n").append(describe(errors));
            }
        }
        return out.toString();
    }

    private static String describe(List<Error> errors) {
        return errors.stream().limit(40).map(e -> "    " + e.getInstanceLocation() + ": " + e.getMessage())
                .collect(Collectors.joining("\n")) + (errors.size() > 40 ? "\n    … " + (errors.size() - 40) + " more" : "");
    }

    // ------------------------------------------------------------------ sample events

    @TestFactory
    Stream<DynamicTest> every_sample_event_loads_into_its_lambda_type_with_the_fields_tests_use() throws IOException {
        Path dir = repo.resolve("events");
        Map<String, Consumer<Path>> specific = specificEventChecks();
        List<String> present;
        try (Stream<Path> files = Files.list(dir)) {
            present = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json") && !n.endsWith(".decoded.json")).sorted().toList();
        }
        assertThat(present).as("events/*.json").containsAll(specific.keySet());
        return present.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            try {
                checkSampleEvent(dir.resolve(name), specific.get(name));
            } catch (AssertionError e) {
                throw new AssertionError("events/" + name + ": " + e.getMessage(), e);
            }
        }));
    }

    private static void checkSampleEvent(Path file, Consumer<Path> specific) {
        String name = file.getFileName().toString();
        if (name.startsWith("apigw-")) {
            checkHttpEvent(name, EventLoader.loadApiGatewayHttpEvent(file.toString()));
        } else if (name.startsWith("ddb-")) {
            checkStreamEvent(name, EventLoader.loadDynamoDbEvent(file.toString()));
        } else if (name.startsWith("scheduled-")) {
            ScheduledEvent event = EventLoader.loadScheduledEvent(file.toString());
            assertThat(event.getDetailType()).isEqualTo("Scheduled Event");
            assertThat(event.getSource()).isEqualTo("aws.events");
            assertThat(event.getTime()).isNotNull();
            assertThat(event.getResources()).singleElement().asString().startsWith("arn:aws:events:");
        } else if (name.startsWith("scheduler-")) {
            // EventBridge Scheduler hands a Lambda target the schedule's Input as the event itself: plain JSON.
            JsonNode event = readJson(file);
            assertThat(event.isObject()).as("%s is a JSON object", name).isTrue();
        } else if (name.startsWith("sns-")) {
            // process-feedback: SES events and inbound SMS, one notification per invocation.
            SNSEvent event = EventLoader.loadSNSEvent(file.toString());
            assertThat(event.getRecords()).as("%s Records", name).singleElement().satisfies(r -> {
                assertThat(r.getEventSource()).isEqualTo("aws:sns");
                assertThat(r.getSNS().getType()).isEqualTo("Notification");
                assertThat(r.getSNS().getTopicArn()).matches("arn:aws:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]+");
                assertThat(r.getSNS().getMessageId()).isNotBlank();
                assertThat(r.getSNS().getMessage()).isNotBlank();
            });
        } else if (name.startsWith("cwlogs-")) {
            // process-feedback: SMS delivery receipts, {"awslogs":{"data":"<base64 of gzip>"}}.
            CloudWatchLogsEvent event = EventLoader.loadCloudWatchLogsEvent(file.toString());
            assertThat(event.getAwsLogs().getData()).as("%s awslogs.data", name).isNotBlank();
        } else {
            fail("%s: name it apigw-*, ddb-*, scheduled-*, scheduler-*, sns-* or cwlogs-* so this test knows its Lambda type", name);
        }
        if (specific != null) {
            specific.accept(file);
        }
    }

    private static void checkHttpEvent(String name, APIGatewayV2HTTPEvent event) {
        assertThat(event.getVersion()).isEqualTo("2.0");
        assertThat(event.getRouteKey()).isEqualTo("$default");
        assertThat(event.getRawPath()).startsWith("/");
        assertThat(event.getRawQueryString()).isNotNull();
        assertThat(event.getHeaders()).isNotEmpty();
        assertThat(event.getHeaders().keySet()).as("header names arrive lowercased").allMatch(h -> h.equals(h.toLowerCase(Locale.ROOT)));
        assertThat(event.getIsBase64Encoded()).isFalse();
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        assertThat(context.getRouteKey()).isEqualTo("$default");
        assertThat(context.getStage()).isEqualTo("$default");
        assertThat(context.getHttp().getPath()).isEqualTo(event.getRawPath());
        assertThat(context.getHttp().getMethod()).isIn("GET", "POST", "PUT", "DELETE", "PATCH");
        assertThat(context.getHttp().getSourceIp()).isNotBlank();
        assertThat(context.getRequestId()).isNotBlank();
        assertThat(context.getTimeEpoch()).isPositive();
        boolean unauthenticated = name.equals("apigw-health.json") || name.equals("apigw-no-auth.json");
        assertThat(event.getHeaders().get("authorization")).as("authorization").isEqualTo(unauthenticated ? null : "Bearer test-admin-key");
        if (!context.getHttp().getMethod().equals("GET")) {
            assertThat(event.getBody()).as("body").isNotNull();
            assertThat(event.getHeaders()).containsEntry("content-type", "application/json")
                    .containsEntry("content-length", Integer.toString(event.getBody().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
        }
    }

    private static void checkStreamEvent(String name, DynamodbEvent event) {
        assertThat(event.getRecords()).isNotEmpty();
        Map<String, String> hashKeys = new LinkedHashMap<>();
        for (CreateTableRequest table : TableDefinitions.all(Tables.withPrefix(""))) {
            table.keySchema().stream().filter(k -> k.keyTypeAsString().equals("HASH"))
                    .forEach(k -> hashKeys.put(table.tableName(), k.attributeName()));
        }
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            assertThat(record.getEventSource()).isEqualTo("aws:dynamodb");
            assertThat(record.getEventVersion()).isEqualTo("1.1");
            assertThat(record.getEventName()).isIn("INSERT", "MODIFY", "REMOVE");
            assertThat(record.getEventID()).isNotBlank();
            assertThat(record.getAwsRegion()).isNotBlank();
            assertThat(record.getDynamodb().getStreamViewType()).isEqualTo("NEW_IMAGE");
            assertThat(record.getDynamodb().getSequenceNumber()).containsOnlyDigits();
            assertThat(record.getDynamodb().getApproximateCreationDateTime()).isNotNull();
            assertThat(record.getDynamodb().getSizeBytes()).isPositive();
            String table = hashKeys.keySet().stream().filter(t -> record.getEventSourceARN().contains("-" + t + "Table-"))
                    .findFirst().orElseThrow(() -> new AssertionError(name + ": eventSourceARN names no known table: " + record.getEventSourceARN()));
            assertThat(record.getEventSourceARN()).matches("arn:aws:dynamodb:[a-z0-9-]+:\\d{12}:table/[^/]+/stream/.+");
            String key = hashKeys.get(table);
            assertThat(record.getDynamodb().getKeys()).as("%s Keys (the %s table's hash key)", name, table).containsOnlyKeys(key);
            assertThat(record.getDynamodb().getNewImage().get(key).getS()).isEqualTo(record.getDynamodb().getKeys().get(key).getS());
        }
    }

    /** What the handler tests rely on, file by file. */
    private static Map<String, Consumer<Path>> specificEventChecks() {
        Map<String, Consumer<Path>> checks = new LinkedHashMap<>();
        checks.put("apigw-health.json", f -> {
            APIGatewayV2HTTPEvent e = EventLoader.loadApiGatewayHttpEvent(f.toString());
            assertThat(e.getRequestContext().getHttp().getMethod()).isEqualTo("GET");
            assertThat(e.getRawPath()).isEqualTo("/health");
            assertThat(e.getBody()).isNull();
        });
        checks.put("apigw-post-event.json", f -> {
            JsonNode body = body(f);
            assertThat(body.path("id").asText()).isEqualTo("evt-1");
            assertThat(body.path("userId").asText()).isEqualTo("u-1");
            assertThat(body.path("name").asText()).isEqualTo("signed_up");
            assertThat(body.path("properties").path("plan").asText()).isEqualTo("pro");
        });
        checks.put("apigw-post-events-batch-one-bad.json", f -> {
            JsonNode events = body(f).path("events");
            assertThat(events.size()).isEqualTo(3);
            assertThat(events.get(0).has("name")).isTrue();
            assertThat(events.get(1).has("name")).as("the second event has no name").isFalse();
            assertThat(events.get(2).has("name")).isTrue();
        });
        checks.put("apigw-put-user.json", f -> {
            assertThat(EventLoader.loadApiGatewayHttpEvent(f.toString()).getRawPath()).isEqualTo("/v1/users/u-1");
            JsonNode body = body(f);
            assertThat(body.path("email").asText()).isEqualTo("ada@example.com");
            assertThat(body.path("phone").asText()).isEqualTo("+44 20 7946 0958");
            assertThat(body.path("timezone").asText()).isEqualTo("Europe/London");
            assertThat(body.path("locale").asText()).isEqualTo("en-GB");
            assertThat(body.path("attributes").path("first_name").asText()).isEqualTo("Ada");
        });
        checks.put("apigw-put-trigger-bad-operator.json", f -> {
            assertThat(EventLoader.loadApiGatewayHttpEvent(f.toString()).getRawPath()).isEqualTo("/v1/triggers/welcome");
            assertThat(body(f).path("conditions").path(0).path("op").asText()).isEqualTo("equals");
        });
        checks.put("apigw-no-auth.json", f -> {
            APIGatewayV2HTTPEvent e = EventLoader.loadApiGatewayHttpEvent(f.toString());
            assertThat(e.getRawPath()).isEqualTo("/v1/events");
            assertThat(e.getHeaders()).doesNotContainKey("authorization");
        });
        checks.put("apigw-malformed-json.json", f -> {
            APIGatewayV2HTTPEvent e = EventLoader.loadApiGatewayHttpEvent(f.toString());
            assertThat(e.getRawPath()).isEqualTo("/v1/events");
            assertThat(e.getBody()).isEqualTo("{\"id\":");
        });
        checks.put("apigw-unknown-route.json", f -> {
            APIGatewayV2HTTPEvent e = EventLoader.loadApiGatewayHttpEvent(f.toString());
            assertThat(e.getRequestContext().getHttp().getMethod()).isEqualTo("GET");
            assertThat(e.getRawPath()).isEqualTo("/v1/nope");
        });
        checks.put("ddb-events-insert-signed-up.json", f -> {
            Map<String, AttributeValue> image = onlyNewImage(f, "INSERT");
            assertThat(image.get("eventId").getS()).isEqualTo("evt-1");
            assertThat(image.get("userId").getS()).isEqualTo("u-1");
            assertThat(image.get("name").getS()).isEqualTo("signed_up");
            assertThat(image.get("properties").getM().get("plan").getS()).isEqualTo("pro");
            assertThat(image.get("timestamp").getS()).isEqualTo("2026-11-24T08:00:00.000Z");
            assertThat(image.get("receivedAt").getS()).isEqualTo("2026-11-24T08:00:00.000Z");
            assertThat(image.get("expiresAt").getN()).containsOnlyDigits();
        });
        checks.put("ddb-events-insert-bad-record.json", f -> {
            Map<String, AttributeValue> image = onlyNewImage(f, "INSERT");
            assertThat(image).containsKey("eventId").doesNotContainKeys("name", "userId");
        });
        checks.put("ddb-messages-ready.json", f -> {
            Map<String, AttributeValue> image = onlyNewImage(f, "INSERT");
            assertThat(image.get("id").getS()).matches("[a-z2-7]{26}");
            assertThat(image.get("status").getS()).isEqualTo("READY");
            assertThat(image.get("userId").getS()).isEqualTo("u-1");
            assertThat(image.get("triggerId").getS()).isEqualTo("welcome");
            assertThat(image.get("eventId").getS()).isEqualTo("evt-1");
            assertThat(image.get("channel").getS()).isEqualTo("email");
            assertThat(image.get("priority").getS()).isEqualTo("marketing");
            assertThat(image.get("templateId").getS()).isEqualTo("welcome");
            assertThat(image.get("createdAt").getS()).isNotBlank();
            assertThat(image.get("history").getL()).singleElement()
                    .satisfies(h -> assertThat(h.getM().get("status").getS()).isEqualTo("READY"))
                    .satisfies(h -> assertThat(h.getM().get("at").getS()).isNotBlank());
            Map<String, AttributeValue> event = image.get("context").getM().get("event").getM();
            assertThat(event).containsKeys("id", "name", "properties", "timestamp");
        });
        checks.put("ddb-messages-scheduled.json", f -> {
            Map<String, AttributeValue> image = onlyNewImage(f, "INSERT");
            String id = image.get("id").getS();
            assertThat(id).matches("[a-z2-7]{26}");
            assertThat(image.get("status").getS()).isEqualTo("SCHEDULED");
            assertThat(image.get("reason").getS()).isEqualTo("delay");
            assertThat(image.get("userId").getS()).isEqualTo("u-1");
            assertThat(image.get("triggerId").getS()).isEqualTo("cart_reminder");
            assertThat(image.get("eventId").getS()).isEqualTo("evt-cart-1");
            assertThat(image.get("channel").getS()).isEqualTo("email");
            assertThat(image.get("priority").getS()).isEqualTo("marketing");
            assertThat(image.get("templateId").getS()).isEqualTo("cart_reminder");
            Instant due = Instant.parse(image.get("dueAt").getS());
            assertThat(due).isEqualTo(Instant.parse("2026-11-24T09:00:30Z"));
            long slot = Long.parseLong(image.get("slot").getS());
            assertThat(slot).as("slot: the due time rounded up to the minute, epoch seconds")
                    .isEqualTo(Math.ceilDiv(due.getEpochSecond(), 60) * 60)
                    .isEqualTo(Instant.parse("2026-11-24T09:01:00Z").getEpochSecond());
            assertThat(image.get("slotKey").getS()).as("slotKey: slot#shard").matches(slot + "#\\d+");
            assertThat(image.get("pendingUser").getS()).isEqualTo("u-1");
            assertThat(image.get("pendingSort").getS()).isEqualTo("cart_reminder#2026-11-24T08:00:30.000Z#" + id);
            assertThat(image.get("createdAt").getS()).isNotBlank();
            assertThat(image.get("history").getL()).singleElement()
                    .satisfies(h -> assertThat(h.getM().get("status").getS()).isEqualTo("SCHEDULED"))
                    .satisfies(h -> assertThat(h.getM().get("reason").getS()).isEqualTo("delay"))
                    .satisfies(h -> assertThat(h.getM().get("at").getS()).isNotBlank());
            Map<String, AttributeValue> event = image.get("context").getM().get("event").getM();
            assertThat(event).containsKeys("id", "name", "properties", "timestamp");
            assertThat(event.get("id").getS()).isEqualTo("evt-cart-1");
            assertThat(event.get("name").getS()).isEqualTo("cart_abandoned");
            assertThat(event.get("properties").getM().get("cartId").getS()).isEqualTo("c1");
        });
        checks.put("scheduled-sweep.json", f -> assertThat(EventLoader.loadScheduledEvent(f.toString()).getRegion()).isNotBlank());
        checks.put("scheduler-slot-fired.json", f -> {
            JsonNode event = readJson(f);
            assertThat(event.fieldNames()).toIterable().as("fields").containsExactly("slot");
            Instant slot = Instant.parse(event.path("slot").asText());
            assertThat(slot.getEpochSecond() % 60).as("a slot starts on a minute").isZero();
            assertThat(slot.getEpochSecond()).as("the slot of ddb-messages-scheduled.json")
                    .isEqualTo(Long.parseLong(onlyNewImage(f.resolveSibling("ddb-messages-scheduled.json"), "INSERT").get("slot").getS()));
        });
        return checks;
    }

    // ------------------------------------------------------------------ helpers

    /** A function's (or role's) grants as "Effect action resource", resources named by table/index or their text. */
    private static Set<String> grants(String owner) {
        Set<String> grants = new java.util.TreeSet<>();
        for (SamTemplate.Statement statement : template.statements()) {
            if (statement.owner().equals(owner)) {
                for (String action : statement.actions()) {
                    statement.resources().forEach(r -> grants.add(statement.effect() + " " + action + " "
                            + SamTemplate.tableArn(r).map(Object::toString).orElse(SamTemplate.text(r))));
                }
            }
        }
        return grants;
    }

    private static Set<String> dynamoGrants(String owner) {
        return grants(owner).stream().filter(g -> g.split(" ")[1].startsWith("dynamodb:"))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private static Path codeUri(String function) {
        return repo.resolve(template.functionProperty(function, "CodeUri").asText()).normalize();
    }

    private static JsonNode onlyStreamEvent(String function) {
        Map<String, JsonNode> streams = template.events(function, "DynamoDB");
        assertThat(streams).as("%s DynamoDB events", function).hasSize(1);
        return streams.values().iterator().next();
    }

    private static JsonNode firstRecord(String sample) throws IOException {
        return SamTemplate.JSON.readTree(repo.resolve("events").resolve(sample).toFile()).path("Records").path(0);
    }

    private static JsonNode readJson(Path file) {
        try {
            return SamTemplate.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError(file + " is not JSON", e);
        }
    }

    /** By name, as the jar's types come from their own class loader. */
    private static boolean implementsInterface(Class<?> type, String interfaceName) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> implemented : c.getInterfaces()) {
                if (implemented.getName().equals(interfaceName) || implementsInterface(implemented, interfaceName)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The one grant whose resource may hold a '*': CreateSchedule on any schedule of the stack's slot group. */
    private static boolean isPushEndpointGrant(SamTemplate.Statement statement, JsonNode resource) {
        String text = SamTemplate.text(resource);
        return statement.actions().equals(List.of("sns:CreatePlatformEndpoint")) && text.equals(PUSH_APPS)
                || statement.actions().equals(List.of("sns:DeleteEndpoint")) && text.equals(PUSH_ENDPOINTS);
    }

    private static boolean isSlotScheduleGrant(SamTemplate.Statement statement, JsonNode resource) {
        if (SamTemplate.text(resource).equals(CAMPAIGN_SCHEDULES) && statement.owner().equals("IngestApiFunction")) {
            return true;
        }
        return statement.owner().equals(SCHEDULE_SENDS) && statement.actions().equals(List.of("scheduler:CreateSchedule"))
                && SamTemplate.text(resource).equals(SLOT_SCHEDULES);
    }

    private static JsonNode body(Path file) {
        try {
            return SamTemplate.JSON.readTree(EventLoader.loadApiGatewayHttpEvent(file.toString()).getBody());
        } catch (IOException e) {
            throw new AssertionError(file + ": body is not JSON", e);
        }
    }

    private static Map<String, AttributeValue> onlyNewImage(Path file, String eventName) {
        DynamodbEvent event = EventLoader.loadDynamoDbEvent(file.toString());
        assertThat(event.getRecords()).hasSize(1);
        assertThat(event.getRecords().get(0).getEventName()).isEqualTo(eventName);
        return event.getRecords().get(0).getDynamodb().getNewImage();
    }

    private static List<String> keys(JsonNode keySchema) {
        List<String> keys = new ArrayList<>();
        keySchema.forEach(k -> keys.add(k.path("AttributeName").asText() + ":" + k.path("KeyType").asText()));
        return keys;
    }

    private static List<String> keys(List<KeySchemaElement> keySchema) {
        return keySchema.stream().map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList();
    }

    private static Map<String, String> attributes(JsonNode definitions) {
        Map<String, String> attributes = new TreeMap<>();
        definitions.forEach(a -> attributes.put(a.path("AttributeName").asText(), a.path("AttributeType").asText()));
        return attributes;
    }

    /** Name → "keys projection [non-key attributes]": KEYS_ONLY and ALL indexes differ in what a Query returns. */
    private static Map<String, String> indexes(JsonNode gsis) {
        Map<String, String> indexes = new TreeMap<>();
        gsis.forEach(i -> {
            List<String> nonKey = new ArrayList<>();
            i.path("Projection").path("NonKeyAttributes").forEach(a -> nonKey.add(a.asText()));
            indexes.put(i.path("IndexName").asText(),
                    keys(i.path("KeySchema")) + " " + i.path("Projection").path("ProjectionType").asText() + " " + nonKey);
        });
        return indexes;
    }

    private static Map<String, String> indexes(List<GlobalSecondaryIndex> gsis) {
        Map<String, String> indexes = new TreeMap<>();
        if (gsis != null) {
            gsis.forEach(i -> indexes.put(i.indexName(), keys(i.keySchema()) + " " + i.projection().projectionTypeAsString()
                    + " " + (i.projection().hasNonKeyAttributes() ? i.projection().nonKeyAttributes() : List.of())));
        }
        return indexes;
    }
}
