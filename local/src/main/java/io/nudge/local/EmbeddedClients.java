package io.nudge.local;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.dynamodb.services.exceptions.DynamoDBLocalServiceException;
import software.amazon.dynamodb.services.local.embedded.DDBExceptionMappingInvocationHandler;
import software.amazon.dynamodb.services.local.shared.access.LocalDBClient;

/**
 * The SDK clients over DynamoDB Local's engines, as {@code DynamoDBEmbedded} makes them (an interface proxy that turns
 * the engine's exceptions into the SDK's, {@code ConditionalCheckFailedException} and the rest), plus two things: each
 * request goes to the engine that holds its table ({@link TableRouting}), and each successful write names its table
 * to {@link TableWrites}. DynamoDB Local's own embedded factory offers neither, nor a way to open the store in WAL mode
 * ({@link WalDatabase}), hence this small copy of what it does.
 */
final class EmbeddedClients {
    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient mainStreams;
    private final Map<String, DynamoDbStreamsClient> streamsByTable = new HashMap<>();

    /** @param byTable the engines of tables kept apart; every other table is in {@code main} */
    EmbeddedClients(LocalDBClient main, Map<String, LocalDBClient> byTable, TableWrites writes) {
        DynamoDbClient mainDynamo = main.dynamoDbClient();
        Map<String, DynamoDbClient> dynamoByTable = new HashMap<>();
        byTable.forEach((table, engine) -> {
            dynamoByTable.put(table, engine.dynamoDbClient());
            streamsByTable.put(table, proxy(DynamoDbStreamsClient.class, request -> engine.dynamoDbStreamsClient(), writes));
        });
        this.dynamo = proxy(DynamoDbClient.class, request -> TableRouting.engine(TableRouting.tables(request), mainDynamo, dynamoByTable), writes);
        this.mainStreams = proxy(DynamoDbStreamsClient.class, request -> main.dynamoDbStreamsClient(), writes);
    }

    DynamoDbClient dynamo() {
        return dynamo;
    }

    /** The streams client of the engine that holds {@code table}. */
    DynamoDbStreamsClient streams(String table) {
        return streamsByTable.getOrDefault(table, mainStreams);
    }

    /** @param engineFor the engine client a request (or null: a call without one) goes to */
    private static <T> T proxy(Class<T> type, Function<Object, T> engineFor, TableWrites writes) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (routesThroughProxy(method, args)) {
                // the SDK's default method builds the request (or pages) and calls back here: routed, mapped, observed
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            Object request = args != null && args.length == 1 ? args[0] : null;
            Object result;
            try {
                result = method.invoke(engineFor.apply(request), args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof DynamoDBLocalServiceException local) {
                    DDBExceptionMappingInvocationHandler.handleDynamoDBLocalServiceException(local);
                }
                throw e.getCause();
            }
            announce(request, writes);
            return result;
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /** Builder overloads and paginators: defaults of the interface that must call the proxy, not the engine. */
    private static boolean routesThroughProxy(Method method, Object[] args) {
        return method.isDefault() && (method.getName().endsWith("Paginator") || args != null && args.length == 1 && args[0] instanceof Consumer);
    }

    /** Nudge writes with these four (no transactions): the tables they name were written. */
    private static void announce(Object request, TableWrites writes) {
        if (request instanceof PutItemRequest || request instanceof UpdateItemRequest || request instanceof DeleteItemRequest
                || request instanceof BatchWriteItemRequest) {
            TableRouting.tables(request).forEach(writes::written);
        }
    }
}
