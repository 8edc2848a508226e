package io.nudge.feedback;

import static io.nudge.store.AttributeValues.n;
import io.nudge.store.StateItems;
import static io.nudge.store.AttributeValues.s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.nudge.guards.Suppression;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.model.Times;
import io.nudge.privacy.Person;
import io.nudge.privacy.PersonalRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Transient and undetermined bounces per address over a rolling window, in the State table: one item per address
 * (keyed by a hash of it) holding bounce id → time. Recording reads it, drops what is older than the window, adds the
 * bounce and writes back conditionally on the version read, so concurrent bounces are all counted; recording the
 * same bounce id again counts it once.
 */
public final class SoftBounces implements PersonalRecords {
    public static final Duration WINDOW = Duration.ofDays(7);
    public static final int LIMIT = 3;
    private static final int ATTEMPTS = 10;
    private static final String PREFIX = "softbounce";

    private final DynamoDbClient dynamo;
    private final String table;

    public SoftBounces(DynamoDbClient dynamo, String table) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(table, "table");
    }

    /** @return how many soft bounces the address had within the window, this one included */
    public int record(String address, String bounceId, Instant now) {
        String key = key(address);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                    .key(Map.of("pk", s(key))).consistentRead(true).build()).item();
            long version = item == null || !item.containsKey("version") ? 0 : Long.parseLong(item.get("version").n());
            Map<String, AttributeValue> live = new HashMap<>();
            Instant cutoff = now.minus(WINDOW);
            if (item != null && item.containsKey("bounces")) {
                item.get("bounces").m().forEach((id, at) -> {
                    if (Instant.ofEpochMilli(Long.parseLong(at.n())).isAfter(cutoff)) {
                        live.put(id, at);
                    }
                });
            }
            if (live.containsKey(bounceId)) {
                return live.size();
            }
            live.put(bounceId, n(now.toEpochMilli()));
            Map<String, AttributeValue> next = new HashMap<>();
            next.put("pk", s(key));
            next.put("bounces", AttributeValue.fromM(live));
            next.put("version", n(version + 1));
            next.put("expiresAt", n(now.plus(WINDOW).plus(Duration.ofDays(1)).getEpochSecond()));
            PutItemRequest.Builder put = PutItemRequest.builder().tableName(table).item(next);
            if (version == 0) {
                put.conditionExpression("attribute_not_exists(pk) OR attribute_not_exists(version)");
            } else {
                put.conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", n(version)));
            }
            try {
                dynamo.putItem(put.build());
                return live.size();
            } catch (ConditionalCheckFailedException raced) {
                // another bounce for this address was recorded meanwhile: read again
            }
        }
        throw new IllegalStateException("soft bounces of one address kept changing under " + ATTEMPTS + " concurrent writers");
    }

    @Override
    public String name() {
        return "softBounces";
    }

    @Override
    public Set<String> statePrefixes() {
        return Set.of(PREFIX);
    }

    /** The times of the bounces recorded for each of the person's email addresses (an empty list when none). */
    @Override
    public Optional<JsonNode> export(Person person, Instant now) {
        ArrayNode bounces = Json.MAPPER.createArrayNode();
        for (String email : person.emails()) {
            Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                    .key(Map.of("pk", s(key(email)))).consistentRead(true).build()).item();
            if (item != null && item.containsKey("bounces")) {
                item.get("bounces").m().values().forEach(at -> bounces.add(Times.format(Instant.ofEpochMilli(Long.parseLong(at.n())))));
            }
        }
        return Optional.of(bounces);
    }

    /** The records of every email address of the person: the profile's and each one a message went to. */
    @Override
    public Erased erase(Person person, Instant now) {
        return new Erased.Deleted(StateItems.delete(dynamo, table, person.emails().stream().map(SoftBounces::key).toList()));
    }

    /** Keyed by a hash of the address: no address in a key. */
    private static String key(String address) {
        return PREFIX + "#" + Ids.derive("softbounce", Suppression.normalise(Channel.EMAIL, address));
    }
}
