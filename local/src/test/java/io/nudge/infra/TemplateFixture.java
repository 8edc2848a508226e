package io.nudge.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.config.Tables;
import io.nudge.store.TableDefinitions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

/**
 * What the template contract tests share: template.yaml as read once, the names and patterns the contract holds
 * it to, and the helpers that read grants, keys, indexes and sample events. The tests, by what they check:
 * {@link HandlerJarsContractTest}, {@link LeastPrivilegeContractTest}, {@link ParametersContractTest},
 * {@link TablesContractTest}, {@link StreamMappingsContractTest}, {@link ApiAndScheduleContractTest},
 * {@link SlotSchedulesContractTest}, {@link FeedbackContractTest}, {@link SamSchemaContractTest},
 * {@link SampleEventsContractTest}.
 *
 * <p>They run in the local module's test phase, after the function modules were packaged in the same reactor.
 */
final class TemplateFixture {
    static final String EVENTS = "com.amazonaws.services.lambda.runtime.events.";
    /** Stands for "implements RequestStreamHandler" in INPUT_TYPES: the handler reads raw JSON, several shapes. */
    static final String REQUEST_STREAM_HANDLER = "com.amazonaws.services.lambda.runtime.RequestStreamHandler";

    /** Every function the template declares, with the event type its handler must take. */
    static final Map<String, String> INPUT_TYPES = Map.of(
            "IngestApiFunction", EVENTS + "APIGatewayV2HTTPEvent",
            "EvaluateTriggersFunction", EVENTS + "DynamodbEvent",
            "DeliverFunction", EVENTS + "DynamodbEvent",
            "SweepFunction", EVENTS + "ScheduledEvent",
            "RunCampaignFunction", "java.util.Map<java.lang.String, java.lang.Object>",
            "ScheduleSendsFunction", REQUEST_STREAM_HANDLER,
            "ProcessFeedbackFunction", REQUEST_STREAM_HANDLER,
            "AdvanceJourneysFunction", EVENTS + "DynamodbEvent",
            "EmitEventsFunction", EVENTS + "DynamodbEvent",
            "RetryEmitsFunction", EVENTS + "ScheduledEvent");

    /**
     * Functions whose module is still being written: while their jar is absent, the jar and handler checks for them
     * are skipped (with an assumption message, after every other function was checked). Remove an entry once the
     * module is in main.
     */
    static final Set<String> PENDING_MODULES = Set.of();

    /** TTL is set outside CreateTableRequest (TableDefinitions.createMissing), always on {@code expiresAt}. */
    static final Map<String, String> TTL_ATTRIBUTES = TableDefinitions.TTL_TABLES.apply(Tables.withPrefix("")).stream()
            .collect(Collectors.toMap(table -> table, table -> "expiresAt"));

    /** The first Allow with Resource '*': SNS Publish to phone numbers, which has no resource ARN. */
    static final String SMS_EXCEPTION_FUNCTION = "DeliverFunction";
    /** Push: endpoints are per device and platform applications are parameters, so these two patterns are allowed. */
    static final String PUSH_APPS = "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:app/*";
    static final String PUSH_ENDPOINTS = "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:endpoint/*";
    /** The second: sns:OptInPhoneNumber acts on a phone number, not on an SNS resource. */
    static final String PROCESS_FEEDBACK = "ProcessFeedbackFunction";
    static final String OPT_IN_ACTION = "sns:OptInPhoneNumber";

    /** Feedback: SES events through one topic, SMS receipts through SNS's delivery-status log groups. */
    static final String SES_TOPIC = "SesEventsTopic";
    static final String SES_TOPIC_KEY = "SesEventsKey";
    static final List<String> SES_EVENT_TYPES = List.of("SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "OPEN",
            "CLICK", "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION");
    static final String SMS_STATUS_ROLE = "SmsDeliveryStatusRole";
    static final Map<String, String> SMS_DELIVERY_LOG_GROUPS = Map.of(
            "SmsDeliveryLogGroup", "sns/${AWS::Region}/${AWS::AccountId}/DirectPublishToPhoneNumber",
            "SmsDeliveryFailureLogGroup", "sns/${AWS::Region}/${AWS::AccountId}/DirectPublishToPhoneNumber/Failure");
    static final String FEEDBACK_QUEUE = "FeedbackFailureQueue";

    /** Delayed messages: slot schedules, created by schedule-sends, invoke its live alias with the Scheduler role. */
    static final String SCHEDULE_SENDS = "ScheduleSendsFunction";
    static final String SCHEDULE_GROUP = "SlotScheduleGroup";
    static final String SCHEDULER_ROLE = "SchedulerRole";
    static final String SCHEDULE_DLQ = "ScheduleDeadLetterQueue";
    static final String SCHEDULE_SENDS_NAME = "${AWS::StackName}-schedule-sends";
    static final String RUN_CAMPAIGN_LIVE_ALIAS =
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${AWS::StackName}-run-campaign:live";
    /** Campaign schedules, kept by ingest-api when a campaign is saved: named nudge-campaign-<id> in the same group. */
    static final String CAMPAIGN_SCHEDULES =
            "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/${SlotScheduleGroup}/nudge-campaign-*";
    static final String SCHEDULE_SENDS_LIVE_ALIAS =
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:" + SCHEDULE_SENDS_NAME + ":live";
    /** The one Allow resource with a '*' inside: schedules are named per slot, so CreateSchedule covers the group. */
    static final String SLOT_SCHEDULES =
            "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/${" + SCHEDULE_GROUP + "}/*";

    /** The repository and its template.yaml, read once for every contract test. */
    static final Path repo = SamTemplate.findRepo();
    static final SamTemplate template = SamTemplate.load(repo);

    private TemplateFixture() {}

    /** A function's (or role's) grants as "Effect action resource", resources named by table/index or their text. */
    static Set<String> grants(String owner) {
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

    static Set<String> dynamoGrants(String owner) {
        return grants(owner).stream().filter(g -> g.split(" ")[1].startsWith("dynamodb:"))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    static Path codeUri(String function) {
        return repo.resolve(template.functionProperty(function, "CodeUri").asText()).normalize();
    }

    static JsonNode onlyStreamEvent(String function) {
        Map<String, JsonNode> streams = template.events(function, "DynamoDB");
        assertThat(streams).as("%s DynamoDB events", function).hasSize(1);
        return streams.values().iterator().next();
    }

    static JsonNode firstRecord(String sample) throws IOException {
        return SamTemplate.JSON.readTree(repo.resolve("events").resolve(sample).toFile()).path("Records").path(0);
    }

    static JsonNode readJson(Path file) {
        try {
            return SamTemplate.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError(file + " is not JSON", e);
        }
    }

    /** By name, as the jar's types come from their own class loader. */
    static boolean implementsInterface(Class<?> type, String interfaceName) {
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
    static boolean isPushEndpointGrant(SamTemplate.Statement statement, JsonNode resource) {
        String text = SamTemplate.text(resource);
        return statement.actions().equals(List.of("sns:CreatePlatformEndpoint")) && text.equals(PUSH_APPS)
                || statement.actions().equals(List.of("sns:DeleteEndpoint")) && text.equals(PUSH_ENDPOINTS);
    }

    static boolean isSlotScheduleGrant(SamTemplate.Statement statement, JsonNode resource) {
        if (SamTemplate.text(resource).equals(CAMPAIGN_SCHEDULES) && statement.owner().equals("IngestApiFunction")) {
            return true;
        }
        // slot schedules are made by schedule-sends (delayed messages) and advance-journeys (waiting instances)
        return (statement.owner().equals(SCHEDULE_SENDS) || statement.owner().equals("AdvanceJourneysFunction"))
                && statement.actions().equals(List.of("scheduler:CreateSchedule")) && SamTemplate.text(resource).equals(SLOT_SCHEDULES);
    }

    static JsonNode body(Path file) {
        try {
            return SamTemplate.JSON.readTree(EventLoader.loadApiGatewayHttpEvent(file.toString()).getBody());
        } catch (IOException e) {
            throw new AssertionError(file + ": body is not JSON", e);
        }
    }

    static Map<String, AttributeValue> onlyNewImage(Path file, String eventName) {
        DynamodbEvent event = EventLoader.loadDynamoDbEvent(file.toString());
        assertThat(event.getRecords()).hasSize(1);
        assertThat(event.getRecords().get(0).getEventName()).isEqualTo(eventName);
        return event.getRecords().get(0).getDynamodb().getNewImage();
    }

    static List<String> keys(JsonNode keySchema) {
        List<String> keys = new ArrayList<>();
        keySchema.forEach(k -> keys.add(k.path("AttributeName").asText() + ":" + k.path("KeyType").asText()));
        return keys;
    }

    static List<String> keys(List<KeySchemaElement> keySchema) {
        return keySchema.stream().map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList();
    }

    static Map<String, String> attributes(JsonNode definitions) {
        Map<String, String> attributes = new TreeMap<>();
        definitions.forEach(a -> attributes.put(a.path("AttributeName").asText(), a.path("AttributeType").asText()));
        return attributes;
    }

    /** Name → "keys projection [non-key attributes]": KEYS_ONLY and ALL indexes differ in what a Query returns. */
    static Map<String, String> indexes(JsonNode gsis) {
        Map<String, String> indexes = new TreeMap<>();
        gsis.forEach(i -> {
            List<String> nonKey = new ArrayList<>();
            i.path("Projection").path("NonKeyAttributes").forEach(a -> nonKey.add(a.asText()));
            indexes.put(i.path("IndexName").asText(),
                    keys(i.path("KeySchema")) + " " + i.path("Projection").path("ProjectionType").asText() + " " + nonKey);
        });
        return indexes;
    }

    static Map<String, String> indexes(List<GlobalSecondaryIndex> gsis) {
        Map<String, String> indexes = new TreeMap<>();
        if (gsis != null) {
            gsis.forEach(i -> indexes.put(i.indexName(), keys(i.keySchema()) + " " + i.projection().projectionTypeAsString()
                    + " " + (i.projection().hasNonKeyAttributes() ? i.projection().nonKeyAttributes() : List.of())));
        }
        return indexes;
    }
}
