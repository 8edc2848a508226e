package io.nudge.users;

import static io.nudge.validation.InvalidInputException.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import io.nudge.ids.Ids;
import io.nudge.model.Channel;
import io.nudge.model.Consent;
import io.nudge.model.ConsentStatus;
import io.nudge.model.UserProfile;
import io.nudge.store.UserStore;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Upserts profiles: absent fields stay as they are, null clears a field, attributes merge key by key. */
public final class UserService {
    private static final Set<String> FIELDS = Set.of("email", "phone", "timezone", "locale", "attributes", "consent");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\"<>,;]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+");
    private static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}");
    private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();
    private static final int MAX_ATTRIBUTES = 200;
    private static final int ATTEMPTS = 5;

    private final UserStore store;
    private final Clock clock;

    public UserService(UserStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Optional<UserProfile> find(String userId) {
        return store.find(userId);
    }

    public UserProfile upsert(String userId, JsonNode body) {
        if (!Ids.isClientId(userId)) {
            throw invalid("userId", "user ids are 1-128 printable characters");
        }
        ObjectNode doc = Fields.requireObject(body, "");
        Fields.rejectUnknown(doc, FIELDS, "");
        Update update = parse(doc);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            UserProfile current = store.find(userId).orElseGet(() -> UserProfile.bare(userId, now));
            UserProfile next = update.applyTo(current, now);
            if (store.putIfRevision(next)) {
                return new UserProfile(next.userId(), next.email(), next.phone(), next.timezone(), next.locale(),
                        next.attributes(), next.consent(), next.createdAt(), next.updatedAt(), next.revision() + 1);
            }
        }
        throw new IllegalStateException("user profile kept changing under " + ATTEMPTS + " concurrent updates");
    }

    /** Records a consent change from outside the API (unsubscribe link, carrier opt-out, inbound STOP) with its source. */
    public UserProfile setConsent(String userId, Channel channel, ConsentStatus status, String source) {
        Update update = new Update(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of(channel, status), Map.of(channel, source));
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            UserProfile current = store.find(userId).orElseGet(() -> UserProfile.bare(userId, now));
            UserProfile next = update.applyTo(current, now);
            if (store.putIfRevision(next)) {
                return next;
            }
        }
        throw new IllegalStateException("user profile kept changing under " + ATTEMPTS + " concurrent updates");
    }

    /** What a PUT asked for; a present Optional.empty() means "clear". */
    private record Update(
            Optional<Optional<String>> email,
            Optional<Optional<String>> phone,
            Optional<Optional<String>> timezone,
            Optional<Optional<String>> locale,
            Optional<ObjectNode> attributes,
            Map<Channel, ConsentStatus> consent,
            Map<Channel, String> consentSource) {

        UserProfile applyTo(UserProfile user, Instant now) {
            ObjectNode attrs = user.attributes().deepCopy();
            attributes.ifPresent(changes -> changes.fields().forEachRemaining(e -> {
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
                    timezone.orElse(user.timezone()), locale.orElse(user.locale()), attrs, consents,
                    user.createdAt(), now, user.revision());
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
            for (Iterator<Map.Entry<String, JsonNode>> it = consentNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String pointer = "/consent/" + entry.getKey();
                Channel channel = Channel.fromWire(entry.getKey())
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
        return new Update(email, phone, timezone, locale, attributes, consent, sources);
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
