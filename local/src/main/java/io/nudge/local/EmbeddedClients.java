package io.nudge.local;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.dynamodb.services.exceptions.DynamoDBLocalServiceException;
import software.amazon.dynamodb.services.local.embedded.DDBExceptionMappingInvocationHandler;
import software.amazon.dynamodb.services.local.shared.access.LocalDBClient;

/**
 * The SDK clients over DynamoDB Local's engine, as {@code DynamoDBEmbedded} makes them (an interface proxy that turns
 * the engine's exceptions into the SDK's, {@code ConditionalCheckFailedException} and the rest), plus one thing: each
 * successful write names its tables to {@link TableWrites}. DynamoDB Local's own embedded factory offers no way to
 * open the store in WAL mode ({@link WalDatabase}), hence this small copy of what it does.
 */
final class EmbeddedClients {
    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;

    EmbeddedClients(LocalDBClient engine, TableWrites writes) {
        DynamoDbClient rawDynamo = engine.dynamoDbClient();
        this.dynamo = proxy(DynamoDbClient.class, rawDynamo, writes);
        this.streams = proxy(DynamoDbStreamsClient.class, engine.dynamoDbStreamsClient(), writes);
    }

    DynamoDbClient dynamo() {
        return dynamo;
    }

    DynamoDbStreamsClient streams() {
        return streams;
    }

    private static <T> T proxy(Class<T> type, T engine, TableWrites writes) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (routesThroughProxy(method, args)) {
                // the SDK's default method builds the request (or pages) and calls back here, mapped and observed
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            Object result;
            try {
                result = method.invoke(engine, args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof DynamoDBLocalServiceException local) {
                    DDBExceptionMappingInvocationHandler.handleDynamoDBLocalServiceException(local);
                }
                throw e.getCause();
            }
            if (args != null && args.length == 1) {
                announce(args[0], writes);
            }
            return result;
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /** Builder overloads and paginators: defaults of the interface that must call the proxy, not the engine. */
    private static boolean routesThroughProxy(Method method, Object[] args) {
        return method.isDefault() && (method.getName().endsWith("Paginator") || args != null && args.length == 1 && args[0] instanceof Consumer);
    }

    private static void announce(Object request, TableWrites writes) {
        switch (request) {
            case PutItemRequest put -> writes.written(put.tableName());
            case UpdateItemRequest update -> writes.written(update.tableName());
            case DeleteItemRequest delete -> writes.written(delete.tableName());
            case BatchWriteItemRequest batch -> batch.requestItems().keySet().forEach(writes::written);
            case TransactWriteItemsRequest transaction -> transaction.transactItems().forEach(item -> writes.written(tableOf(item)));
            default -> { }
        }
    }

    private static String tableOf(TransactWriteItem item) {
        if (item.put() != null) {
            return item.put().tableName();
        }
        if (item.update() != null) {
            return item.update().tableName();
        }
        if (item.delete() != null) {
            return item.delete().tableName();
        }
        return item.conditionCheck().tableName();
    }
}
