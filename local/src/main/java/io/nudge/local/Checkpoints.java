package io.nudge.local;

import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Where each stream shard was read up to, kept in DynamoDB Local itself so a restart resumes there. */
final class Checkpoints {
    private final DynamoDbClient dynamo;
    private final String table;

    Checkpoints(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        try {
            dynamo.createTable(CreateTableRequest.builder().tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(KeySchemaElement.builder().attributeName("shard").keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("shard").attributeType(ScalarAttributeType.S).build())
                    .build());
        } catch (ResourceInUseException exists) {
            // kept from an earlier run: that is the point
        }
    }

    Optional<String> get(String shard) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("shard", AttributeValue.fromS(shard))).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item.get("sequence").s());
    }

    void put(String shard, String sequence) {
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(Map.of(
                "shard", AttributeValue.fromS(shard), "sequence", AttributeValue.fromS(sequence))).build());
    }
}
