package io.nudge.guards;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import io.nudge.model.Channel;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Provider limits per channel (SES sending rate, SMS messages per second, daily quotas), shared by every concurrent
 * function instance through atomic counters in the State table: one item per channel and second, one per channel
 * and UTC day, each incremented only while under its limit — by a block of tokens at a time, which the instance then
 * spends locally, so a busy instance writes each counter once per block instead of once per message.
 */
public final class RateLimits {
    /** Per-second and per-day limits of one channel. */
    public record Limit(int perSecond, int perDay) {}

    /**
     * Generous enough that a local burst is never deferred; set the real account limits on AWS (NUDGE_RATE_LIMITS).
     * The webhook limit applies to each destination host on its own: one slow receiver does not hold up the others.
     */
    public static Map<Channel, Limit> defaults() {
        return Map.of(Channel.EMAIL, new Limit(50, 200_000), Channel.SMS, new Limit(20, 20_000), Channel.PUSH, new Limit(200, 1_000_000),
                Channel.WEBHOOK, new Limit(10, 100_000));
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

    /** Whether one more message may go now, and if not, which limit holds it. */
    public sealed interface Decision {
        record Allowed() implements Decision {}

        /** Over the per-second limit: the next slot has room again. */
        record PerSecondLimited(String limit) implements Decision {}

        /** Over the daily limit: nothing more goes before {@code resetsAt}, the end of the UTC day the counter counts. */
        record DailyLimited(String limit, Instant resetsAt) implements Decision {}
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Map<Channel, Limit> limits;
    /** Tokens this instance took from a shared counter and has not used yet, by counter key. */
    private final Map<String, Integer> local = new java.util.HashMap<>();
    private final java.util.concurrent.locks.ReentrantLock refill = new java.util.concurrent.locks.ReentrantLock();

    public RateLimits(DynamoDbClient dynamo, String table, Map<Channel, Limit> limits) {
        this.dynamo = dynamo;
        this.table = table;
        this.limits = Map.copyOf(limits);
    }

    public Decision acquire(Channel channel, Instant now) {
        return acquire(channel, Optional.empty(), now);
    }

    /** @param destination a webhook's host: its own counters, under the channel's limit */
    public Decision acquire(Channel channel, Optional<String> destination, Instant now) {
        Limit limit = limits.get(channel);
        if (limit == null) {
            return new Decision.Allowed();
        }
        String counter = channel.wire() + destination.map(host -> "@" + host).orElse("");
        String named = channel.wire() + destination.map(host -> " to " + host).orElse("");
        java.time.LocalDate day = now.atZone(ZoneOffset.UTC).toLocalDate();
        if (!take("rate#" + counter + "#day#" + day, limit.perDay(), blockOf(limit.perDay(), 1_000), now.getEpochSecond() + 2 * 86_400)) {
            return new Decision.DailyLimited(named + " daily limit " + limit.perDay(), day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        }
        if (!take("rate#" + counter + "#" + now.getEpochSecond(), limit.perSecond(), blockOf(limit.perSecond(), 10),
                now.getEpochSecond() + 3_600)) {
            return new Decision.PerSecondLimited(named + " rate " + limit.perSecond() + "/s");
        }
        return new Decision.Allowed();
    }

    /**
     * What {@link #acquire} would answer now, without taking a token: reads the shared day and second counters (this
     * instance's unspent block is not counted, so it errs toward "limited"). Writes nothing (a trigger test).
     */
    public Decision check(Channel channel, Instant now) {
        Limit limit = limits.get(channel);
        if (limit == null) {
            return new Decision.Allowed();
        }
        java.time.LocalDate day = now.atZone(ZoneOffset.UTC).toLocalDate();
        if (used("rate#" + channel.wire() + "#day#" + day) >= limit.perDay()) {
            return new Decision.DailyLimited(channel.wire() + " daily limit " + limit.perDay(), day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        }
        if (used("rate#" + channel.wire() + "#" + now.getEpochSecond()) >= limit.perSecond()) {
            return new Decision.PerSecondLimited(channel.wire() + " rate " + limit.perSecond() + "/s");
        }
        return new Decision.Allowed();
    }

    private long used(String key) {
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item = dynamo.getItem(
                software.amazon.awssdk.services.dynamodb.model.GetItemRequest.builder().tableName(table).key(Map.of("pk", s(key)))
                        .consistentRead(true).build()).item();
        return item == null || !item.containsKey("used") ? 0 : Long.parseLong(item.get("used").n());
    }

    /** A tenth of the per-second limit, a thousandth of the daily one; at least 1, at most 100. */
    private static int blockOf(int limit, int parts) {
        return Math.max(1, Math.min(100, limit / parts));
    }

    /**
     * One token from this instance's share of the counter {@code key}. Tokens are taken from the shared counter a block
     * at a time (one write for up to {@code block} sends), so every instance together still never takes more than
     * {@code limit}; near the limit, and when a block no longer fits, one at a time. What an instance took and did not
     * use (its window ended) is simply not used: the limit errs on the safe side.
     */
    private boolean take(String key, int limit, int block, long expiresAt) {
        // One refill at a time, so concurrent deliveries of a batch share one block instead of each taking its own.
        refill.lock();
        try {
            Integer left = local.get(key);
            if (left != null && left > 0) {
                local.put(key, left - 1);
                return true;
            }
            int granted = block > 1 && increment(key, limit, block, expiresAt) ? block : increment(key, limit, 1, expiresAt) ? 1 : 0;
            if (granted == 0) {
                return false;
            }
            // Keys of past windows are dropped: only the current second and day matter.
            local.keySet().removeIf(k -> !k.equals(key) && sameKind(k, key));
            local.put(key, granted - 1);
            return true;
        } finally {
            refill.unlock();
        }
    }

    private static boolean sameKind(String a, String b) {
        return a.contains("#day#") == b.contains("#day#") && a.substring(0, a.indexOf('#', 5)).equals(b.substring(0, b.indexOf('#', 5)));
    }

    private boolean increment(String key, int limit, int amount, long expiresAt) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("pk", s(key)))
                    .updateExpression("ADD used :amount SET expiresAt = :exp")
                    .conditionExpression("attribute_not_exists(used) OR used <= :most")
                    .expressionAttributeValues(Map.of(":amount", n(amount), ":most", n(limit - amount), ":exp", n(expiresAt))).build());
            return true;
        } catch (ConditionalCheckFailedException full) {
            return false;
        }
    }
}
