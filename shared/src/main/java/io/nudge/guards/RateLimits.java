package io.nudge.guards;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import io.nudge.model.Channel;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Provider limits per channel (SES sending rate, SMS messages per second, daily quotas), shared by every concurrent
 * function instance through atomic counters in the State table: one item per channel and second, one per channel
 * and UTC day, each incremented only while under its limit.
 */
public final class RateLimits {
    /** Per-second and per-day limits of one channel. */
    public record Limit(int perSecond, int perDay) {}

    /** Generous enough that a local burst is never deferred; set the real account limits on AWS (NUDGE_RATE_LIMITS). */
    public static Map<Channel, Limit> defaults() {
        return Map.of(Channel.EMAIL, new Limit(50, 200_000), Channel.SMS, new Limit(20, 20_000), Channel.PUSH, new Limit(200, 1_000_000));
    }

    /** "email=14/50000,sms=1/1000": per second / per day. */
    public static Map<Channel, Limit> parse(String text) {
        Map<Channel, Limit> limits = new EnumMap<>(Channel.class);
        limits.putAll(defaults());
        for (String part : text.split(",")) {
            String[] kv = part.strip().split("=");
            String[] values = kv.length == 2 ? kv[1].split("/") : new String[0];
            if (values.length != 2) {
                throw new IllegalStateException("NUDGE_RATE_LIMITS entries are channel=perSecond/perDay, e.g. email=14/50000");
            }
            Channel channel = Channel.fromWire(kv[0].strip())
                    .orElseThrow(() -> new IllegalStateException("NUDGE_RATE_LIMITS: unknown channel " + kv[0]));
            try {
                limits.put(channel, new Limit(Integer.parseInt(values[0].strip()), Integer.parseInt(values[1].strip())));
            } catch (NumberFormatException e) {
                throw new IllegalStateException("NUDGE_RATE_LIMITS: " + kv[1] + " is not perSecond/perDay");
            }
        }
        return Map.copyOf(limits);
    }

    public sealed interface Decision {
        record Allowed() implements Decision {}

        record Limited(String limit) implements Decision {}
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Map<Channel, Limit> limits;

    public RateLimits(DynamoDbClient dynamo, String table, Map<Channel, Limit> limits) {
        this.dynamo = dynamo;
        this.table = table;
        this.limits = Map.copyOf(limits);
    }

    public Decision acquire(Channel channel, Instant now) {
        Limit limit = limits.get(channel);
        if (limit == null) {
            return new Decision.Allowed();
        }
        String day = now.atZone(ZoneOffset.UTC).toLocalDate().toString();
        if (!increment("rate#" + channel.wire() + "#day#" + day, limit.perDay(), now.getEpochSecond() + 2 * 86_400)) {
            return new Decision.Limited(channel.wire() + " daily limit " + limit.perDay());
        }
        if (!increment("rate#" + channel.wire() + "#" + now.getEpochSecond(), limit.perSecond(), now.getEpochSecond() + 3_600)) {
            return new Decision.Limited(channel.wire() + " rate " + limit.perSecond() + "/s");
        }
        return new Decision.Allowed();
    }

    private boolean increment(String key, int limit, long expiresAt) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("pk", s(key)))
                    .updateExpression("ADD used :one SET expiresAt = :exp")
                    .conditionExpression("attribute_not_exists(used) OR used < :limit")
                    .expressionAttributeValues(Map.of(":one", n(1), ":limit", n(limit), ":exp", n(expiresAt))).build());
            return true;
        } catch (ConditionalCheckFailedException full) {
            return false;
        }
    }
}
