package io.nudge.local;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
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
 * One {@link DynamoDbClient} over several DynamoDB Local engines, each request sent to the engine that holds its
 * table. DynamoDB Local runs all of one database's SQL on a single thread; with the Messages table in a database of
 * its own, the two halves of the pipeline's storage work run on two threads. Nudge makes no request that spans
 * tables (no transactions; each batch names one table), which is what makes this split invisible to it.
 */
final class TableRouting {
    private TableRouting() {}

    static DynamoDbClient over(DynamoDbClient main, Map<String, DynamoDbClient> byTable) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.isDefault() && args != null && args.length == 1 && args[0] instanceof Consumer) {
                return InvocationHandler.invokeDefault(proxy, method, args); // builds the request, then comes back here
            }
            if (method.isDefault() && method.getName().endsWith("Paginator")) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            DynamoDbClient engine = args == null || args.length != 1 ? main : engine(tables(args[0]), main, byTable);
            try {
                return method.invoke(engine, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class}, handler);
    }

    /** The engine of the tables a request names; a batch over tables of two engines is refused (Nudge makes none). */
    static DynamoDbClient engine(Set<String> tables, DynamoDbClient main, Map<String, DynamoDbClient> byTable) {
        Set<DynamoDbClient> engines = tables.stream().map(t -> byTable.getOrDefault(t, main)).collect(Collectors.toSet());
        if (engines.size() > 1) {
            throw new IllegalArgumentException("one request over tables of two local databases: " + tables);
        }
        return engines.isEmpty() ? main : engines.iterator().next();
    }

    static Set<String> tables(Object request) {
        return switch (request) {
            case BatchGetItemRequest r -> r.requestItems().keySet();
            case BatchWriteItemRequest r -> r.requestItems().keySet();
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
