package io.nudge.bench.cost;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.Capacity;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * An SDK interceptor that asks every DynamoDB call for its consumed capacity (ReturnConsumedCapacity=INDEXES: the
 * total, split into table and each index) and records it, with a name for what the call was for. DynamoDB Local
 * reports capacity by DynamoDB's size rules (1 WCU per KB written, per index touched; 1 RCU per 4 KB read strongly,
 * half eventually). A conditional write that fails returns no capacity but is charged: it is recorded as 1 WCU (the
 * minimum; DynamoDB charges by the existing item's size).
 */
public final class CapacityMeter implements ExecutionInterceptor {
    /** One DynamoDB call. {@code table} is without the test prefix; {@code indexes} maps "table"/index name to units. */
    public record Call(String phase, String operation, String table, String what, double read, double write,
            Map<String, Double> indexes, boolean conditionFailed) {}

    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private volatile String phase = "";
    private volatile boolean enabled = true;

    /** Tables are named {@code <prefix>-<Name>}: calls are reported by {@code Name}. */
    public CapacityMeter() {
    }

    /** Calls from now on are attributed to {@code phase}. */
    public void phase(String name) {
        phase = name;
    }

    public void enabled(boolean on) {
        enabled = on;
    }

    public List<Call> drain() {
        synchronized (calls) {
            List<Call> copy = new ArrayList<>(calls);
            calls.clear();
            return copy;
        }
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        ReturnConsumedCapacity indexes = ReturnConsumedCapacity.INDEXES;
        return switch (request) {
            case GetItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case PutItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case UpdateItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case DeleteItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case QueryRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case ScanRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case BatchGetItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case BatchWriteItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case TransactWriteItemsRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            default -> request;
        };
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (!enabled) {
            return;
        }
        SdkRequest request = context.request();
        SdkResponse response = context.response();
        List<ConsumedCapacity> consumed = switch (response) {
            case GetItemResponse r -> one(r.consumedCapacity());
            case PutItemResponse r -> one(r.consumedCapacity());
            case UpdateItemResponse r -> one(r.consumedCapacity());
            case DeleteItemResponse r -> one(r.consumedCapacity());
            case QueryResponse r -> one(r.consumedCapacity());
            case ScanResponse r -> one(r.consumedCapacity());
            case BatchGetItemResponse r -> r.consumedCapacity();
            case BatchWriteItemResponse r -> r.consumedCapacity();
            case TransactWriteItemsResponse r -> r.consumedCapacity();
            default -> List.of();
        };
        boolean write = isWrite(request);
        for (ConsumedCapacity c : consumed) {
            double units = c.capacityUnits() == null ? 0 : c.capacityUnits();
            Map<String, Double> split = new TreeMap<>();
            if (c.table() != null) {
                split.put("table", units(c.table()));
            }
            if (c.globalSecondaryIndexes() != null) {
                c.globalSecondaryIndexes().forEach((name, capacity) -> split.put(name, units(capacity)));
            }
            calls.add(new Call(phase, operation(request), table(c.tableName()), describe(request), write ? 0 : units, write ? units : 0,
                    split, false));
        }
        if (consumed.isEmpty() && !(request instanceof software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest)) {
            calls.add(new Call(phase, operation(request), table(tableOf(request)), describe(request), 0, 0, Map.of(), false));
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (enabled && context.exception() instanceof ConditionalCheckFailedException) {
            SdkRequest request = context.request();
            calls.add(new Call(phase, operation(request), table(tableOf(request)), describe(request) + " (condition failed)", 0, 1,
                    Map.of("table", 1.0), true));
        }
    }

    private static List<ConsumedCapacity> one(ConsumedCapacity c) {
        return c == null ? List.of() : List.of(c);
    }

    private static double units(Capacity capacity) {
        return capacity.capacityUnits() == null ? 0 : capacity.capacityUnits();
    }

    private static boolean isWrite(SdkRequest request) {
        return request instanceof PutItemRequest || request instanceof UpdateItemRequest || request instanceof DeleteItemRequest
                || request instanceof BatchWriteItemRequest || request instanceof TransactWriteItemsRequest;
    }

    private static String operation(SdkRequest request) {
        String name = request.getClass().getSimpleName();
        return name.endsWith("Request") ? name.substring(0, name.length() - "Request".length()) : name;
    }

    private static String table(String name) {
        return name == null ? "?" : name.substring(name.indexOf('-') + 1);
    }

    private static String tableOf(SdkRequest request) {
        return switch (request) {
            case GetItemRequest r -> r.tableName();
            case PutItemRequest r -> r.tableName();
            case UpdateItemRequest r -> r.tableName();
            case DeleteItemRequest r -> r.tableName();
            case QueryRequest r -> r.tableName();
            case ScanRequest r -> r.tableName();
            default -> "?";
        };
    }

    /** What the call is for, read from its table, key, expressions and values: the names the cost report uses. */
    static String describe(SdkRequest request) {
        String table = table(tableOf(request));
        return switch (request) {
            case GetItemRequest r -> "read " + itemName(table, r.key()) + (Boolean.TRUE.equals(r.consistentRead()) ? " (strong)" : " (eventual)");
            case PutItemRequest r -> "put " + itemName(table, r.item());
            case UpdateItemRequest r -> "update " + itemName(table, r.key()) + ": " + updateWhat(r);
            case DeleteItemRequest r -> "delete " + itemName(table, r.key());
            case QueryRequest r -> "query " + (r.indexName() == null ? table : "index " + r.indexName());
            default -> request.getClass().getSimpleName();
        };
    }

    private static String updateWhat(UpdateItemRequest r) {
        String expression = r.updateExpression() == null ? "" : r.updateExpression();
        Map<String, AttributeValue> values = r.expressionAttributeValues();
        if (values != null && values.containsKey(":status") && expression.contains("#status = :status")) {
            return "status → " + values.get(":status").s();
        }
        if (expression.contains("attemptAt")) {
            return "stamp attemptAt";
        }
        if (expression.startsWith("ADD #c") && r.expressionAttributeNames() != null) {
            return "counter " + r.expressionAttributeNames().get("#c");
        }
        if (expression.contains("evaluation")) {
            return "record the evaluation";
        }
        return expression.length() > 40 ? expression.substring(0, 40) + "…" : expression;
    }

    /** The item's kind, not its key's value: "message", "frequency cap", "rate limit (day)", "slot", … */
    private static String itemName(String table, Map<String, AttributeValue> key) {
        return switch (table) {
            case "Messages" -> "message";
            case "Events" -> "event";
            case "Users" -> "user";
            case "ApiKeys" -> "API key";
            case "Suppressions" -> "suppression";
            case "Slots" -> "slot";
            case "Stats" -> "stats counter";
            case "DeadLetters" -> "dead letter";
            case "Definitions" -> {
                String kind = key.containsKey("kind") ? key.get("kind").s() : "?";
                yield "meta".equals(kind) ? "definitions version" : "definition (" + kind + ")";
            }
            case "State" -> {
                String pk = key.containsKey("pk") ? key.get("pk").s() : "";
                yield pk.startsWith("rate#") ? (pk.contains("#day#") ? "rate limit (day)" : "rate limit (second)")
                        : pk.startsWith("cap#") ? "frequency cap" : pk.startsWith("reentry#") ? "re-entry window"
                        : pk.startsWith("activity") ? "activity counters" : "state";
            }
            default -> "item";
        };
    }
}
