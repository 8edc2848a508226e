package io.nudge.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.PushEndpoints;
import io.nudge.guards.Suppression;
import io.nudge.guards.SuppressionStore;
import io.nudge.json.Json;
import io.nudge.log.Log;
import io.nudge.messages.MessageJson;
import io.nudge.model.Channel;
import io.nudge.model.Message;
import io.nudge.model.PushToken;
import io.nudge.model.Times;
import io.nudge.model.UserProfile;
import io.nudge.store.AttributeValues;
import io.nudge.store.DeadLetterStore;
import io.nudge.store.EventStore;
import io.nudge.store.MessageStore;
import io.nudge.store.UserStore;
import io.nudge.users.UserJson;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A user's personal data: erasure ({@code DELETE /v1/users/{id}}) and export ({@code GET /v1/users/{id}/export}).
 *
 * <p>Erasure removes the profile (and the push endpoints of its devices), the user's events (found through the Events
 * table's keys-only {@code byUserTime} index) and the personal fields of their messages (address, rendered subject,
 * rendering context, reasons quoting the address). Messages still waiting are cancelled ({@code user_erased}) so nothing
 * is sent to a profile that no longer exists. Every other record that can name the user is asked of its owner, a
 * {@link PersonalRecords} given at wiring, which alone knows its keys: today behaviour counters ({@code activity}),
 * frequency caps ({@code frequencyCap}), soft bounces of the user's addresses ({@code softBounces}) and once_per
 * windows ({@code reentry}) are deleted; engagement markers (a time only) and campaign assignments are kept, as are
 * message statuses and history times and stats, so counts do not change. State records without personal data are listed
 * in {@link WithoutPersonalData}. No address is suppressed: a user who signs up again is a new user. Every step is
 * idempotent; a second call finds nothing left and says so.
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

    private final UserStore users;
    private final EventStore events;
    private final MessageStore messages;
    private final SuppressionStore suppressions;
    private final DeadLetterStore deadLetters;
    private final PushEndpoints pushEndpoints;
    private final List<PersonalRecords> records;
    private final Clock clock;

    /** @param records the owners of every other record that can name a user, in the order erasure reports them */
    public PersonalData(UserStore users, EventStore events, MessageStore messages, SuppressionStore suppressions,
            DeadLetterStore deadLetters, PushEndpoints pushEndpoints, List<PersonalRecords> records, Clock clock) {
        this.users = Objects.requireNonNull(users, "users");
        this.events = Objects.requireNonNull(events, "events");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.suppressions = Objects.requireNonNull(suppressions, "suppressions");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.pushEndpoints = Objects.requireNonNull(pushEndpoints, "pushEndpoints");
        this.records = List.copyOf(records);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The owners asked, as given. */
    public List<PersonalRecords> records() {
        return records;
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
        Person person = person(userId);
        Set<String> personal = person.addresses();
        // First, while the profile and the messages still hold the addresses: an erasure that fails later is retried
        // with them, and still finds the dead letters that only an address ties to the user.
        int erasedDeadLetters = 0;
        for (DeadLetterStore.DeadLetter letter : deadLetters.mentioning(userId, personal)) {
            erasedDeadLetters += deadLetters.delete(letter.id()) ? 1 : 0;
        }

        int cancelled = 0;
        int erasedMessages = 0;
        for (Message message : person.messages()) {
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
        for (PushToken token : person.profile().map(UserProfile::pushTokens).orElse(List.of())) {
            try {
                pushEndpoints.delete(token.target());
                endpoints++;
            } catch (RuntimeException e) {
                // the profile goes anyway; an endpoint left behind leads nowhere without the token's owner record
                LOG.warn("could not delete a push endpoint while erasing a user", "errorType", e.getClass().getSimpleName());
            }
        }
        boolean deletedProfile = users.delete(userId).isPresent();
        List<String> erasedRecords = new ArrayList<>();
        for (PersonalRecords owner : records) {
            if (owner.erase(person, now) instanceof PersonalRecords.Erased.Deleted deleted && deleted.count() > 0) {
                erasedRecords.add(owner.name());
            }
        }
        LOG.info("user erased", "events", erasedEvents, "messages", erasedMessages, "cancelled", cancelled,
                "deadLetters", erasedDeadLetters);
        return new Erasure(userId, deletedProfile, endpoints, erasedEvents, erasedMessages, cancelled, erasedDeadLetters,
                erasedRecords);
    }

    /** Everything stored about the user, as the API shows each part elsewhere; empty when nothing at all is stored. */
    public Optional<ObjectNode> export(String userId) {
        Instant now = clock.instant();
        Person person = person(userId);
        Optional<UserProfile> profile = person.profile();
        ObjectNode json = Json.object();
        json.put("userId", userId);
        json.put("exportedAt", Times.format(now));
        json.set("profile", profile.map(p -> (JsonNode) UserJson.toJson(p)).orElse(Json.MAPPER.nullNode()));
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

        ArrayNode messageList = json.putArray("messages");
        for (Message message : person.messages()) {
            ObjectNode m = MessageJson.toJson(message);
            message.to().ifPresent(to -> m.put("to", to));
            message.subject().ifPresent(subject -> m.put("subject", subject));
            messageList.add(m);
        }

        Map<PersonalRecords, JsonNode> parts = new java.util.LinkedHashMap<>();
        records.forEach(owner -> owner.export(person, now).ifPresent(part -> parts.put(owner, part)));
        parts.forEach((owner, part) -> {
            if (owner.placement() == PersonalRecords.Placement.TOP_LEVEL) {
                json.set(owner.name(), part);
            }
        });

        ArrayNode suppressed = json.putArray("suppressions");
        person.emails().forEach(address -> suppressions.find(Channel.EMAIL, Suppression.normalise(Channel.EMAIL, address))
                .ifPresent(sup -> suppressed.add(suppressionJson(sup))));
        person.phones().forEach(address -> suppressions.find(Channel.SMS, address).ifPresent(sup -> suppressed.add(suppressionJson(sup))));

        ObjectNode recordsJson = json.putObject("records");
        parts.forEach((owner, part) -> {
            if (owner.placement() == PersonalRecords.Placement.RECORDS) {
                recordsJson.set(owner.name(), part);
            }
        });
        // Which records could not be processed, when and why, not their payloads: a payload is a whole foreign record
        // as it arrived (an SNS invocation, a stream record, up to hundreds of KB, gzipped or cut), which can name
        // other people too and which export could not show without showing them. The id finds the whole record.
        ArrayNode letters = json.putArray("deadLetters");
        for (DeadLetterStore.DeadLetter letter : deadLetters.mentioning(userId, person.addresses())) {
            if (letter.expiresAt().map(at -> at.isAfter(now)).orElse(true)) {
                letters.addObject().put("id", letter.id()).put("source", letter.source()).put("recordId", letter.recordId())
                        .put("reason", letter.reason()).put("at", letter.at());
            }
        }
        boolean empty = profile.isEmpty() && eventList.isEmpty() && messageList.isEmpty() && letters.isEmpty()
                && parts.values().stream().allMatch(JsonNode::isEmpty);
        return empty ? Optional.empty() : Optional.of(json);
    }

    /** The profile and every message, read before anything is erased. */
    private Person person(String userId) {
        List<Message> all = new ArrayList<>();
        messages.forEachOfUser(userId, all::add);
        return new Person(userId, users.find(userId), all);
    }

    private static ObjectNode suppressionJson(Suppression suppression) {
        return Json.object().put("channel", suppression.channel().wire()).put("address", suppression.address())
                .put("reason", suppression.reason().wire()).put("source", suppression.source()).put("at", Times.format(suppression.at()));
    }
}
