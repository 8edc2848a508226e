package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** The runner's embedded DynamoDB Local: the SDK's exceptions, writes announced, the Messages database, restarts. */
class LocalDynamoTest {
    private static final String MESSAGES = "nudge-Messages";
    private static final String EVENTS = "nudge-Events";

    @Test
    void the_engine_s_errors_are_the_sdk_s_exceptions() throws Exception {
        try (LocalDynamo local = LocalDynamo.embedded(Optional.empty())) {
            DynamoDbClient dynamo = local.dynamo();
            createTable(dynamo, EVENTS);
            dynamo.putItem(p -> p.tableName(EVENTS).item(item("e1")));

            assertThatThrownBy(() -> dynamo.putItem(p -> p.tableName(EVENTS).item(item("e1")).conditionExpression("attribute_not_exists(id)")))
                    .isInstanceOf(ConditionalCheckFailedException.class);
            assertThatThrownBy(() -> dynamo.getItem(g -> g.tableName("nudge-Missing").key(Map.of("id", AttributeValue.fromS("x")))))
                    .isInstanceOf(ResourceNotFoundException.class);
        }
    }

    @Test
    void every_kind_of_write_is_announced_for_its_table_and_reads_are_not() throws Exception {
        try (LocalDynamo local = LocalDynamo.embedded(Optional.empty())) {
            DynamoDbClient dynamo = local.dynamo();
            TableWrites writes = local.writes();
            createTable(dynamo, EVENTS);
            long before = writes.count(EVENTS);

            dynamo.putItem(p -> p.tableName(EVENTS).item(item("e1")));
            dynamo.updateItem(u -> u.tableName(EVENTS).key(Map.of("id", AttributeValue.fromS("e1")))
                    .updateExpression("SET n = :n").expressionAttributeValues(Map.of(":n", AttributeValue.fromN("1"))));
            dynamo.batchWriteItem(BatchWriteItemRequest.builder().requestItems(Map.of(EVENTS, List.of(
                    WriteRequest.builder().putRequest(PutRequest.builder().item(item("e2")).build()).build()))).build());
            dynamo.deleteItem(d -> d.tableName(EVENTS).key(Map.of("id", AttributeValue.fromS("e2"))));
            long afterWrites = writes.count(EVENTS);
            dynamo.getItem(g -> g.tableName(EVENTS).key(Map.of("id", AttributeValue.fromS("e1"))));
            long pages = dynamo.scanPaginator(s -> s.tableName(EVENTS)).stream().count();

            assertThat(afterWrites - before).isEqualTo(4);
            assertThat(writes.count(EVENTS)).isEqualTo(afterWrites);
            assertThat(pages).isEqualTo(1);
            assertThat(writes.observed()).isTrue();
        }
    }

    @Test
    void a_write_wakes_a_waiting_poller_at_once() throws Exception {
        try (LocalDynamo local = LocalDynamo.embedded(Optional.empty())) {
            createTable(local.dynamo(), EVENTS);
            long seen = local.writes().count(EVENTS);
            Thread writer = Thread.ofPlatform().start(() -> local.dynamo().putItem(p -> p.tableName(EVENTS).item(item("e1"))));

            long started = System.nanoTime();
            local.writes().await(EVENTS, seen, 60_000);
            writer.join();

            assertThat(local.writes().count(EVENTS)).isGreaterThan(seen);
            assertThat(System.nanoTime() - started).isLessThan(30_000_000_000L);
        }
    }

    @Test
    void in_a_fresh_folder_messages_get_a_database_of_their_own_and_both_survive_a_restart(@TempDir Path folder) throws Exception {
        try (LocalDynamo local = LocalDynamo.embedded(Optional.of(folder), Map.of(MESSAGES, LocalRunner.MESSAGES_DATABASE))) {
            createTable(local.dynamo(), MESSAGES);
            createTable(local.dynamo(), EVENTS);
            local.dynamo().putItem(p -> p.tableName(MESSAGES).item(item("m1")));
            local.dynamo().putItem(p -> p.tableName(EVENTS).item(item("e1")));
            // each database's stream is read through its own client
            assertThat(local.streams(MESSAGES).listStreams(l -> l.tableName(MESSAGES)).streams()).hasSize(1);
            assertThat(local.streams(EVENTS).listStreams(l -> l.tableName(EVENTS)).streams()).hasSize(1);
            assertThat(local.streams(EVENTS).listStreams(l -> l.tableName(MESSAGES)).streams()).isEmpty();
        }

        assertThat(folder.resolve(LocalRunner.MESSAGES_DATABASE)).exists();
        try (LocalDynamo again = LocalDynamo.embedded(Optional.of(folder), Map.of(MESSAGES, LocalRunner.MESSAGES_DATABASE))) {
            assertThat(again.dynamo().getItem(g -> g.tableName(MESSAGES).key(Map.of("id", AttributeValue.fromS("m1")))).item()).isNotEmpty();
            assertThat(again.dynamo().getItem(g -> g.tableName(EVENTS).key(Map.of("id", AttributeValue.fromS("e1")))).item()).isNotEmpty();
        }
    }

    @Test
    void a_folder_made_with_one_database_keeps_it(@TempDir Path folder) throws Exception {
        try (LocalDynamo before = LocalDynamo.embedded(Optional.of(folder))) {
            createTable(before.dynamo(), MESSAGES);
            before.dynamo().putItem(p -> p.tableName(MESSAGES).item(item("m1")));
        }

        try (LocalDynamo after = LocalDynamo.embedded(Optional.of(folder), Map.of(MESSAGES, LocalRunner.MESSAGES_DATABASE))) {
            assertThat(after.dynamo().getItem(g -> g.tableName(MESSAGES).key(Map.of("id", AttributeValue.fromS("m1")))).item()).isNotEmpty();
        }
        assertThat(Files.exists(folder.resolve(LocalRunner.MESSAGES_DATABASE))).isFalse();
    }

    @Test
    void a_batch_over_tables_of_two_databases_is_refused() throws Exception {
        try (LocalDynamo local = LocalDynamo.embedded(Optional.empty(), Map.of(MESSAGES, LocalRunner.MESSAGES_DATABASE))) {
            createTable(local.dynamo(), MESSAGES);
            createTable(local.dynamo(), EVENTS);
            WriteRequest put = WriteRequest.builder().putRequest(PutRequest.builder().item(item("x")).build()).build();

            assertThatThrownBy(() -> local.dynamo().batchWriteItem(BatchWriteItemRequest.builder()
                    .requestItems(Map.of(MESSAGES, List.of(put), EVENTS, List.of(put))).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two local databases");
        }
    }

    @Test
    void over_http_it_listens_on_a_port_for_tools_and_nothing_is_announced() throws Exception {
        try (LocalDynamo local = LocalDynamo.start(Optional.empty(), Optional.of(0), Map.of(MESSAGES, LocalRunner.MESSAGES_DATABASE))) {
            createTable(local.dynamo(), EVENTS);
            local.dynamo().putItem(p -> p.tableName(EVENTS).item(item("e1")));

            assertThat(local.endpoint()).isPresent();
            try (DynamoDbClient tool = io.nudge.aws.AwsClients.dynamoDbAt(local.endpoint().get())) {
                assertThat(tool.getItem(g -> g.tableName(EVENTS).key(Map.of("id", AttributeValue.fromS("e1")))).item()).isNotEmpty();
            }
            assertThat(local.writes().observed()).isFalse();
        }
    }

    private static Map<String, AttributeValue> item(String id) {
        return Map.of("id", AttributeValue.fromS(id));
    }

    private static void createTable(DynamoDbClient dynamo, String table) {
        dynamo.createTable(c -> c.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
    }
}
