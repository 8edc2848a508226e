package io.nudge.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.config.Tables;
import io.nudge.json.Json;
import io.nudge.messages.MessageSource;
import io.nudge.model.Channel;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.testing.TestDynamo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Capacity;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.dynamodb.services.local.embedded.DynamoDBEmbedded;
import software.amazon.dynamodb.services.local.shared.access.AmazonDynamoDBLocal;

/** The Messages table's bySource index: what it costs per message, and that an older data folder gets it added. */
class MessageSourceIndexTest {
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @Test
    void a_delivered_email_writes_one_bySource_index_unit_at_creation_and_none_on_its_status_changes() {
        Tables tables = TestDynamo.freshTables();
        Metered dynamo = new Metered(TestDynamo.client());
        MessageStore messages = new MessageStore(dynamo, tables.messages(), Duration.ofSeconds(60));
        Message message = message("m-1", "welcome", Json.object(), NOW);

        assertThat(messages.createIfAbsent(message, false)).isTrue();
        assertThat(dynamo.bySource).containsExactly(1.0);
        assertThat(messages.claimForSend("m-1", NOW, "ada@example.com", Optional.of("Hi"), Optional.empty())).isTrue();
        assertThat(messages.transition("m-1", MessageStatus.SENDING, MessageStatus.SENT, Optional.empty(), Optional.of("p-1"), NOW)).isTrue();
        assertThat(messages.transitionFrom("m-1", Set.of(MessageStatus.SENT), MessageStatus.DELIVERED, Optional.empty(), NOW)).isTrue();
        messages.noteCurrent("m-1", "opened", NOW);
        // the claim, two status changes and a note: not one of them touches the index
        assertThat(dynamo.writes).hasSize(5);
        assertThat(dynamo.bySource).containsExactly(1.0, 0.0, 0.0, 0.0, 0.0);
    }

    @Test
    void campaign_and_trigger_messages_are_found_under_their_own_source_newest_first() {
        Tables tables = TestDynamo.freshTables();
        MessageStore messages = new MessageStore(TestDynamo.client(), tables.messages(), Duration.ofSeconds(60));
        ObjectNode campaign = Json.object();
        campaign.putObject("campaign").put("id", "digest").put("runId", "r1").put("arm", "holdout");
        messages.createIfAbsent(message("m-t1", "digest", Json.object(), NOW));
        messages.createIfAbsent(message("m-c1", "digest", campaign, NOW.plusSeconds(1)));
        messages.createIfAbsent(message("m-c2", "digest", campaign, NOW.plusSeconds(2)));

        MessageStore.SearchPage page = messages.bySource(MessageSource.campaign("digest"), NOW, NOW.plusSeconds(60), Optional.empty(), 10,
                1000, m -> true);
        assertThat(page.messages()).extracting(Message::id).containsExactly("m-c2", "m-c1");
        assertThat(page.next()).isEmpty();
        assertThat(messages.bySource(MessageSource.trigger("digest"), NOW, NOW.plusSeconds(60), Optional.empty(), 10, 1000, m -> true)
                .messages()).extracting(Message::id).containsExactly("m-t1");
    }

    /**
     * On an instance of its own: DynamoDB Local builds a new index in the background, and on the shared instance that
     * work waits behind the TTL sweeps of other tests' tables (TTL on, items dated by injected clocks) for minutes.
     */
    @Test
    void create_missing_adds_the_indexes_a_table_of_an_older_data_folder_lacks() {
        AmazonDynamoDBLocal local = DynamoDBEmbedded.create();
        try {
            addsMissingIndexes(local.dynamoDbClient());
        } finally {
            local.shutdown();
        }
    }

    private static void addsMissingIndexes(DynamoDbClient dynamo) {
        Tables tables = Tables.withPrefix("old-");
        CreateTableRequest current = TableDefinitions.all(tables).stream().filter(r -> r.tableName().equals(tables.messages()))
                .findFirst().orElseThrow();
        // the Messages table as an older version created it: no bySource index, no source attribute
        dynamo.createTable(current.toBuilder()
                .attributeDefinitions(current.attributeDefinitions().stream().filter(a -> !a.attributeName().equals("source")).toList())
                .globalSecondaryIndexes(current.globalSecondaryIndexes().stream()
                        .filter(i -> !i.indexName().equals(TableDefinitions.MESSAGES_BY_SOURCE)).toList())
                .build());
        assertThat(indexes(dynamo, tables.messages())).doesNotContain(TableDefinitions.MESSAGES_BY_SOURCE);

        TableDefinitions.createMissing(dynamo, tables);
        assertThat(indexes(dynamo, tables.messages())).contains(TableDefinitions.MESSAGES_BY_SOURCE, TableDefinitions.MESSAGES_BY_USER);
        MessageStore messages = new MessageStore(dynamo, tables.messages(), Duration.ofSeconds(60));
        messages.createIfAbsent(message("m-new", "welcome", Json.object(), NOW));
        assertThat(messages.bySource(MessageSource.trigger("welcome"), NOW.minusSeconds(1), NOW, Optional.empty(), 10, 1000, m -> true)
                .messages()).extracting(Message::id).containsExactly("m-new");
        // a second start finds nothing missing
        TableDefinitions.createMissing(dynamo, tables);
        assertThat(indexes(dynamo, tables.messages())).hasSize(current.globalSecondaryIndexes().size());
    }

    private static List<String> indexes(DynamoDbClient dynamo, String table) {
        var description = dynamo.describeTable(b -> b.tableName(table)).table();
        return description.hasGlobalSecondaryIndexes()
                ? description.globalSecondaryIndexes().stream().map(GlobalSecondaryIndexDescription::indexName).toList() : List.of();
    }

    private static Message message(String id, String triggerId, ObjectNode context, Instant createdAt) {
        if (!context.has("campaign")) {
            context.putObject("event");
        }
        return new Message(id, "u1", triggerId, "e-" + id, Channel.EMAIL, Priority.MARKETING, "welcome", MessageStatus.READY,
                Optional.empty(), context, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                createdAt, List.of(new HistoryEntry(MessageStatus.READY, "trigger_matched", createdAt)));
    }

    /** The real client, asking DynamoDB Local what each write cost the bySource index. */
    static final class Metered implements DynamoDbClient {
        final DynamoDbClient delegate;
        final List<Double> writes = new ArrayList<>();
        final List<Double> bySource = new ArrayList<>();

        Metered(DynamoDbClient delegate) {
            this.delegate = delegate;
        }

        private void record(ConsumedCapacity consumed) {
            writes.add(consumed.capacityUnits());
            Map<String, Capacity> indexes = consumed.hasGlobalSecondaryIndexes() ? consumed.globalSecondaryIndexes() : Map.of();
            Capacity index = indexes.get(TableDefinitions.MESSAGES_BY_SOURCE);
            bySource.add(index == null ? 0.0 : index.capacityUnits());
        }

        @Override
        public PutItemResponse putItem(PutItemRequest request) {
            PutItemResponse response = delegate.putItem(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build());
            record(response.consumedCapacity());
            return response;
        }

        @Override
        public UpdateItemResponse updateItem(UpdateItemRequest request) {
            UpdateItemResponse response = delegate.updateItem(request.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build());
            record(response.consumedCapacity());
            return response;
        }

        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            return delegate.getItem(request);
        }

        @Override
        public QueryResponse query(QueryRequest request) {
            return delegate.query(request);
        }

        @Override
        public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
            return delegate.batchGetItem(request);
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {}
    }
}
