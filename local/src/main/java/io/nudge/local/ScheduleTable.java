package io.nudge.local;

import io.nudge.scheduling.ScheduleRequest;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The local scheduler's DynamoDB table: one item per schedule, keyed by name. Every change after creation is a
 * conditional write on {@code version}, so two callers never both act on the same due fire.
 */
final class ScheduleTable {
    private static final Map<String, String> NAMES = Map.of(
            "#name", "name", "#expression", "expression", "#timezone", "timezone", "#target", "target",
            "#input", "input", "#deleteAfterCompletion", "deleteAfterCompletion", "#createdAt", "createdAt",
            "#nextFire", "nextFire", "#failures", "failures", "#version", "version");

    private final DynamoDbClient dynamo;
    private final String tableName;

    ScheduleTable(DynamoDbClient dynamo, String tableName) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
    }

    void createIfMissing() {
        try {
            dynamo.createTable(CreateTableRequest.builder().tableName(tableName)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(KeySchemaElement.builder().attributeName("name").keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("name")
                            .attributeType(ScalarAttributeType.S).build())
                    .build());
        } catch (ResourceInUseException alreadyThere) {
            // created by an earlier run: its schedules are what a restart must not lose
        }
    }

    /** @return false when a schedule of that name exists (it is left as it is) */
    boolean putIfAbsent(StoredSchedule schedule) {
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(tableName)
                    .item(item(schedule))
                    .conditionExpression("attribute_not_exists(#name)")
                    .expressionAttributeNames(Map.of("#name", "name"))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    /** Creates or replaces; the version keeps counting up, so a fire claimed before the replace cannot complete over it. */
    void replace(StoredSchedule schedule) {
        ScheduleRequest request = schedule.request();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":expression", s(request.expression()));
        values.put(":timezone", s(request.timezone().getId()));
        values.put(":target", s(request.target().name()));
        values.put(":input", s(request.input()));
        values.put(":deleteAfterCompletion", AttributeValue.fromBool(request.deleteAfterCompletion()));
        values.put(":createdAt", millis(schedule.createdAt()));
        values.put(":failures", n(0));
        values.put(":zero", n(0));
        values.put(":one", n(1));
        String set = "SET #expression = :expression, #timezone = :timezone, #target = :target, #input = :input,"
                + " #deleteAfterCompletion = :deleteAfterCompletion, #createdAt = :createdAt, #failures = :failures,"
                + " #version = if_not_exists(#version, :zero) + :one";
        String update = schedule.nextFire().map(next -> {
            values.put(":nextFire", millis(next));
            return set + ", #nextFire = :nextFire";
        }).orElse(set + " REMOVE #nextFire");
        dynamo.updateItem(UpdateItemRequest.builder().tableName(tableName)
                .key(key(request.name()))
                .updateExpression(update)
                .expressionAttributeNames(namesIn(update))
                .expressionAttributeValues(values)
                .build());
    }

    void delete(String name) {
        dynamo.deleteItem(DeleteItemRequest.builder().tableName(tableName).key(key(name)).build());
    }

    /**
     * Schedules whose next fire is at or before {@code now}. A scan, not an index: locally the table holds a handful
     * of schedules (campaigns, and the slots that still have messages waiting; fired slots delete themselves), DynamoDB
     * Local runs in-process, and a scan of that every 200 ms costs nothing, while a GSI would need a constant
     * partition key and a second write on every change for no gain.
     */
    List<StoredSchedule> due(Instant now) {
        List<StoredSchedule> due = new ArrayList<>();
        dynamo.scanPaginator(ScanRequest.builder().tableName(tableName)
                        .consistentRead(true)
                        .filterExpression("#nextFire <= :now")
                        .expressionAttributeNames(Map.of("#nextFire", "nextFire"))
                        .expressionAttributeValues(Map.of(":now", millis(now)))
                        .build())
                .items().forEach(item -> due.add(schedule(item)));
        return due;
    }

    /**
     * Takes a due fire for this caller: moves its next fire to {@code leaseEnd} (so no other caller sees it due while
     * the target runs; if this process dies, it is due again then) and bumps the version.
     *
     * @return the claimed schedule, or empty when another caller claimed or changed it first
     */
    Optional<StoredSchedule> claim(StoredSchedule schedule, Instant leaseEnd) {
        if (!write(schedule.name(), schedule.version(), "SET #nextFire = :nextFire", Map.of(":nextFire", millis(leaseEnd)))) {
            return Optional.empty();
        }
        return Optional.of(new StoredSchedule(schedule.request(), schedule.createdAt(), Optional.of(leaseEnd),
                schedule.failures(), schedule.version() + 1));
    }

    /** Sets the next fire (or removes it: nothing further) and the failure count, if nobody changed the schedule since. */
    boolean reschedule(StoredSchedule claimed, Optional<Instant> nextFire, int failures) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":failures", n(failures));
        String update = nextFire.map(next -> {
            values.put(":nextFire", millis(next));
            return "SET #failures = :failures, #nextFire = :nextFire";
        }).orElse("SET #failures = :failures REMOVE #nextFire");
        return write(claimed.name(), claimed.version(), update, values);
    }

    /** Deletes a completed one-time schedule, unless it was replaced meanwhile. */
    boolean deleteIfUnchanged(StoredSchedule claimed) {
        try {
            dynamo.deleteItem(DeleteItemRequest.builder().tableName(tableName)
                    .key(key(claimed.name()))
                    .conditionExpression("#version = :version")
                    .expressionAttributeNames(Map.of("#version", "version"))
                    .expressionAttributeValues(Map.of(":version", n(claimed.version())))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
    }

    private boolean write(String name, long version, String update, Map<String, AttributeValue> values) {
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":version", n(version));
        all.put(":one", n(1));
        String withVersion = update.replaceFirst("^SET ", "SET #version = #version + :one, ");
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(tableName)
                    .key(key(name))
                    .updateExpression(withVersion)
                    .conditionExpression("#version = :version")
                    .expressionAttributeNames(namesIn(withVersion))
                    .expressionAttributeValues(all)
                    .build());
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
    }

    private static Map<String, AttributeValue> item(StoredSchedule schedule) {
        ScheduleRequest request = schedule.request();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("name", s(request.name()));
        item.put("expression", s(request.expression()));
        item.put("timezone", s(request.timezone().getId()));
        item.put("target", s(request.target().name()));
        item.put("input", s(request.input()));
        item.put("deleteAfterCompletion", AttributeValue.fromBool(request.deleteAfterCompletion()));
        item.put("createdAt", millis(schedule.createdAt()));
        schedule.nextFire().ifPresent(next -> item.put("nextFire", millis(next)));
        item.put("failures", n(schedule.failures()));
        item.put("version", n(schedule.version()));
        return item;
    }

    private static StoredSchedule schedule(Map<String, AttributeValue> item) {
        ScheduleRequest request = new ScheduleRequest(item.get("name").s(), item.get("expression").s(),
                ZoneId.of(item.get("timezone").s()), ScheduleRequest.Target.valueOf(item.get("target").s()),
                item.get("input").s(), item.get("deleteAfterCompletion").bool());
        Optional<Instant> nextFire = Optional.ofNullable(item.get("nextFire"))
                .map(v -> Instant.ofEpochMilli(Long.parseLong(v.n())));
        return new StoredSchedule(request, Instant.ofEpochMilli(Long.parseLong(item.get("createdAt").n())), nextFire,
                Integer.parseInt(item.get("failures").n()), Long.parseLong(item.get("version").n()));
    }

    private static Map<String, String> namesIn(String expression) {
        Map<String, String> used = new HashMap<>();
        NAMES.forEach((placeholder, name) -> {
            if (expression.contains(placeholder)) {
                used.put(placeholder, name);
            }
        });
        return used;
    }

    private static Map<String, AttributeValue> key(String name) {
        return Map.of("name", s(name));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static AttributeValue millis(Instant instant) {
        return n(instant.toEpochMilli());
    }
}
