package io.nudge.privacy;

import static io.nudge.store.AttributeValues.s;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.campaigns.CampaignService;
import io.nudge.channel.PushEndpoints;
import io.nudge.guards.Suppression;
import io.nudge.guards.SuppressionStore;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.log.Log;
import io.nudge.messages.MessageJson;
import io.nudge.model.Channel;
import io.nudge.model.Message;
import io.nudge.model.PushToken;
import io.nudge.model.Times;
import io.nudge.model.UserProfile;
import io.nudge.segments.Activity;
import io.nudge.segments.ActivityStore;
import io.nudge.store.AttributeValues;
import io.nudge.store.DeadLetterStore;
import io.nudge.store.DefinitionStore;
import io.nudge.store.EventStore;
import io.nudge.store.MessageStore;
import io.nudge.store.UserStore;
import io.nudge.users.UserJson;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * A user's personal data: erasure ({@code DELETE /v1/users/{id}}) and export ({@code GET /v1/users/{id}/export}).
 *
 * <p>Erasure removes the profile (and the push endpoints of its devices), the user's events (found through the Events
 * table's keys-only {@code byUser} index), their behaviour counters (every month item that can exist, and the item
 * written before months), frequency-cap and soft-bounce records, and the personal fields of their messages (address,
 * rendered subject, rendering context, reasons quoting the address).
 * Messages still waiting are cancelled ({@code user_erased}) so nothing is sent to a profile that no longer exists.
 * Message statuses and history times, stats, engagement markers (a time only) and campaign assignments stay, so counts
 * do not change. No address is suppressed: a user who signs up again is a new user. Every step is idempotent; a
 * second call finds nothing left and says so.
 *
 * <p>Dead letters (records that could never be processed, kept whole) can name the user too: a bounce notification
 * names its recipient, a Messages stream record carries {@code to}. Erasure deletes, and export lists, every dead
 * letter whose payload, record id or reason contains the user id as a JSON string token ({@code "u1"}, quoted so
 * that {@code u1} does not match {@code u10}; also JSON-escaped, as inside an SNS {@code Message}) or one of the
 * addresses erasure already collects (the profile's email and phone, every message's {@code to}; emails ignoring
 * case). The table has no index by user, and cannot have one (a payload is whatever arrived), so this is a Scan
 * ({@link DeadLetterStore#mentioning}): acceptable because dead letters are rare by design and expire after
 * {@link io.nudge.config.DeadLetterRetention} (30 days by default), so the table stays small.
 */
public final class PersonalData {
    private static final Log LOG = Log.of(PersonalData.class);
    public static final String ERASED_REASON = "user_erased";

    private final DynamoDbClient dynamo;
    private final String stateTable;
    private final UserStore users;
    private final EventStore events;
    private final MessageStore messages;
    private final SuppressionStore suppressions;
    private final DefinitionStore definitions;
    private final DeadLetterStore deadLetters;
    private final PushEndpoints pushEndpoints;
    private final ActivityStore activity;
    private final Clock clock;

    public PersonalData(DynamoDbClient dynamo, String stateTable, UserStore users, EventStore events, MessageStore messages,
            SuppressionStore suppressions, DefinitionStore definitions, DeadLetterStore deadLetters, PushEndpoints pushEndpoints,
            ActivityStore activity, Clock clock) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.stateTable = Objects.requireNonNull(stateTable, "stateTable");
        this.users = Objects.requireNonNull(users, "users");
        this.events = Objects.requireNonNull(events, "events");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.suppressions = Objects.requireNonNull(suppressions, "suppressions");
        this.definitions = Objects.requireNonNull(definitions, "definitions");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.pushEndpoints = Objects.requireNonNull(pushEndpoints, "pushEndpoints");
        this.activity = Objects.requireNonNull(activity, "activity");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What one erasure removed; all zero/false when there was nothing (left) to erase. */
    public record Erasure(String userId, boolean profile, int pushEndpoints, int events, int messages, int cancelledMessages,
            int deadLetters, List<String> records) {
        public ObjectNode toJson() {
            ObjectNode json = Json.object();
            json.put("userId", userId);
            ObjectNode erased = json.putObject("erased");
            erased.put("profile", profile);
            erased.put("pushEndpoints", pushEndpoints);
            erased.put("events", events);
            erased.put("messages", messages);
            erased.put("cancelledMessages", cancelledMessages);
            erased.put("deadLetters", deadLetters);
            ArrayNode list = erased.putArray("records");
            records.forEach(list::add);
            json.put("note", "message statuses, stats and engagement times are kept without personal fields; no address was suppressed");
            return json;
        }
    }

    public Erasure erase(String userId) {
        Instant now = clock.instant();
        Optional<UserProfile> profile = users.find(userId);
        List<Message> all = new ArrayList<>();
        messages.forEachOfUser(userId, all::add);
        Set<String> personal = addresses(profile, all);
        // First, while the profile and the messages still hold the addresses: an erasure that fails later is retried
        // with them, and still finds the dead letters that only an address ties to the user.
        int erasedDeadLetters = 0;
        for (DeadLetterStore.DeadLetter letter : deadLetters.mentioning(userId, personal)) {
            erasedDeadLetters += deadLetters.delete(letter.id()) ? 1 : 0;
        }

        int cancelled = 0;
        int erasedMessages = 0;
        for (Message message : all) {
            if (message.pending() && messages.cancel(message.id(), ERASED_REASON, now)) {
                cancelled++;
                message = messages.find(message.id()).orElse(message);
            }
            if (messages.erasePersonal(message, personal, now)) {
                erasedMessages++;
            }
        }
        int erasedEvents = 0;
        for (String eventId : events.idsForUser(userId)) {
            erasedEvents += events.delete(eventId) ? 1 : 0;
        }
        int endpoints = 0;
        if (profile.isPresent()) {
            for (PushToken token : profile.get().pushTokens()) {
                try {
                    pushEndpoints.delete(token.target());
                    endpoints++;
                } catch (RuntimeException e) {
                    // the profile goes anyway; an endpoint left behind leads nowhere without the token's owner record
                    LOG.warn("could not delete a push endpoint while erasing a user", "errorType", e.getClass().getSimpleName());
                }
            }
        }
        boolean deletedProfile = users.delete(userId).isPresent();
        List<String> records = new ArrayList<>();
        if (activity.delete(userId, now)) {
            records.add("activity");
        }
        if (deleteState("cap#" + userId)) {
            records.add("frequencyCap");
        }
        for (String email : profile.flatMap(UserProfile::email).stream().toList()) {
            if (deleteState(softBounceKey(email))) {
                records.add("softBounces");
            }
        }
        LOG.info("user erased", "events", erasedEvents, "messages", erasedMessages, "cancelled", cancelled,
                "deadLetters", erasedDeadLetters);
        return new Erasure(userId, deletedProfile, endpoints, erasedEvents, erasedMessages, cancelled, erasedDeadLetters, records);
    }

    /** Everything stored about the user, as the API shows each part elsewhere; empty when nothing at all is stored. */
    public Optional<ObjectNode> export(String userId) {
        Instant now = clock.instant();
        ObjectNode json = Json.object();
        json.put("userId", userId);
        json.put("exportedAt", Times.format(now));
        Optional<UserProfile> profile = users.find(userId);
        json.set("profile", profile.map(p -> (com.fasterxml.jackson.databind.JsonNode) UserJson.toJson(p)).orElse(Json.MAPPER.nullNode()));
        json.set("consent", profile.map(p -> UserJson.toJson(p).get("consent")).orElse(Json.object()));

        ArrayNode eventList = json.putArray("events");
        for (String eventId : events.idsForUser(userId)) {
            events.rawItem(eventId)
                    .filter(item -> !item.containsKey("expiresAt") || Long.parseLong(item.get("expiresAt").n()) > now.getEpochSecond())
                    .ifPresent(item -> {
                        ObjectNode e = eventList.addObject();
                        e.put("id", item.get("eventId").s());
                        e.put("name", item.get("name").s());
                        e.set("properties", AttributeValues.objectOrEmpty(item.get("properties")));
                        e.put("timestamp", item.get("timestamp").s());
                        e.put("receivedAt", item.get("receivedAt").s());
                    });
        }

        List<Message> all = new ArrayList<>();
        messages.forEachOfUser(userId, all::add);
        ArrayNode messageList = json.putArray("messages");
        ArrayNode engagement = json.putArray("engagement");
        Set<String> emails = new LinkedHashSet<>();
        Set<String> phones = new LinkedHashSet<>();
        profile.ifPresent(p -> {
            p.email().ifPresent(emails::add);
            p.phone().ifPresent(phones::add);
        });
        for (Message message : all) {
            ObjectNode m = MessageJson.toJson(message);
            message.to().ifPresent(to -> m.put("to", to));
            message.subject().ifPresent(subject -> m.put("subject", subject));
            messageList.add(m);
            message.to().ifPresent(to -> (message.channel() == Channel.EMAIL ? emails : message.channel() == Channel.SMS ? phones
                    : new LinkedHashSet<String>()).add(to));
            for (String kind : List.of("open", "click")) {
                stateItem(kind + "#" + message.id()).filter(item -> item.containsKey("at")).ifPresent(item ->
                        engagement.addObject().put("messageId", message.id()).put("kind", kind).put("at", item.get("at").s()));
            }
        }

        ArrayNode assignments = json.putArray("campaignAssignments");
        for (DefinitionStore.Stored campaign : definitions.list(CampaignService.KIND)) {
            stateItem("campaignuser#" + campaign.id() + "#" + userId).ifPresent(item -> {
                ObjectNode a = assignments.addObject().put("campaignId", campaign.id());
                item.forEach((name, value) -> {
                    if (!name.equals("pk") && !name.equals("expiresAt")) {
                        a.set(name, AttributeValues.toJson(value));
                    }
                });
            });
        }

        ArrayNode suppressed = json.putArray("suppressions");
        emails.forEach(address -> suppressions.find(Channel.EMAIL, Suppression.normalise(Channel.EMAIL, address))
                .ifPresent(sup -> suppressed.add(suppressionJson(sup))));
        phones.forEach(address -> suppressions.find(Channel.SMS, address).ifPresent(sup -> suppressed.add(suppressionJson(sup))));

        ObjectNode records = json.putObject("records");
        Activity counters = activity.stored(userId, now);
        if (!counters.counts().isEmpty() || counters.lastSeenAt().isPresent()) {
            ObjectNode counts = Json.object();
            new TreeMap<>(counters.counts()).forEach(counts::put);
            records.putObject("activity").<ObjectNode>set("counts", counts)
                    .put("lastSeenAt", counters.lastSeenAt().map(Times::format).orElse(null));
        }
        ArrayNode bounces = records.putArray("softBounces");
        for (String email : emails) {
            stateItem(softBounceKey(email)).filter(item -> item.containsKey("bounces")).ifPresent(item ->
                    item.get("bounces").m().values().forEach(at -> bounces.add(Times.format(Instant.ofEpochMilli(Long.parseLong(at.n()))))));
        }
        // Which records could not be processed, when and why, not their payloads: a payload is a whole foreign record
        // as it arrived (an SNS invocation, a stream record, up to hundreds of KB, gzipped or cut), which can name
        // other people too and which export could not show without showing them. The id finds the whole record.
        ArrayNode letters = json.putArray("deadLetters");
        for (DeadLetterStore.DeadLetter letter : deadLetters.mentioning(userId, addresses(profile, all))) {
            if (letter.expiresAt().map(at -> at.isAfter(now)).orElse(true)) {
                letters.addObject().put("id", letter.id()).put("source", letter.source()).put("recordId", letter.recordId())
                        .put("reason", letter.reason()).put("at", letter.at());
            }
        }
        boolean empty = profile.isEmpty() && eventList.isEmpty() && messageList.isEmpty() && assignments.isEmpty()
                && records.get("activity") == null && letters.isEmpty();
        return empty ? Optional.empty() : Optional.of(json);
    }

    /** What may appear in a provider's words: the profile's addresses and every address a message went to. */
    private static Set<String> addresses(Optional<UserProfile> profile, List<Message> messages) {
        Set<String> personal = new LinkedHashSet<>();
        profile.ifPresent(p -> {
            p.email().ifPresent(personal::add);
            p.phone().ifPresent(personal::add);
        });
        messages.forEach(m -> m.to().ifPresent(personal::add));
        return personal;
    }

    private static ObjectNode suppressionJson(Suppression suppression) {
        return Json.object().put("channel", suppression.channel().wire()).put("address", suppression.address())
                .put("reason", suppression.reason().wire()).put("source", suppression.source()).put("at", Times.format(suppression.at()));
    }

    private static String softBounceKey(String email) {
        return "softbounce#" + Ids.derive("softbounce", Suppression.normalise(Channel.EMAIL, email));
    }

    private Optional<Map<String, AttributeValue>> stateItem(String pk) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(stateTable)
                .key(Map.of("pk", s(pk))).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private boolean deleteState(String pk) {
        Map<String, AttributeValue> old = dynamo.deleteItem(DeleteItemRequest.builder().tableName(stateTable)
                .key(Map.of("pk", s(pk))).returnValues(ReturnValue.ALL_OLD).build()).attributes();
        return old != null && !old.isEmpty();
    }
}
