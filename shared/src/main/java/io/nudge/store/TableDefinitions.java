package io.nudge.store;

import io.nudge.config.Tables;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateGlobalSecondaryIndexAction;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * The tables as template.yaml declares them, for local mode and tests. Keep the two in step:
 * TablesContractTest compares keys, indexes and streams.
 */
public final class TableDefinitions {
    public static final String MESSAGES_BY_USER = "byUser";
    public static final String MESSAGES_IN_FLIGHT = "inFlight";
    public static final String MESSAGES_BY_SLOT = "bySlot";
    public static final String MESSAGES_PENDING = "pending";
    /** A user's active journey instances (activeUser is set while active), keys only: what an event of theirs may wake or end. */
    public static final String JOURNEYS_ACTIVE_BY_USER = "activeByUser";
    /** A journey's active instances (activeJourney is set while active), keys only: what deleting the journey ends. */
    public static final String JOURNEYS_ACTIVE_BY_JOURNEY = "activeByJourney";
    /** All of a user's journey instances, newest entry first, keys only. */
    public static final String JOURNEYS_BY_USER = "byUser";
    /** Instances waiting for a time, by slot shard (slotKey is set while waiting), keys only: what a slot wakes. */
    public static final String JOURNEYS_BY_SLOT = "bySlot";
    public static final String SLOTS_UNFIRED = "unfired";
    public static final String MESSAGES_BY_PROVIDER_ID = "byProviderId";
    public static final String USERS_BY_PHONE = "byPhone";
    /**
     * Messages by what sent them ({@code source} = {@code trigger#<id>} or {@code campaign#<id>}, see
     * {@link io.nudge.messages.MessageSource}), newest first by createdAt, keys only: the admin search. Both keys are
     * set when the message is created and never change, so a status change writes no entry: one index write unit per
     * message, once.
     */
    public static final String MESSAGES_BY_SOURCE = "bySource";
    /**
     * Events by user and time received, keys only: how erasure and export find a user's events, and the user's timeline
     * lists them newest first. Ingest stays one PutItem per event; DynamoDB copies the key attributes into the index
     * itself (one more index write unit per event, the only cost), where a Scan per erasure would read the whole table
     * and could not finish inside the API's 30 s. (It replaced {@code byUser}, which had no sort key.)
     */
    public static final String EVENTS_BY_USER_TIME = "byUserTime";

    /** Tables whose items expire through the TTL attribute {@code expiresAt}. */
    public static final java.util.function.Function<Tables, List<String>> TTL_TABLES =
            tables -> List.of(tables.events(), tables.deadLetters(), tables.slots(), tables.state(), tables.journeys(), tables.outbound(),
                    tables.webhookDeliveries());

    /**
     * Webhook deliveries waiting for a retry, by shard and due time ({@code dueShard} and {@code dueAt} are set on a
     * queued item only): what the retry run finds due. All attributes: it delivers from what it reads.
     */
    public static final String WEBHOOK_DELIVERIES_DUE = "due";

    private TableDefinitions() {}

    public static List<CreateTableRequest> all(Tables tables) {
        List<CreateTableRequest> all = new ArrayList<>();
        all.add(CreateTableRequest.builder().tableName(tables.users())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(hash("userId"))
                .attributeDefinitions(attr("userId"), attr("phone"))
                .globalSecondaryIndexes(gsiKeysOnly(USERS_BY_PHONE, "phone")).build());
        all.add(CreateTableRequest.builder().tableName(tables.events())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(hash("eventId"))
                .attributeDefinitions(attr("eventId"), attr("userId"), attr("receivedAt"))
                .globalSecondaryIndexes(gsiKeysOnly(EVENTS_BY_USER_TIME, "userId", "receivedAt"))
                .streamSpecification(stream(StreamViewType.NEW_IMAGE)).build());
        all.add(CreateTableRequest.builder().tableName(tables.messages())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(hash("id"))
                .attributeDefinitions(attr("id"), attr("userId"), attr("createdAt"), attr("inFlight"), attr("inFlightSince"),
                        attr("slotKey"), attr("pendingUser"), attr("pendingSort"), attr("providerMessageId"),
                        attr("source"))
                .globalSecondaryIndexes(
                        // Keys only: a status change then writes the table alone, not the index too (bench/results/cost.md).
                        gsiKeysOnly(MESSAGES_BY_USER, "userId", "createdAt"),
                        // READY and SENDING, keys only, set on entering READY: the claim writes no index entry (Sweep).
                        gsiKeysOnly(MESSAGES_IN_FLIGHT, "inFlight", "inFlightSince"),
                        gsi(MESSAGES_BY_SLOT, "slotKey", "id"),
                        gsiKeysOnly(MESSAGES_PENDING, "pendingUser", "pendingSort"),
                        gsiKeysOnly(MESSAGES_BY_PROVIDER_ID, "providerMessageId"),
                        gsiKeysOnly(MESSAGES_BY_SOURCE, "source", "createdAt"))
                .streamSpecification(stream(StreamViewType.NEW_IMAGE)).build());
        all.add(CreateTableRequest.builder().tableName(tables.definitions())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(hash("kind"), range("id"))
                .attributeDefinitions(attr("kind"), attr("id")).build());
        all.add(simple(tables.apiKeys(), "id").build());
        all.add(simple(tables.deadLetters(), "id").build());
        all.add(CreateTableRequest.builder().tableName(tables.slots())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(hash("slot"))
                .attributeDefinitions(attr("slot"), attr("unfired"))
                .globalSecondaryIndexes(gsi(SLOTS_UNFIRED, "unfired", "slot")).build());
        all.add(simple(tables.state(), "pk").build());
        all.add(CreateTableRequest.builder().tableName(tables.stats())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(hash("pk"), range("sk"))
                .attributeDefinitions(attr("pk"), attr("sk")).build());
        all.add(CreateTableRequest.builder().tableName(tables.suppressions())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(hash("channel"), range("address"))
                .attributeDefinitions(attr("channel"), attr("address")).build());
        all.add(CreateTableRequest.builder().tableName(tables.journeys())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(hash("id"))
                .attributeDefinitions(attr("id"), attr("activeUser"), attr("activeJourney"), attr("userId"), attr("enteredAt"),
                        attr("slotKey"))
                .globalSecondaryIndexes(
                        gsiKeysOnly(JOURNEYS_ACTIVE_BY_USER, "activeUser", "id"),
                        gsiKeysOnly(JOURNEYS_ACTIVE_BY_JOURNEY, "activeJourney", "id"),
                        gsiKeysOnly(JOURNEYS_BY_USER, "userId", "enteredAt"),
                        gsiKeysOnly(JOURNEYS_BY_SLOT, "slotKey", "id"))
                .streamSpecification(stream(StreamViewType.NEW_IMAGE)).build());
        // The stream out: keyed by user so that its stream hands one user's events over in the order they were written.
        all.add(CreateTableRequest.builder().tableName(tables.outbound())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(hash("userId"), range("id"))
                .attributeDefinitions(attr("userId"), attr("id"))
                .streamSpecification(stream(StreamViewType.NEW_IMAGE)).build());
        all.add(CreateTableRequest.builder().tableName(tables.webhookDeliveries())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(hash("pk"), range("sk"))
                .attributeDefinitions(attr("pk"), attr("sk"), attr("dueShard"), attr("dueAt"))
                .globalSecondaryIndexes(gsi(WEBHOOK_DELIVERIES_DUE, "dueShard", "dueAt")).build());
        return all;
    }

    /**
     * Creates every table that does not exist yet, with TTL where the template sets it; also turns TTL on for an
     * existing table of an older data folder that was created without it (DeadLetters before it expired), and adds
     * the indexes such a table lacks (items written before get into a new index only once they carry its keys).
     */
    public static void createMissing(DynamoDbClient dynamo, Tables tables) {
        for (CreateTableRequest request : all(tables)) {
            boolean created;
            try {
                dynamo.createTable(request);
                created = true;
            } catch (ResourceInUseException alreadyThere) {
                created = false;
                addMissingIndexes(dynamo, request);
            }
            if (TTL_TABLES.apply(tables).contains(request.tableName()) && (created || !ttlOn(dynamo, request.tableName()))) {
                dynamo.updateTimeToLive(UpdateTimeToLiveRequest.builder().tableName(request.tableName())
                        .timeToLiveSpecification(TimeToLiveSpecification.builder().enabled(true).attributeName("expiresAt").build())
                        .build());
            }
        }
    }

    /**
     * One UpdateTable per missing index (DynamoDB creates one index per call), waiting up to a minute for each to become
     * ACTIVE (DynamoDB Local fills it from the existing items first).
     */
    private static void addMissingIndexes(DynamoDbClient dynamo, CreateTableRequest request) {
        if (!request.hasGlobalSecondaryIndexes()) {
            return;
        }
        TableDescription table = dynamo.describeTable(b -> b.tableName(request.tableName())).table();
        java.util.Set<String> present = table.hasGlobalSecondaryIndexes()
                ? table.globalSecondaryIndexes().stream().map(GlobalSecondaryIndexDescription::indexName)
                        .collect(java.util.stream.Collectors.toSet())
                : java.util.Set.of();
        for (GlobalSecondaryIndex index : request.globalSecondaryIndexes()) {
            if (present.contains(index.indexName())) {
                continue;
            }
            java.util.Set<String> keys = index.keySchema().stream().map(KeySchemaElement::attributeName)
                    .collect(java.util.stream.Collectors.toSet());
            dynamo.updateTable(UpdateTableRequest.builder().tableName(request.tableName())
                    .attributeDefinitions(request.attributeDefinitions().stream().filter(a -> keys.contains(a.attributeName())).toList())
                    .globalSecondaryIndexUpdates(GlobalSecondaryIndexUpdate.builder().create(CreateGlobalSecondaryIndexAction.builder()
                            .indexName(index.indexName()).keySchema(index.keySchema()).projection(index.projection()).build()).build())
                    .build());
            awaitActive(dynamo, request.tableName(), index.indexName());
        }
    }

    private static void awaitActive(DynamoDbClient dynamo, String table, String index) {
        for (int attempt = 0; attempt < 600; attempt++) {
            boolean active = dynamo.describeTable(b -> b.tableName(table)).table().globalSecondaryIndexes().stream()
                    .anyMatch(i -> i.indexName().equals(index) && i.indexStatus() == IndexStatus.ACTIVE);
            if (active) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while index " + index + " of " + table + " was created", e);
            }
        }
        // Still building (a large older table): start anyway; what queries it answers an error until it is ready.
        io.nudge.log.Log.of(TableDefinitions.class).warn("a new index is still being built", "table", table, "index", index);
    }

    private static boolean ttlOn(DynamoDbClient dynamo, String table) {
        TimeToLiveStatus status = dynamo.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription().timeToLiveStatus();
        return status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING;
    }

    private static CreateTableRequest.Builder simple(String name, String key) {
        return CreateTableRequest.builder().tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(hash(key)).attributeDefinitions(attr(key));
    }

    private static StreamSpecification stream(StreamViewType view) {
        return StreamSpecification.builder().streamEnabled(true).streamViewType(view).build();
    }

    private static GlobalSecondaryIndex gsi(String name, String hash, String range) {
        return GlobalSecondaryIndex.builder().indexName(name).keySchema(hash(hash), range(range))
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build();
    }

    /** An index that only finds keys: the caller reads the item itself (consistently) afterwards. */
    private static GlobalSecondaryIndex gsiKeysOnly(String name, String hash) {
        return GlobalSecondaryIndex.builder().indexName(name).keySchema(hash(hash))
                .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build()).build();
    }

    private static GlobalSecondaryIndex gsiKeysOnly(String name, String hash, String range) {
        return GlobalSecondaryIndex.builder().indexName(name).keySchema(hash(hash), range(range))
                .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build()).build();
    }

    private static KeySchemaElement hash(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType(KeyType.HASH).build();
    }

    private static KeySchemaElement range(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType(KeyType.RANGE).build();
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }
}
