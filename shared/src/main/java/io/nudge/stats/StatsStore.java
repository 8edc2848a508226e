package io.nudge.stats;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import io.nudge.model.Channel;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Counters per trigger (or campaign), channel and UTC day, incremented atomically when things happen — by whoever
 * makes them happen, right after the conditional write that decided it, so a replay that loses that write does not
 * count twice. Each day is spread over a few shard items so a busy trigger has no single hot key; reads add them up.
 * Nothing ever scans messages to count.
 */
public final class StatsStore {
    public static final int SHARDS = 4;

    private final DynamoDbClient dynamo;
    private final String table;

    public StatsStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public void increment(Subject subject, Channel channel, Instant at, Counter counter) {
        increment(subject, channel, at, counter.wire());
    }

    /** For counters with a detail, e.g. "suppressed.frequency_cap". */
    public void increment(Subject subject, Channel channel, Instant at, String counter) {
        add(subject, channel, at.atZone(ZoneOffset.UTC).toLocalDate(), counter, 1);
    }

    /** Adds {@code amount} at once (a stream batch's increments, summed by {@link StatsBuffer}). */
    public void add(Subject subject, Channel channel, LocalDate day, String counter, long amount) {
        int shard = ThreadLocalRandom.current().nextInt(SHARDS);
        dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                .key(Map.of("pk", s(subject.key()), "sk", s(day + "#" + channel.wire() + "#" + shard)))
                .updateExpression("ADD #c :amount")
                .expressionAttributeNames(Map.of("#c", counter))
                .expressionAttributeValues(Map.of(":amount", n(amount))).build());
    }

    /**
     * Several counters of one subject, channel and day in one UpdateItem ({@code ADD #c0 :v0, #c1 :v1, …}): for a caller
     * that counts a page of work at once. Zero and negative amounts are skipped; nothing is written when none is left.
     */
    public void add(Subject subject, Channel channel, Instant at, Map<String, Long> amounts) {
        Map<String, String> names = new HashMap<>();
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> values = new HashMap<>();
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Long> e : amounts.entrySet()) {
            if (e.getValue() > 0) {
                int i = parts.size();
                names.put("#c" + i, e.getKey());
                values.put(":v" + i, n(e.getValue()));
                parts.add("#c" + i + " :v" + i);
            }
        }
        if (parts.isEmpty()) {
            return;
        }
        String day = at.atZone(ZoneOffset.UTC).toLocalDate().toString();
        int shard = ThreadLocalRandom.current().nextInt(SHARDS);
        dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                .key(Map.of("pk", s(subject.key()), "sk", s(day + "#" + channel.wire() + "#" + shard)))
                .updateExpression("ADD " + String.join(", ", parts))
                .expressionAttributeNames(names)
                .expressionAttributeValues(values).build());
    }

    /** One day's counters of one channel, summed over shards. */
    public record DayCounts(LocalDate day, Channel channel, Map<String, Long> counts) {}

    /** Days from {@code from} to {@code to} inclusive; all time when both are null. */
    public List<DayCounts> read(Subject subject, LocalDate from, LocalDate to) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table);
        if (from == null && to == null) {
            query.keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(subject.key())));
        } else {
            String start = from == null ? "0000" : from.toString();
            String end = (to == null ? "9999-12-31" : to.toString()) + "#~";
            query.keyConditionExpression("pk = :pk AND sk BETWEEN :a AND :b")
                    .expressionAttributeValues(Map.of(":pk", s(subject.key()), ":a", s(start), ":b", s(end)));
        }
        Map<String, DayCounts> byDayAndChannel = new java.util.TreeMap<>();
        dynamo.queryPaginator(query.build()).items().forEach(item -> {
            String[] sk = item.get("sk").s().split("#");
            String key = sk[0] + "#" + sk[1];
            DayCounts day = byDayAndChannel.computeIfAbsent(key, k -> new DayCounts(LocalDate.parse(sk[0]),
                    Channel.fromWire(sk[1]).orElse(Channel.EMAIL), new HashMap<>()));
            item.forEach((name, value) -> {
                if (!name.equals("pk") && !name.equals("sk") && value.n() != null) {
                    day.counts().merge(name, Long.parseLong(value.n()), Long::sum);
                }
            });
        });
        return new ArrayList<>(byDayAndChannel.values());
    }

}
