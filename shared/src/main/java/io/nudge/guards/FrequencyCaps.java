package io.nudge.guards;

import static io.nudge.store.AttributeValues.n;
import io.nudge.store.StateItems;
import static io.nudge.store.AttributeValues.s;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.model.Channel;
import io.nudge.privacy.Person;
import io.nudge.privacy.PersonalRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Rolling 24-hour caps on marketing messages per user: one State item per user holding the sends of the last day
 * (message id → time, channel, trigger). A reservation reads it, drops what is older than the window (TTL deletes
 * late, so expiry is checked on every read), counts, and writes back conditionally on the version it read — so
 * concurrent deliveries for one user can never exceed a cap. Re-reserving the same message id counts it once.
 */
public final class FrequencyCaps implements PersonalRecords {
    public static final Duration WINDOW = Duration.ofHours(24);
    private static final int ATTEMPTS = 10;
    private static final String PREFIX = "cap";

    /** Limits per user per rolling 24 hours; empty = no limit. */
    public record Limits(int allChannels, Map<Channel, Integer> perChannel) {
        public Limits {
            perChannel = Map.copyOf(perChannel);
        }

        /** With no configuration: at most 3 marketing messages a day, at most 1 of them an SMS. */
        public static Limits defaults() {
            return new Limits(3, Map.of(Channel.SMS, 1));
        }

        /** "all=3,sms=1,email=2" (NUDGE_FREQUENCY_CAPS). */
        public static Limits parse(String text) {
            int all = Integer.MAX_VALUE;
            Map<Channel, Integer> perChannel = new EnumMap<>(Channel.class);
            for (String part : text.split(",")) {
                String[] kv = part.strip().split("=");
                if (kv.length != 2) {
                    throw new IllegalStateException("NUDGE_FREQUENCY_CAPS entries are name=count, e.g. all=3,sms=1");
                }
                int count;
                try {
                    count = Integer.parseInt(kv[1].strip());
                } catch (NumberFormatException e) {
                    throw new IllegalStateException("NUDGE_FREQUENCY_CAPS: " + kv[1] + " is not a number");
                }
                if (kv[0].strip().equals("all")) {
                    all = count;
                } else {
                    perChannel.put(Channel.fromWire(kv[0].strip()).orElseThrow(() ->
                            new IllegalStateException("NUDGE_FREQUENCY_CAPS: unknown channel " + kv[0])), count);
                }
            }
            return new Limits(all, perChannel);
        }
    }

    public sealed interface Reservation {
        record Reserved() implements Reservation {}

        /** Which cap it hit, for the message's reason and history. */
        record CapReached(String cap) implements Reservation {}
    }

    private record Send(Instant at, Channel channel, String triggerId) {}

    private final DynamoDbClient dynamo;
    private final String table;
    private final Limits limits;

    public FrequencyCaps(DynamoDbClient dynamo, String table, Limits limits) {
        this.dynamo = dynamo;
        this.table = table;
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * @param triggerCap the trigger's own cap (messages of this trigger per user per window), if it has one
     */
    public Reservation reserve(String userId, String messageId, Channel channel, String triggerId, Optional<Integer> triggerCap, Instant now) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            // First read eventually consistent (half a unit): the conditional write on the version catches a stale read,
            // and the retry reads consistently.
            Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                    .key(Map.of("pk", s(key(userId)))).consistentRead(attempt > 0).build()).item();
            long version = item == null || !item.containsKey("version") ? 0 : Long.parseLong(item.get("version").n());
            Map<String, Send> sends = live(item, now);
            boolean consistent = attempt > 0;
            if (sends.containsKey(messageId)) {
                if (!consistent) {
                    continue; // a stale read may show a reservation given back since: decide on a consistent one
                }
                return new Reservation.Reserved();
            }
            Optional<String> cap = capReached(sends.values(), channel, triggerId, triggerCap);
            if (cap.isPresent()) {
                if (!consistent) {
                    continue; // likewise: suppress only on what is there now
                }
                return new Reservation.CapReached(cap.get());
            }
            sends.put(messageId, new Send(now, channel, triggerId));
            if (write(userId, sends, version, now)) {
                return new Reservation.Reserved();
            }
        }
        throw new IllegalStateException("frequency cap for one user kept changing under " + ATTEMPTS + " concurrent deliveries");
    }

    /**
     * What {@link #reserve} would answer now, without reserving: one consistent read, no write (a trigger test).
     */
    public Reservation check(String userId, String messageId, Channel channel, String triggerId, Optional<Integer> triggerCap, Instant now) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("pk", s(key(userId)))).consistentRead(true).build()).item();
        Map<String, Send> sends = live(item, now);
        if (sends.containsKey(messageId)) {
            return new Reservation.Reserved();
        }
        return capReached(sends.values(), channel, triggerId, triggerCap)
                .<Reservation>map(Reservation.CapReached::new).orElseGet(Reservation.Reserved::new);
    }

    /** Gives a reservation back (the send was deferred, not made). */
    public void release(String userId, String messageId) {
        dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("pk", s(key(userId))))
                .updateExpression("REMOVE sends.#m ADD version :one")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeNames(Map.of("#m", messageId))
                .expressionAttributeValues(Map.of(":one", n(1))).build());
    }

    private Optional<String> capReached(java.util.Collection<Send> sends, Channel channel, String triggerId, Optional<Integer> triggerCap) {
        if (sends.size() >= limits.allChannels()) {
            return Optional.of("all channels: " + limits.allChannels() + " per 24 h");
        }
        Integer channelCap = limits.perChannel().get(channel);
        if (channelCap != null && sends.stream().filter(s -> s.channel() == channel).count() >= channelCap) {
            return Optional.of(channel.wire() + ": " + channelCap + " per 24 h");
        }
        if (triggerCap.isPresent() && sends.stream().filter(s -> s.triggerId().equals(triggerId)).count() >= triggerCap.get()) {
            return Optional.of("trigger " + triggerId + ": " + triggerCap.get() + " per 24 h");
        }
        return Optional.empty();
    }

    private static Map<String, Send> live(Map<String, AttributeValue> item, Instant now) {
        Map<String, Send> sends = new HashMap<>();
        if (item == null || !item.containsKey("sends")) {
            return sends;
        }
        Instant cutoff = now.minus(WINDOW);
        item.get("sends").m().forEach((id, value) -> {
            Map<String, AttributeValue> m = value.m();
            Instant at = Instant.ofEpochMilli(Long.parseLong(m.get("at").n()));
            if (at.isAfter(cutoff)) {
                sends.put(id, new Send(at, Channel.fromWire(m.get("channel").s()).orElse(Channel.EMAIL), m.get("trigger").s()));
            }
        });
        return sends;
    }

    private boolean write(String userId, Map<String, Send> sends, long version, Instant now) {
        Map<String, AttributeValue> encoded = new HashMap<>();
        sends.forEach((id, send) -> encoded.put(id, AttributeValue.fromM(Map.of(
                "at", n(send.at().toEpochMilli()), "channel", s(send.channel().wire()), "trigger", s(send.triggerId())))));
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(key(userId)));
        item.put("sends", AttributeValue.fromM(encoded));
        item.put("version", n(version + 1));
        item.put("expiresAt", n(now.plus(WINDOW).plus(Duration.ofHours(1)).getEpochSecond()));
        PutItemRequest.Builder put = PutItemRequest.builder().tableName(table).item(item);
        if (version == 0) {
            put.conditionExpression("attribute_not_exists(pk) OR attribute_not_exists(version)");
        } else {
            put.conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", n(version)));
        }
        try {
            dynamo.putItem(put.build());
            return true;
        } catch (ConditionalCheckFailedException raced) {
            return false;
        }
    }

    @Override
    public String name() {
        return "frequencyCap";
    }

    @Override
    public Set<String> statePrefixes() {
        return Set.of(PREFIX);
    }

    /** Not in the export (the sends it lists are the user's messages, which the export shows). */
    @Override
    public Optional<JsonNode> export(Person person, Instant now) {
        return Optional.empty();
    }

    @Override
    public Erased erase(Person person, Instant now) {
        return new Erased.Deleted(StateItems.delete(dynamo, table, List.of(key(person.userId()))));
    }

    private static String key(String userId) {
        return PREFIX + "#" + userId;
    }

}
