package io.nudge.segments;

import static io.nudge.store.AttributeValues.n;
import io.nudge.store.StateItems;
import static io.nudge.store.AttributeValues.s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.model.Event;
import io.nudge.model.Times;
import io.nudge.privacy.Person;
import io.nudge.privacy.PersonalRecords;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Per-user behaviour counters in the State table: one item per user and UTC calendar month,
 * {@code activity-month#<yyyy-mm>#<userId>}, with one number attribute per event name and day of that month
 * ({@code <event>|<dd>}; event names never contain '|'), {@code lastSeenAt}, and {@code expiresAt} = end of the month +
 * 181 days, so TTL removes a month once no 180-day window can reach it.
 *
 * <p>Why months: DynamoDB charges a write by the size of the item (old or new, the larger, per KB). A single item per
 * user holding 181 days grew to ~30 KB for a user active daily with 5 event names, and every event cost ~30 write
 * units. A month item holds at most 31 days: the same user's write costs 1-3 units (~16 bytes per event name and active
 * day). Reading 180 days is one BatchGetItem of at most 7 month items (and fewer for a shorter window).
 *
 * <p>evaluate-triggers records each event with one unconditional {@code ADD} (it creates the item when there is none).
 * The day is the event's timestamp, but never later than when it was received (the item of a future month could
 * escape erasure), and an event older than 181 days is not counted (no window reaches it). A replayed stream record
 * counts twice: counters are for audiences, not billing. A month's {@code lastSeenAt} is the event recorded last (a
 * late event moves it back within its own month only); a read takes the latest of the months.
 */
public final class ActivityStore implements PersonalRecords {
    static final int KEEP_DAYS = 181;
    private static final String PREFIX = "activity-month";
    private static final String DAY_SEPARATOR = "|";
    private static final int MAX_ATTEMPTS = 8;
    private final DynamoDbClient dynamo;
    private final String table;

    public ActivityStore(DynamoDbClient dynamo, String stateTable) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(stateTable, "stateTable");
    }

    public void record(Event event) {
        Instant at = event.timestamp().isAfter(event.receivedAt()) ? event.receivedAt() : event.timestamp();
        LocalDate day = day(at);
        if (day.isBefore(day(event.receivedAt()).minusDays(KEEP_DAYS))) {
            return;
        }
        YearMonth month = YearMonth.from(day);
        String counter = event.name() + DAY_SEPARATOR + String.format("%02d", day.getDayOfMonth());
        // One unconditional write whether the item exists or not; its size is bounded by one month of days.
        dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("pk", s(pk(event.userId(), month))))
                .updateExpression("ADD #k :one SET lastSeenAt = :t, expiresAt = :exp")
                .expressionAttributeNames(Map.of("#k", counter))
                .expressionAttributeValues(Map.of(":one", n(1), ":t", s(Times.format(at)), ":exp", n(expiresAt(month))))
                .build());
    }

    /** The counters of the last 180 days before {@code now} (the reader's clock: the months to read depend on it). */
    public Activity find(String userId, Instant now) {
        return find(userId, now, SegmentParser.MAX_WINDOW);
    }

    /**
     * The counters of the UTC days from {@code now − within} to today, and the latest {@code lastSeenAt} of the months
     * read: enough to answer every count and last-seen rule whose window or age is at most {@code within}, reading
     * only the months that overlap it (1-2 for a week, 7 for 180 days).
     */
    public Activity find(String userId, Instant now, Duration within) {
        if (within.compareTo(SegmentParser.MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("within must be at most " + SegmentParser.MAX_WINDOW + ": " + within);
        }
        LocalDate first = day(now.minus(within));
        return read(userId, months(first, day(now)), first, now);
    }

    /** Everything stored and not expired, whatever its day: what export shows. */
    public Activity stored(String userId, Instant now) {
        return read(userId, storedMonths(now), LocalDate.MIN, now);
    }

    /** Deletes every item of the user (each month that can still exist); true if any existed. */
    public boolean delete(String userId, Instant now) {
        return deleteMonths(userId, now) > 0;
    }

    private int deleteMonths(String userId, Instant now) {
        return StateItems.delete(dynamo, table, storedMonths(now).stream().map(month -> pk(userId, month)).toList());
    }

    @Override
    public String name() {
        return "activity";
    }

    @Override
    public Set<String> statePrefixes() {
        return Set.of(PREFIX);
    }

    /** The counters and the last time seen, when any are stored. */
    @Override
    public Optional<JsonNode> export(Person person, Instant now) {
        Activity counters = stored(person.userId(), now);
        if (counters.counts().isEmpty() && counters.lastSeenAt().isEmpty()) {
            return Optional.empty();
        }
        ObjectNode counts = Json.object();
        new TreeMap<>(counters.counts()).forEach(counts::put);
        ObjectNode json = Json.object();
        json.set("counts", counts);
        json.put("lastSeenAt", counters.lastSeenAt().map(Times::format).orElse(null));
        return Optional.of(json);
    }

    @Override
    public Erased erase(Person person, Instant now) {
        return new Erased.Deleted(deleteMonths(person.userId(), now));
    }

    private Activity read(String userId, List<YearMonth> months, LocalDate first, Instant now) {
        Map<String, YearMonth> monthOf = new HashMap<>();
        months.forEach(month -> monthOf.put(pk(userId, month), month));
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        monthOf.keySet().forEach(pk -> keys.add(Map.of("pk", s(pk))));

        Map<String, Long> counts = new HashMap<>();
        Instant lastSeen = null;
        for (Map<String, AttributeValue> item : batchGet(keys)) {
            if (item.containsKey("expiresAt") && Long.parseLong(item.get("expiresAt").n()) <= now.getEpochSecond()) {
                continue; // expired, TTL has not removed it yet
            }
            YearMonth month = monthOf.get(item.get("pk").s());
            item.forEach((name, v) -> {
                int bar = name.lastIndexOf(DAY_SEPARATOR);
                if (bar > 0 && v.n() != null) {
                    add(counts, name.substring(0, bar), month.atDay(Integer.parseInt(name.substring(bar + 1))), v.n(), first);
                }
            });
            if (item.containsKey("lastSeenAt")) {
                Instant seen = Times.parse(item.get("lastSeenAt").s());
                lastSeen = lastSeen == null || seen.isAfter(lastSeen) ? seen : lastSeen;
            }
        }
        return new Activity(counts, Optional.ofNullable(lastSeen));
    }

    private static void add(Map<String, Long> counts, String event, LocalDate day, String number, LocalDate first) {
        if (!day.isBefore(first)) {
            counts.merge(Activity.key(event, day), Long.parseLong(number), Long::sum);
        }
    }

    /** Eventually consistent; keys the service could not serve this time (throttling) are asked again. */
    private List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).build());
        for (int attempt = 1; !request.isEmpty(); attempt++) {
            if (attempt > MAX_ATTEMPTS) {
                throw new IllegalStateException("activity counters still unprocessed after " + MAX_ATTEMPTS + " attempts");
            }
            if (attempt > 1) {
                backOff(attempt);
            }
            BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(request).build());
            items.addAll(response.responses().getOrDefault(table, List.of()));
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return items;
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(Math.min(1000L, 25L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading activity counters", e);
        }
    }

    /** The months whose item can exist at {@code now}: TTL deletes within days of expiry, and a writer's clock may be ahead. */
    private static List<YearMonth> storedMonths(Instant now) {
        return months(day(now).minusDays(KEEP_DAYS + 2), day(now).plusDays(1));
    }

    private static List<YearMonth> months(LocalDate first, LocalDate last) {
        List<YearMonth> months = new ArrayList<>();
        for (YearMonth m = YearMonth.from(first); !m.isAfter(YearMonth.from(last)); m = m.plusMonths(1)) {
            months.add(m);
        }
        return months;
    }

    static long expiresAt(YearMonth month) {
        return month.plusMonths(1).atDay(1).plusDays(KEEP_DAYS).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    private static LocalDate day(Instant at) {
        return at.atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** The State key of one user's month. */
    static String pk(String userId, YearMonth month) {
        return PREFIX + "#" + month + "#" + userId;
    }
}
