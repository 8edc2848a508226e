package io.nudge.store;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.PushPlatform;
import io.nudge.model.Channel;
import io.nudge.model.Consent;
import io.nudge.model.ConsentStatus;
import io.nudge.model.PushToken;
import io.nudge.model.Times;
import io.nudge.model.UserProfile;
import java.util.EnumMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/** The Users table. Writes are conditional on the revision read, so concurrent upserts never lose a field. */
public final class UserStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public UserStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public Optional<UserProfile> find(String userId) {
        return find(userId, true);
    }

    /**
     * An eventually consistent read: half the read units, and may miss a change made within the last second or so.
     * For readers that tolerate that (evaluation's conditions); deliver's consent check reads consistently.
     */
    public Optional<UserProfile> findEventually(String userId) {
        return find(userId, false);
    }

    private Optional<UserProfile> find(String userId, boolean consistent) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("userId", s(userId))).consistentRead(consistent).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /**
     * Consistent reads of many profiles: one BatchGetItem per 100 ids, plus one for any keys DynamoDB leaves
     * unprocessed. Ids without a profile are absent from the answer.
     */
    public Map<String, UserProfile> findAll(java.util.Collection<String> userIds) {
        Map<String, UserProfile> found = new HashMap<>();
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(userIds));
        for (int from = 0; from < ids.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = ids.subList(from, Math.min(ids.size(), from + 100)).stream()
                    .map(id -> Map.of("userId", s(id))).toList();
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            for (int round = 0; !request.isEmpty(); round++) {
                if (round == 10) {
                    throw new IllegalStateException("DynamoDB left keys of " + table + " unprocessed 10 times");
                }
                BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(request).build());
                response.responses().getOrDefault(table, List.of()).forEach(item -> {
                    UserProfile user = fromItem(item);
                    found.put(user.userId(), user);
                });
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return found;
    }

    /** Deletes the profile; the deleted profile, or empty when there was none. */
    public Optional<UserProfile> delete(String userId) {
        Map<String, AttributeValue> old = dynamo.deleteItem(software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest.builder()
                .tableName(table).key(Map.of("userId", s(userId)))
                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD).build()).attributes();
        return old == null || old.isEmpty() ? Optional.empty() : Optional.of(fromItem(old));
    }

    /** The users with this E.164 number (inbound SMS: STOP from a phone), through a keys-only index. */
    public java.util.List<String> idsByPhone(String phone) {
        return dynamo.queryPaginator(software.amazon.awssdk.services.dynamodb.model.QueryRequest.builder().tableName(table)
                        .indexName(TableDefinitions.USERS_BY_PHONE)
                        .keyConditionExpression("phone = :p")
                        .expressionAttributeValues(Map.of(":p", s(phone))).build())
                .items().stream().map(item -> item.get("userId").s()).toList();
    }

    /** Writes {@code profile} with revision+1 if the stored revision is still {@code profile.revision()}. */
    public boolean putIfRevision(UserProfile profile) {
        Map<String, AttributeValue> item = toItem(profile, profile.revision() + 1);
        PutItemRequest.Builder put = PutItemRequest.builder().tableName(table).item(item);
        if (profile.revision() == 0) {
            put.conditionExpression("attribute_not_exists(userId)");
        } else {
            put.conditionExpression("#rev = :rev")
                    .expressionAttributeNames(Map.of("#rev", "revision"))
                    .expressionAttributeValues(Map.of(":rev", n(profile.revision())));
        }
        try {
            dynamo.putItem(put.build());
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        }
    }

    /** The stored item of {@code user} at {@code revision}: public for bench/'s seeding, which writes in batches. */
    public static Map<String, AttributeValue> toItem(UserProfile user, long revision) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("userId", s(user.userId()));
        user.email().ifPresent(v -> item.put("email", s(v)));
        user.phone().ifPresent(v -> item.put("phone", s(v)));
        user.timezone().ifPresent(v -> item.put("timezone", s(v)));
        user.locale().ifPresent(v -> item.put("locale", s(v)));
        item.put("attributes", AttributeValues.fromJson(user.attributes()));
        Map<String, AttributeValue> consent = new HashMap<>();
        user.consent().forEach((channel, c) -> consent.put(channel.wire(), AttributeValue.fromM(Map.of(
                "status", s(c.status().wire()), "source", s(c.source()), "at", s(Times.format(c.at()))))));
        item.put("consent", AttributeValue.fromM(consent));
        if (!user.subscriptions().isEmpty()) {
            Map<String, AttributeValue> topics = new HashMap<>();
            user.subscriptions().forEach((topic, byChannel) -> {
                Map<String, AttributeValue> channels = new HashMap<>();
                byChannel.forEach((channel, t) -> channels.put(channel.wire(), AttributeValue.fromM(Map.of(
                        "status", s(t.status().wire()), "source", s(t.source()), "at", s(Times.format(t.at()))))));
                topics.put(topic, AttributeValue.fromM(channels));
            });
            item.put("subscriptions", AttributeValue.fromM(topics));
        }
        if (!user.pushTokens().isEmpty()) {
            item.put("pushTokens", AttributeValue.fromL(user.pushTokens().stream().map(t -> AttributeValue.fromM(Map.of(
                    "platform", s(t.platform().wire()), "token", s(t.token()), "target", s(t.target())))).toList()));
        }
        item.put("createdAt", s(Times.format(user.createdAt())));
        item.put("updatedAt", s(Times.format(user.updatedAt())));
        item.put("revision", n(revision));
        return item;
    }

    /** A profile from a raw Users item (a Scan page: campaigns, segment previews). */
    public static UserProfile profileOf(Map<String, AttributeValue> item) {
        return fromItem(item);
    }

    /** Reads a stored item; throws {@link io.nudge.lambda.BadRecord} on a shape no profile has. */
    static UserProfile fromItem(Map<String, AttributeValue> item) {
        try {
            return read(item);
        } catch (NullPointerException | IllegalArgumentException | java.time.DateTimeException e) {
            throw new io.nudge.lambda.BadRecord("not a user record", e);
        }
    }

    private static UserProfile read(Map<String, AttributeValue> item) {
        Map<Channel, Consent> consent = new EnumMap<>(Channel.class);
        AttributeValue consentValue = item.get("consent");
        if (consentValue != null && consentValue.hasM()) {
            consentValue.m().forEach((name, value) -> Channel.fromWire(name).ifPresent(channel -> {
                Map<String, AttributeValue> c = value.m();
                ConsentStatus.fromWire(c.get("status").s()).ifPresent(status ->
                        consent.put(channel, new Consent(status, c.get("source").s(), Times.parse(c.get("at").s()))));
            }));
        }
        ObjectNode attributes = AttributeValues.objectOrEmpty(item.get("attributes"));
        return new UserProfile(item.get("userId").s(), string(item, "email"), string(item, "phone"),
                string(item, "timezone"), string(item, "locale"), attributes, consent, subscriptions(item.get("subscriptions")),
                pushTokens(item.get("pushTokens")),
                Times.parse(item.get("createdAt").s()), Times.parse(item.get("updatedAt").s()),
                Long.parseLong(item.get("revision").n()));
    }

    /** {topic: {channel: {status, source, at}}}; an entry that does not parse is a bad record. */
    private static Map<String, Map<Channel, io.nudge.model.TopicSubscription>> subscriptions(AttributeValue value) {
        Map<String, Map<Channel, io.nudge.model.TopicSubscription>> topics = new java.util.TreeMap<>();
        if (value == null || !value.hasM()) {
            return topics;
        }
        value.m().forEach((topic, channels) -> {
            Map<Channel, io.nudge.model.TopicSubscription> byChannel = new EnumMap<>(Channel.class);
            if (channels.hasM()) {
                channels.m().forEach((name, entry) -> Channel.fromWire(name).ifPresent(channel -> {
                    Map<String, AttributeValue> t = entry.m();
                    byChannel.put(channel, new io.nudge.model.TopicSubscription(
                            io.nudge.topics.TopicStatus.fromWire(t.get("status").s()).orElseThrow(
                                    () -> new io.nudge.lambda.BadRecord("a topic subscription's status is not subscribed or unsubscribed")),
                            t.get("source").s(), Times.parse(t.get("at").s())));
                }));
            }
            topics.put(topic, byChannel);
        });
        return topics;
    }

    private static List<PushToken> pushTokens(AttributeValue value) {
        List<PushToken> tokens = new ArrayList<>();
        if (value != null && value.hasL()) {
            for (AttributeValue entry : value.l()) {
                Map<String, AttributeValue> t = entry.m();
                // A platform this version does not know (written by a newer one) is skipped, not a failed read.
                PushPlatform.fromWire(t.get("platform").s()).ifPresent(platform ->
                        tokens.add(new PushToken(platform, t.get("token").s(), t.get("target").s())));
            }
        }
        return tokens;
    }

    static Optional<String> string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? Optional.empty() : Optional.of(value.s());
    }
}
