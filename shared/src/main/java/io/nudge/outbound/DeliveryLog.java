package io.nudge.outbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.model.Times;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

/**
 * Every delivery attempt of a subscription, newest first ({@code GET /v1/webhooks/{id}/deliveries}): WebhookDeliveries
 * items with {@code pk} = {@code log#<subscription>}. They name the event by its id and type, never the user or an
 * address, and expire after {@link #RETENTION}.
 */
public final class DeliveryLog {
    public static final Duration RETENTION = Duration.ofDays(7);
    private static final int BATCH = 25;

    /** What became of an attempt. */
    public enum Outcome {
        DELIVERED, FAILED, DEAD_LETTERED, DROPPED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Attempt(String subscriptionId, String eventId, OutboundType type, Instant at, int attempt, Outcome outcome,
            OptionalInt statusCode, Optional<Duration> latency, Optional<String> error) {}

    public record Page(List<ObjectNode> deliveries, Optional<String> cursor) {}

    private final DynamoDbClient dynamo;
    private final String table;

    public DeliveryLog(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** Written together, 25 to a call; unprocessed ones are tried again, then given up (the log is for people, not delivery). */
    public void write(List<Attempt> attempts) {
        List<WriteRequest> requests = new ArrayList<>();
        for (Attempt attempt : attempts) {
            requests.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item(attempt)).build()).build());
        }
        for (int from = 0; from < requests.size(); from += BATCH) {
            List<WriteRequest> chunk = requests.subList(from, Math.min(requests.size(), from + BATCH));
            Map<String, List<WriteRequest>> pending = Map.of(table, chunk);
            for (int tries = 0; tries < 3 && !pending.isEmpty(); tries++) {
                final Map<String, List<WriteRequest>> send = pending;
                BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(send));
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            }
        }
    }

    private Map<String, AttributeValue> item(Attempt attempt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(logKey(attempt.subscriptionId())));
        item.put("sk", s(DeliveryQueue.padded(attempt.at()) + "#" + attempt.eventId() + "#" + attempt.attempt()));
        item.put("eventId", s(attempt.eventId()));
        item.put("type", s(attempt.type().wire()));
        item.put("at", s(Times.format(attempt.at())));
        item.put("attempt", n(attempt.attempt()));
        item.put("outcome", s(attempt.outcome().wire()));
        attempt.statusCode().ifPresent(code -> item.put("statusCode", n(code)));
        attempt.latency().ifPresent(l -> item.put("latencyMs", n(l.toMillis())));
        attempt.error().ifPresent(e -> item.put("error", s(e.length() > 600 ? e.substring(0, 600) : e)));
        item.put("expiresAt", n(attempt.at().plus(RETENTION).getEpochSecond()));
        return item;
    }

    /** Newest first; {@code cursor} is the previous page's. */
    public Page page(String subscriptionId, Optional<String> cursor, int limit, Instant now) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).scanIndexForward(false).limit(limit)
                .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(logKey(subscriptionId))));
        cursor.ifPresent(c -> query.exclusiveStartKey(Map.of("pk", s(logKey(subscriptionId)), "sk", s(decode(c)))));
        QueryResponse page = dynamo.query(query.build());
        List<ObjectNode> deliveries = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            if (item.containsKey("expiresAt") && Long.parseLong(item.get("expiresAt").n()) < now.getEpochSecond()) {
                continue; // expired, not deleted yet
            }
            ObjectNode json = Json.object();
            json.put("eventId", item.get("eventId").s());
            json.put("type", item.get("type").s());
            json.put("at", item.get("at").s());
            json.put("attempt", Integer.parseInt(item.get("attempt").n()));
            json.put("outcome", item.get("outcome").s());
            if (item.containsKey("statusCode")) {
                json.put("statusCode", Integer.parseInt(item.get("statusCode").n()));
            }
            if (item.containsKey("latencyMs")) {
                json.put("latencyMs", Long.parseLong(item.get("latencyMs").n()));
            }
            if (item.containsKey("error")) {
                json.put("error", item.get("error").s());
            }
            deliveries.add(json);
        }
        Optional<String> next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? Optional.of(encode(page.lastEvaluatedKey().get("sk").s())) : Optional.empty();
        return new Page(deliveries, next);
    }

    private static String logKey(String subscriptionId) {
        return String.join("#", "log", subscriptionId);
    }

    private static String encode(String sk) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sk.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when it is not a cursor this log gave */
    static String decode(String cursor) {
        String sk = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        if (!sk.matches("\\d{13}#[A-Za-z0-9_-]{1,128}#\\d{1,6}")) {
            throw new IllegalArgumentException("not a deliveries cursor");
        }
        return sk;
    }
}
