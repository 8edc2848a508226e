package io.nudge.users;

import static io.nudge.validation.InvalidInputException.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import io.nudge.channel.PushEndpoints;
import io.nudge.channel.PushPlatform;
import io.nudge.ids.Ids;
import io.nudge.log.Log;
import io.nudge.model.Channel;
import io.nudge.model.Consent;
import io.nudge.model.ConsentStatus;
import io.nudge.model.TopicSubscription;
import io.nudge.model.PushToken;
import io.nudge.model.UserProfile;
import io.nudge.store.UserStore;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * Upserts profiles: absent fields stay as they are, null clears a field, attributes merge key by key, push tokens are
 * replaced as a list. A new token is registered with the push provider before it is stored; a token that is no
 * longer listed is forgotten by the provider after the profile no longer names it.
 */
public final class UserService {
    private static final Log LOG = Log.of(UserService.class);
    private static final Set<String> FIELDS = Set.of("email", "phone", "timezone", "locale", "attributes", "consent", "push",
            "subscriptions");
    private static final Set<String> PUSH_FIELDS = Set.of("tokens");
    private static final Set<String> TOKEN_FIELDS = Set.of("platform", "token");
    private static final int MAX_TOKEN_LENGTH = 4096;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\"<>,;]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+");
    private static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}");
    private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();
    private static final int MAX_ATTRIBUTES = 200;
    private static final int ATTEMPTS = 5;

    private final UserStore store;
    private final Clock clock;
    private final PushEndpoints pushEndpoints;
    private final io.nudge.outbound.Outbound outbound;
    private final io.nudge.topics.TopicStats topicStats;

    /** Without push: a profile update naming push tokens is refused as {@code push_not_configured}. */
    public UserService(UserStore store, Clock clock) {
        this(store, clock, PushEndpoints.notConfigured());
    }

    public UserService(UserStore store, Clock clock, PushEndpoints pushEndpoints) {
        this(store, clock, pushEndpoints, io.nudge.outbound.Outbound.none());
    }

    /** {@code outbound} records each consent change as {@code user.subscribed} or {@code user.unsubscribed}. */
    public UserService(UserStore store, Clock clock, PushEndpoints pushEndpoints, io.nudge.outbound.Outbound outbound) {
        this(store, clock, pushEndpoints, outbound, io.nudge.topics.TopicStats.none());
    }

    /** {@code topicStats} counts each change of a topic choice (the topic's numbers). */
    public UserService(UserStore store, Clock clock, PushEndpoints pushEndpoints, io.nudge.outbound.Outbound outbound,
            io.nudge.topics.TopicStats topicStats) {
        this.store = store;
        this.clock = clock;
        this.pushEndpoints = Objects.requireNonNull(pushEndpoints, "pushEndpoints");
        this.outbound = Objects.requireNonNull(outbound, "outbound");
        this.topicStats = Objects.requireNonNull(topicStats, "topicStats");
    }

    public Optional<UserProfile> find(String userId) {
        return store.find(userId);
    }

    public UserProfile upsert(String userId, JsonNode body) {
        if (!Ids.isClientId(userId)) {
            throw invalid("userId", "user ids are 1-128 printable characters");
        }
        Change change = change(userId, body, "");
        return switch (applyAll(userId, List.of(change), store.find(userId)).get(0)) {
            case Upserted u -> u.profile();
            case Rejected r -> throw r.error();
        };
    }

    /**
     * One profile change as {@code PUT /v1/users/{userId}} takes its body, checked and not yet applied. {@code pointer}
     * is where the body sits in a larger request ("/users/3"): every error names its field below it.
     */
    public static final class Change {
        private final String userId;
        private final String pointer;
        private final Update update;

        private Change(String userId, String pointer, Update update) {
            this.userId = userId;
            this.pointer = pointer;
            this.update = update;
        }

        public String userId() {
            return userId;
        }

        public String pointer() {
            return pointer;
        }
    }

    /** What became of one change: the profile as stored after it, or why it was refused. */
    public sealed interface Outcome permits Upserted, Rejected {}

    public record Upserted(UserProfile profile) implements Outcome {}

    public record Rejected(InvalidInputException error) implements Outcome {}

    /** @throws InvalidInputException naming the field below {@code pointer} when the body is not a valid profile change */
    public static Change change(String userId, JsonNode body, String pointer) {
        Objects.requireNonNull(userId, "userId");
        ObjectNode doc = Fields.requireObject(body, pointer);
        Fields.rejectUnknown(doc, FIELDS, pointer);
        try {
            return new Change(userId, pointer, parse(doc));
        } catch (InvalidInputException e) {
            throw under(pointer, e);
        }
    }

    /**
     * Applies checked changes, in order for each user: one consistent BatchGetItem for all of their profiles, then one
     * conditional write per user that has an accepted change (users written concurrently). A change that cannot apply
     * (too many attributes, a push token the provider refuses) is rejected on its own; the user's other changes still
     * apply. Outcomes are in the order of {@code changes}.
     */
    public List<Outcome> upsertAll(List<Change> changes) {
        Map<String, List<Change>> byUser = new LinkedHashMap<>();
        changes.forEach(c -> byUser.computeIfAbsent(c.userId(), k -> new ArrayList<>()).add(c));
        Map<String, UserProfile> stored = byUser.isEmpty() ? Map.of() : store.findAll(byUser.keySet());
        Map<Change, Outcome> outcomes = new IdentityHashMap<>();
        try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, Future<List<Outcome>>> results = new LinkedHashMap<>();
            byUser.forEach((userId, mine) -> results.put(userId,
                    writers.submit(() -> applyAll(userId, mine, Optional.ofNullable(stored.get(userId))))));
            for (Map.Entry<String, Future<List<Outcome>>> result : results.entrySet()) {
                List<Change> mine = byUser.get(result.getKey());
                List<Outcome> theirs = result.getValue().get();
                for (int i = 0; i < mine.size(); i++) {
                    outcomes.put(mine.get(i), theirs.get(i));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing users", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        return changes.stream().map(outcomes::get).toList();
    }

    /**
     * The one upsert path: {@code changes} of one user applied in order to the profile read ({@code read} on the first
     * attempt, a fresh read on a lost race), written once with a condition on the revision read.
     */
    private List<Outcome> applyAll(String userId, List<Change> changes, Optional<UserProfile> read) {
        // Registrations survive a lost write: the retry must not ask the provider again for the same token.
        Map<RequestedToken, String> registered = new HashMap<>();
        Optional<UserProfile> found = read;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            if (attempt > 0) {
                found = store.find(userId);
            }
            UserProfile current = found.orElseGet(() -> UserProfile.bare(userId, now));
            UserProfile next = current;
            List<InvalidInputException> errors = new ArrayList<>();
            for (Change change : changes) {
                try {
                    UserProfile before = next;
                    List<PushToken> tokens = change.update.pushTokens()
                            .map(requested -> resolve(userId, requested, before.pushTokens(), registered))
                            .orElse(before.pushTokens());
                    next = change.update.applyTo(before, now, tokens);
                    errors.add(null);
                } catch (InvalidInputException e) {
                    errors.add(under(change.pointer(), e));
                }
            }
            if (errors.stream().allMatch(Objects::nonNull)) {
                return errors.stream().<Outcome>map(Rejected::new).toList();
            }
            if (store.putIfRevision(next)) {
                forget(userId, current.pushTokens(), next.pushTokens());
                UserProfile written = next;
                changes.stream().flatMap(c -> c.update.consent().keySet().stream()).distinct()
                        .forEach(channel -> consentEvent(written, channel, now));
                UserProfile before = current;
                changes.forEach(c -> c.update.subscriptions().forEach((topic, byChannel) ->
                        byChannel.keySet().forEach(channel -> topicChanged(before, written, topic, channel, now))));
                Upserted upserted = new Upserted(new UserProfile(next.userId(), next.email(), next.phone(),
                        next.timezone(), next.locale(), next.attributes(), next.consent(), next.subscriptions(),
                        next.pushTokens(), next.createdAt(), next.updatedAt(), next.revision() + 1));
                return errors.stream().<Outcome>map(e -> e == null ? upserted : new Rejected(e)).toList();
            }
        }
        throw new IllegalStateException("user profile kept changing under " + ATTEMPTS + " concurrent updates");
    }

    /** {@code e} with its field (and the message's leading mention of it) moved below {@code pointer}. */
    private static InvalidInputException under(String pointer, InvalidInputException e) {
        if (pointer.isEmpty() || e.field() == null) {
            return e;
        }
        String message = e.getMessage().startsWith(e.field()) ? pointer + e.getMessage() : e.getMessage();
        return new InvalidInputException(e.code(), pointer + e.field(), message);
    }

    private static final Set<String> UNSAVED_FIELDS = Set.of("email", "phone", "timezone", "locale", "attributes");

    /**
     * A profile as {@code body} describes it, checked as a PUT checks those fields (consent and push tokens are left
     * out: a preview sends nothing), and never stored.
     */
    public static UserProfile unsaved(String userId, JsonNode body, Instant now) {
        ObjectNode doc = Fields.requireObject(body, "");
        Fields.rejectUnknown(doc, UNSAVED_FIELDS, "");
        return parse(doc).applyTo(UserProfile.bare(userId, now), now, List.of());
    }

    /** Records a consent change from outside the API (unsubscribe link, carrier opt-out, inbound STOP) with its source. */
    public UserProfile setConsent(String userId, Channel channel, ConsentStatus status, String source) {
        Update update = new Update(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of(channel, status), Map.of(channel, source), Map.of(), "api", Optional.empty());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            UserProfile current = store.find(userId).orElseGet(() -> UserProfile.bare(userId, now));
            UserProfile next = update.applyTo(current, now, current.pushTokens());
            if (store.putIfRevision(next)) {
                consentEvent(next, channel, now);
                return next;
            }
        }
        throw new IllegalStateException("user profile kept changing under " + ATTEMPTS + " concurrent updates");
    }

    /**
     * Records a person's topic choices from outside the API (the preference page, a topic's one-click unsubscribe) with
     * their source; each change is a stream-out event. Empty when there is no such user (erased: nothing comes back).
     */
    public Optional<UserProfile> setTopics(String userId, Map<String, Map<Channel, io.nudge.topics.TopicStatus>> choices, String source) {
        Update update = new Update(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of(), Map.of(), choices, source, Optional.empty());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            Optional<UserProfile> current = store.find(userId);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            UserProfile next = update.applyTo(current.get(), now, current.get().pushTokens());
            if (store.putIfRevision(next)) {
                UserProfile before = current.get();
                choices.forEach((topic, byChannel) -> byChannel.keySet().forEach(channel -> topicChanged(before, next, topic, channel, now)));
                return Optional.of(next);
            }
        }
        throw new IllegalStateException("user profile kept changing under " + ATTEMPTS + " concurrent updates");
    }

    /**
     * The stream-out event of the user's consent on {@code channel} as stored: {@code user.subscribed} or
     * {@code user.unsubscribed}, its id derived from the consent's own time. Recorded when the consent changed now, or
     * changed within the last hour (a retry of a request whose record may not have been written: the same id again).
     */
    private void consentEvent(UserProfile stored, Channel channel, Instant now) {
        Consent consent = stored.consent().get(channel);
        if (consent == null || consent.at().isBefore(now.minus(CONSENT_EVENT_REPAIR))) {
            return;
        }
        io.nudge.outbound.OutboundType type = consent.status() == ConsentStatus.OPTED_OUT
                ? io.nudge.outbound.OutboundType.USER_UNSUBSCRIBED : io.nudge.outbound.OutboundType.USER_SUBSCRIBED;
        com.fasterxml.jackson.databind.node.ObjectNode data = io.nudge.json.Json.object();
        data.put("status", consent.status().wire());
        data.put("source", consent.source());
        outbound.emit(new io.nudge.outbound.OutboundEvent(
                io.nudge.ids.Ids.derive("outbound", type.wire(), stored.userId(), channel.wire(), consent.at().toString()), type,
                consent.at(), stored.userId(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(channel), data, Optional.empty()));
    }

    private static final java.time.Duration CONSENT_EVENT_REPAIR = java.time.Duration.ofHours(1);
    /** Topics one profile may hold choices on. */
    static final int MAX_TOPICS = 100;

    /** A topic choice as written: its stream-out event (again within the hour), and the topic's counters when it changed. */
    private void topicChanged(UserProfile before, UserProfile after, String topic, Channel channel, Instant now) {
        Optional<TopicSubscription> was = before.subscription(topic, channel);
        Optional<TopicSubscription> is = after.subscription(topic, channel);
        if (is.isPresent() && !is.equals(was)) {
            topicStats.choiceChanged(after.userId(), topic, channel, was.map(TopicSubscription::status), is.get().status(), is.get().source(),
                    is.get().at());
        }
        topicEvent(after, topic, channel, now);
    }

    /**
     * {@code user.subscribed} / {@code user.unsubscribed} with {@code data.topic} for a topic choice as stored: its id
     * derived from the choice's own time, so a repeat within the hour writes the same record again.
     */
    private void topicEvent(UserProfile stored, String topic, Channel channel, Instant now) {
        Optional<TopicSubscription> choice = stored.subscription(topic, channel);
        if (choice.isEmpty() || choice.get().at().isBefore(now.minus(CONSENT_EVENT_REPAIR))) {
            return;
        }
        io.nudge.outbound.OutboundType type = choice.get().status() == io.nudge.topics.TopicStatus.UNSUBSCRIBED
                ? io.nudge.outbound.OutboundType.USER_UNSUBSCRIBED : io.nudge.outbound.OutboundType.USER_SUBSCRIBED;
        com.fasterxml.jackson.databind.node.ObjectNode data = io.nudge.json.Json.object();
        data.put("topic", topic);
        data.put("status", choice.get().status().wire());
        data.put("source", choice.get().source());
        outbound.emit(new io.nudge.outbound.OutboundEvent(
                io.nudge.ids.Ids.derive("outbound", type.wire(), stored.userId(), "topic", topic, channel.wire(), choice.get().at().toString()),
                type, choice.get().at(), stored.userId(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(channel), data, Optional.empty()));
    }

    /** A consent found already as asked (a retried notification): its stream-out record again, if it changed lately. */
    public void consentUnchanged(UserProfile stored, Channel channel) {
        consentEvent(stored, channel, clock.instant());
    }

    /**
     * Removes the device with this target from the user (the provider said it is disabled or gone) and deletes the
     * endpoint. Removing a target the user no longer has changes nothing.
     */
    public void removePushTarget(String userId, String target) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(target, "target");
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<UserProfile> current = store.find(userId);
            if (current.isEmpty() || current.get().pushTokens().stream().noneMatch(t -> t.target().equals(target))) {
                break;
            }
            UserProfile user = current.get();
            List<PushToken> kept = user.pushTokens().stream().filter(t -> !t.target().equals(target)).toList();
            UserProfile next = new UserProfile(user.userId(), user.email(), user.phone(), user.timezone(), user.locale(),
                    user.attributes(), user.consent(), user.subscriptions(), kept, user.createdAt(), clock.instant(), user.revision());
            if (store.putIfRevision(next)) {
                break;
            }
            if (attempt == ATTEMPTS - 1) {
                throw new IllegalStateException("user profile kept changing under " + ATTEMPTS + " concurrent updates");
            }
        }
        deleteEndpoint(userId, target);
    }

    /**
     * The targets for the requested tokens: a token the user already has keeps its target, a new one is registered.
     */
    private List<PushToken> resolve(String userId, List<RequestedToken> requested, List<PushToken> current,
            Map<RequestedToken, String> registered) {
        List<PushToken> tokens = new ArrayList<>();
        for (RequestedToken r : requested) {
            String target = current.stream().filter(t -> t.sameToken(r.platform(), r.token())).findFirst()
                    .map(PushToken::target)
                    .orElseGet(() -> registered.computeIfAbsent(r, k -> register(userId, k)));
            tokens.add(new PushToken(r.platform(), r.token(), target));
        }
        return tokens;
    }

    private String register(String userId, RequestedToken r) {
        try {
            return pushEndpoints.register(r.platform(), r.token(), userId);
        } catch (IllegalStateException e) {
            // The detail names the missing setting: for the operator's log, not for the API caller.
            LOG.warn("push is not configured", "platform", r.platform().wire(), "detail", e.getMessage());
            throw new InvalidInputException("push_not_configured", r.pointer() + "/platform",
                    r.pointer() + "/platform: push to " + r.platform().wire() + " is not configured on this deployment");
        } catch (IllegalArgumentException e) {
            // The provider's words never contain the token (the endpoints redact it), but they stay in the log.
            LOG.warn("push token refused by the provider", "platform", r.platform().wire(), "detail", e.getMessage());
            throw invalid(r.pointer() + "/token", r.pointer() + "/token was refused by the push provider");
        }
    }

    /** Deletes the endpoints the stored profile no longer names; the profile is already right, so this is tidying. */
    private void forget(String userId, List<PushToken> before, List<PushToken> after) {
        Set<String> kept = new HashSet<>();
        after.forEach(t -> kept.add(t.target()));
        before.stream().map(PushToken::target).filter(target -> !kept.contains(target)).distinct()
                .forEach(target -> deleteEndpoint(userId, target));
    }

    private void deleteEndpoint(String userId, String target) {
        try {
            pushEndpoints.delete(target);
        } catch (RuntimeException e) {
            // An endpoint left behind is never sent to again (no profile names it); failing the caller would not
            // bring it back, so it is logged (without the target) and left.
            LOG.error("could not delete a push endpoint", e, "userId", userId);
        }
    }

    /** One entry of {@code /push/tokens}, with its place in the request for error messages. */
    private record RequestedToken(PushPlatform platform, String token, String pointer) {
        @Override
        public boolean equals(Object o) {
            return o instanceof RequestedToken other && platform == other.platform && token.equals(other.token);
        }

        @Override
        public int hashCode() {
            return Objects.hash(platform, token);
        }

        @Override
        public String toString() {
            return "RequestedToken[" + pointer + "]";
        }
    }

    /** What a PUT asked for; a present Optional.empty() means "clear". */
    private record Update(
            Optional<Optional<String>> email,
            Optional<Optional<String>> phone,
            Optional<Optional<String>> timezone,
            Optional<Optional<String>> locale,
            Optional<ObjectNode> attributes,
            Map<Channel, ConsentStatus> consent,
            Map<Channel, String> consentSource,
            Map<String, Map<Channel, io.nudge.topics.TopicStatus>> subscriptions,
            String subscriptionSource,
            Optional<List<RequestedToken>> pushTokens) {

        UserProfile applyTo(UserProfile user, Instant now, List<PushToken> tokens) {
            ObjectNode attrs = user.attributes().deepCopy();
            attributes.ifPresent(changes -> changes.properties().forEach(e -> {
                if (e.getValue().isNull()) {
                    attrs.remove(e.getKey());
                } else {
                    attrs.set(e.getKey(), e.getValue());
                }
            }));
            if (attrs.size() > MAX_ATTRIBUTES) {
                throw invalid("/attributes", "a user may have at most " + MAX_ATTRIBUTES + " attributes");
            }
            Map<Channel, Consent> consents = new EnumMap<>(Channel.class);
            consents.putAll(user.consent());
            consent.forEach((channel, status) -> {
                Consent old = consents.get(channel);
                if (old == null || old.status() != status) {
                    consents.put(channel, new Consent(status, consentSource.get(channel), now));
                }
            });
            return new UserProfile(user.userId(), email.orElse(user.email()), phone.orElse(user.phone()),
                    timezone.orElse(user.timezone()), locale.orElse(user.locale()), attrs, consents, topics(user, now), tokens,
                    user.createdAt(), now, user.revision());
        }

        /** The person's topic choices with this update's applied; an unchanged choice keeps its source and time. */
        private Map<String, Map<Channel, TopicSubscription>> topics(UserProfile user, Instant now) {
            Map<String, Map<Channel, TopicSubscription>> all = new java.util.TreeMap<>();
            user.subscriptions().forEach((topic, byChannel) -> all.put(topic, new EnumMap<>(byChannel)));
            subscriptions.forEach((topic, byChannel) -> byChannel.forEach((channel, status) -> {
                Map<Channel, TopicSubscription> mine = all.computeIfAbsent(topic, t -> new EnumMap<>(Channel.class));
                TopicSubscription old = mine.get(channel);
                if (old == null || old.status() != status) {
                    mine.put(channel, new TopicSubscription(status, subscriptionSource, now));
                }
            }));
            return all;
        }
    }

    private static Update parse(ObjectNode doc) {
        Optional<Optional<String>> email = nullable(doc, "email").map(v -> v.map(UserService::email));
        Optional<Optional<String>> phone = nullable(doc, "phone").map(v -> v.map(UserService::phone));
        Optional<Optional<String>> timezone = nullable(doc, "timezone").map(v -> v.map(tz -> {
            if (!ZONES.contains(tz)) {
                throw invalid("/timezone", "/timezone must be an IANA time zone such as Europe/Berlin");
            }
            return tz;
        }));
        Optional<Optional<String>> locale = nullable(doc, "locale").map(v -> v.map(l -> {
            if (!LOCALE.matcher(l).matches()) {
                throw invalid("/locale", "/locale must be a BCP 47 language tag such as en or de-AT");
            }
            return java.util.Locale.forLanguageTag(l).toLanguageTag();
        }));
        Optional<ObjectNode> attributes = Optional.ofNullable(doc.get("attributes")).filter(n -> !n.isNull())
                .map(n -> Fields.requireObject(n, "/attributes"));
        attributes.ifPresent(a -> Fields.requireStorable(a, "/attributes"));
        attributes.ifPresent(a -> a.fieldNames().forEachRemaining(name -> {
            if (name.isEmpty() || name.length() > 64) {
                throw invalid("/attributes/" + name, "attribute names are 1-64 characters");
            }
        }));
        Map<Channel, ConsentStatus> consent = new EnumMap<>(Channel.class);
        Map<Channel, String> sources = new EnumMap<>(Channel.class);
        JsonNode consentNode = doc.get("consent");
        if (consentNode != null && !consentNode.isNull()) {
            Fields.requireObject(consentNode, "/consent");
            for (Iterator<Map.Entry<String, JsonNode>> it = consentNode.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String pointer = "/consent/" + entry.getKey();
                Channel channel = Channel.fromWire(entry.getKey()).filter(Channel::reachesAPerson)
                        .orElseThrow(() -> invalid(pointer, "consent channels are email, sms and push"));
                JsonNode value = entry.getValue();
                String status = value.isObject() ? Fields.requireString(value, "status", pointer) : value.isTextual() ? value.textValue() : null;
                String source = value.isObject() ? Fields.optionalString(value, "source", pointer).orElse("api") : "api";
                consent.put(channel, ConsentStatus.fromWire(status)
                        .orElseThrow(() -> invalid(value.isObject() ? pointer + "/status" : pointer, pointer + " must be opted_in or opted_out")));
                if (source.isEmpty() || source.length() > 64) {
                    throw invalid(pointer + "/source", "consent sources are 1-64 characters");
                }
                sources.put(channel, source);
            }
        }
        return new Update(email, phone, timezone, locale, attributes, consent, sources, subscriptions(doc.get("subscriptions")), "api",
                pushTokens(doc));
    }

    /** {"<topic>": {"email": "subscribed", "sms": "unsubscribed"}}: the person's choices, each named by its pointer when wrong. */
    private static Map<String, Map<Channel, io.nudge.topics.TopicStatus>> subscriptions(JsonNode node) {
        Map<String, Map<Channel, io.nudge.topics.TopicStatus>> topics = new java.util.TreeMap<>();
        if (node == null || node.isNull()) {
            return topics;
        }
        Fields.requireObject(node, "/subscriptions");
        if (node.size() > MAX_TOPICS) {
            throw invalid("/subscriptions", "/subscriptions may name at most " + MAX_TOPICS + " topics");
        }
        for (Map.Entry<String, JsonNode> topic : node.properties()) {
            String pointer = "/subscriptions/" + topic.getKey();
            if (!io.nudge.ids.Ids.isAdminId(topic.getKey())) {
                throw invalid(pointer, pointer + ": topic ids are 1-64 characters of A-Z, a-z, 0-9, _ and -");
            }
            Fields.requireObject(topic.getValue(), pointer);
            Map<Channel, io.nudge.topics.TopicStatus> byChannel = new EnumMap<>(Channel.class);
            for (Map.Entry<String, JsonNode> entry : topic.getValue().properties()) {
                String at = pointer + "/" + entry.getKey();
                Channel channel = Channel.fromWire(entry.getKey()).filter(Channel::reachesAPerson)
                        .orElseThrow(() -> invalid(at, "topic channels are email, sms and push"));
                byChannel.put(channel, io.nudge.topics.TopicStatus.fromWire(entry.getValue().isTextual() ? entry.getValue().asText() : "")
                        .orElseThrow(() -> invalid(at, at + " must be subscribed or unsubscribed")));
            }
            topics.put(topic.getKey(), byChannel);
        }
        return topics;
    }

    /** {@code "push": {"tokens": [...]}} replaces the list; {@code "push": null} removes every device. */
    private static Optional<List<RequestedToken>> pushTokens(ObjectNode doc) {
        JsonNode push = doc.get("push");
        if (push == null) {
            return Optional.empty();
        }
        if (push.isNull()) {
            return Optional.of(List.of());
        }
        Fields.rejectUnknown(Fields.requireObject(push, "/push"), PUSH_FIELDS, "/push");
        JsonNode tokens = push.get("tokens");
        if (tokens == null || tokens.isNull()) {
            throw InvalidInputException.missing("/push/tokens");
        }
        if (!tokens.isArray()) {
            throw invalid("/push/tokens", "/push/tokens must be an array");
        }
        if (tokens.size() > UserProfile.MAX_PUSH_TOKENS) {
            throw invalid("/push/tokens", "a user may have at most " + UserProfile.MAX_PUSH_TOKENS + " push tokens");
        }
        List<RequestedToken> requested = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String pointer = "/push/tokens/" + i;
            ObjectNode entry = Fields.requireObject(tokens.get(i), pointer);
            Fields.rejectUnknown(entry, TOKEN_FIELDS, pointer);
            PushPlatform platform = PushPlatform.fromWire(Fields.requireString(entry, "platform", pointer))
                    .orElseThrow(() -> invalid(pointer + "/platform", pointer + "/platform must be fcm, apns or apns_sandbox"));
            String token = Fields.requireString(entry, "token", pointer);
            if (!isPrintableToken(token)) {
                // The message never quotes the token: it is as good as an address.
                throw invalid(pointer + "/token", pointer + "/token must be 1-" + MAX_TOKEN_LENGTH
                        + " printable ASCII characters without spaces");
            }
            RequestedToken r = new RequestedToken(platform, token, pointer);
            // A token listed twice is one device: the first mention counts.
            if (!requested.contains(r)) {
                requested.add(r);
            }
        }
        return Optional.of(List.copyOf(requested));
    }

    /** FCM tokens are base64url with a colon, APNs tokens hex: anything outside visible ASCII is a mistake. */
    private static boolean isPrintableToken(String token) {
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static Optional<Optional<String>> nullable(ObjectNode doc, String name) {
        if (!doc.has(name)) {
            return Optional.empty();
        }
        JsonNode value = doc.get(name);
        if (value.isNull()) {
            return Optional.of(Optional.empty());
        }
        if (!value.isTextual()) {
            throw invalid("/" + name, "/" + name + " must be a string or null");
        }
        return Optional.of(Optional.of(value.textValue().strip()));
    }

    static String email(String value) {
        if (value.length() > 254 || !EMAIL.matcher(value).matches()) {
            throw new InvalidInputException("invalid_email", "/email", "/email is not a valid email address");
        }
        int at = value.lastIndexOf('@');
        return value.substring(0, at) + value.substring(at).toLowerCase(java.util.Locale.ROOT);
    }

    /** E.164 via libphonenumber; numbers must carry their country code (+…). */
    public static String phone(String value) {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        try {
            if (value.length() > 32) {
                throw new NumberParseException(NumberParseException.ErrorType.TOO_LONG, "too long");
            }
            Phonenumber.PhoneNumber number = util.parse(value, "ZZ");
            if (!util.isValidNumber(number)) {
                throw new InvalidInputException("invalid_phone", "/phone", "/phone is not a valid phone number");
            }
            return util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            throw new InvalidInputException("invalid_phone", "/phone",
                    "/phone must be an international number with its country code, e.g. +4915112345678");
        }
    }
}
