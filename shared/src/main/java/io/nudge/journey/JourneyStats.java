package io.nudge.journey;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The journey counters in the Stats table, owner of their records: {@code pk = journeyflow#<journey id>},
 * {@code sk = <UTC day>#<part>#<shard>} where part is {@code step:<step id>} (what happened at that step) or
 * {@code journey} (conversions). Each call is one UpdateItem ADD on one small item (an item holds one step's counters
 * of one day and shard, so it stays under 1 KB: 1 write unit), spread over {@link #SHARDS} shards like the message
 * stats. A step's entries are not written: they are the edges into it (plus the entries at the start), added up on read.
 * Message counters of send steps are the messages' own ({@link io.nudge.stats.Subject#journeyStep}).
 */
public final class JourneyStats implements JourneyCounters {
    public static final int SHARDS = io.nudge.stats.StatsStore.SHARDS;
    /** The Stats table's partition prefix of these records (the message stats' are Subject kinds: trigger, campaign, journey). */
    static final String PREFIX = "journeyflow";
    static final String JOURNEY = "journey";
    static final String STEP = "step:";

    private final DynamoDbClient dynamo;
    private final String table;

    public JourneyStats(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void entered(String journeyId, String step, Instant at) {
        add(journeyId, STEP + step, at, Map.of("entries", 1L));
    }

    @Override
    public void moved(String journeyId, String from, String how, Optional<String> to, Instant at) {
        add(journeyId, STEP + from, at, Map.of("left." + how, 1L, to.map(t -> "to." + t).orElse("end"), 1L));
    }

    @Override
    public void ended(String journeyId, String step, JourneyInstance.Status status, String reasonKind, Instant at) {
        String counter = (status == JourneyInstance.Status.COMPLETED ? "completed." : "exited.") + reasonKind;
        add(journeyId, STEP + step, at, Map.of(counter, 1L));
    }

    @Override
    public void converted(String journeyId, Map<String, String> arms, Instant at) {
        Map<String, Long> counters = new HashMap<>();
        counters.put("converted", 1L);
        arms.forEach((split, arm) -> counters.put("arm." + split + "." + arm, 1L));
        add(journeyId, JOURNEY, at, counters);
    }

    private void add(String journeyId, String part, Instant at, Map<String, Long> counters) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder expression = new StringBuilder("ADD ");
        int i = 0;
        for (Map.Entry<String, Long> c : counters.entrySet()) {
            names.put("#c" + i, c.getKey());
            values.put(":v" + i, n(c.getValue()));
            expression.append(i == 0 ? "" : ", ").append("#c").append(i).append(" :v").append(i);
            i++;
        }
        String day = at.atZone(ZoneOffset.UTC).toLocalDate().toString();
        int shard = ThreadLocalRandom.current().nextInt(SHARDS);
        dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                .key(Map.of("pk", s(key(journeyId)), "sk", s(day + "#" + part + "#" + shard)))
                .updateExpression(expression.toString())
                .expressionAttributeNames(names)
                .expressionAttributeValues(values).build());
    }

    private static String key(String journeyId) {
        return PREFIX + "#" + journeyId;
    }

    /**
     * The counters of days {@code from} to {@code to} (inclusive; open ends when null), summed over days and shards:
     * per step (entries at the start, {@code left.<how>}, {@code to.<step>}, {@code end}, {@code completed.<kind>},
     * {@code exited.<kind>}) and the journey's ({@code converted}, {@code arm.<split>.<arm>}).
     */
    public record Flow(Map<String, Map<String, Long>> steps, Map<String, Long> journey) {
        public long step(String step, String counter) {
            return steps.getOrDefault(step, Map.of()).getOrDefault(counter, 0L);
        }

        /** Instances that entered {@code step}: entries there plus every edge into it. */
        public long entered(String step) {
            long n = step(step, "entries");
            for (Map<String, Long> counters : steps.values()) {
                n += counters.getOrDefault("to." + step, 0L);
            }
            return n;
        }
    }

    public Flow read(String journeyId, LocalDate from, LocalDate to) {
        String start = from == null ? "0000" : from.toString();
        String end = (to == null ? "9999-12-31" : to.toString()) + "#~";
        Map<String, Map<String, Long>> steps = new TreeMap<>();
        Map<String, Long> journey = new LinkedHashMap<>();
        dynamo.queryPaginator(QueryRequest.builder().tableName(table)
                .keyConditionExpression("pk = :pk AND sk BETWEEN :a AND :b")
                .expressionAttributeValues(Map.of(":pk", s(key(journeyId)), ":a", s(start), ":b", s(end))).build())
                .items().forEach(item -> {
                    String part = item.get("sk").s().split("#")[1];
                    Map<String, Long> counters = part.startsWith(STEP)
                            ? steps.computeIfAbsent(part.substring(STEP.length()), k -> new TreeMap<>()) : journey;
                    item.forEach((name, value) -> {
                        if (!name.equals("pk") && !name.equals("sk") && value.n() != null) {
                            counters.merge(name, Long.parseLong(value.n()), Long::sum);
                        }
                    });
                });
        return new Flow(steps, journey);
    }
}
