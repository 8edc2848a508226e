package io.nudge.local;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTimeToLiveRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * Which of several DynamoDB Local engines a request goes to: the one that holds its table. DynamoDB Local runs all of
 * one database's SQL on a single thread; with the Messages table in a database of its own, the two halves of the
 * pipeline's storage work run on two threads. Nudge makes no request that spans tables of two databases (no
 * transactions; each batch names one table), which is what makes the split invisible to it.
 */
final class TableRouting {
    private TableRouting() {}

    /** The engine of the tables a request names; a batch over tables of two engines is refused (Nudge makes none). */
    static <T> T engine(Set<String> tables, T main, Map<String, T> byTable) {
        Set<T> engines = tables.stream().map(t -> byTable.getOrDefault(t, main)).collect(Collectors.toSet());
        if (engines.size() > 1) {
            throw new IllegalArgumentException("one request over tables of two local databases: " + tables);
        }
        return engines.isEmpty() ? main : engines.iterator().next();
    }

    /** The tables a request names (none for a call without a table, such as ListTables). */
    static Set<String> tables(Object request) {
        return switch (request) {
            case BatchGetItemRequest r -> r.requestItems().keySet();
            case BatchWriteItemRequest r -> r.requestItems().keySet();
            case null -> Set.of();
            default -> table(request).map(Set::of).orElse(Set.of());
        };
    }

    private static Optional<String> table(Object request) {
        return Optional.ofNullable(switch (request) {
            case GetItemRequest r -> r.tableName();
            case PutItemRequest r -> r.tableName();
            case UpdateItemRequest r -> r.tableName();
            case DeleteItemRequest r -> r.tableName();
            case QueryRequest r -> r.tableName();
            case ScanRequest r -> r.tableName();
            case DescribeTableRequest r -> r.tableName();
            case CreateTableRequest r -> r.tableName();
            case UpdateTableRequest r -> r.tableName();
            case DeleteTableRequest r -> r.tableName();
            case UpdateTimeToLiveRequest r -> r.tableName();
            case DescribeTimeToLiveRequest r -> r.tableName();
            default -> null;
        });
    }
}
