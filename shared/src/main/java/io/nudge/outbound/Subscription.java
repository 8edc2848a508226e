package io.nudge.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.lambda.BadRecord;
import io.nudge.model.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A team's endpoint for the stream out: where events go, which types, and the secret that signs them. After a
 * rotation the previous secret stays valid until {@code previousSecretExpiresAt}, and both sign each request meanwhile.
 */
public record Subscription(String id, String url, Set<OutboundType> events, boolean enabled, boolean includeAddresses,
        String secret, Optional<String> previousSecret, Optional<Instant> previousSecretExpiresAt, Instant createdAt,
        Instant updatedAt) {
    /** How long the secret a rotation replaced still signs. */
    public static final Duration ROTATION_OVERLAP = Duration.ofHours(24);

    public Subscription {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        events = events.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(events));
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(previousSecret, "previousSecret");
        Objects.requireNonNull(previousSecretExpiresAt, "previousSecretExpiresAt");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public boolean wants(OutboundType type) {
        return enabled && events.contains(type);
    }

    /** The secrets that sign a request sent at {@code now}: the current one first. */
    public List<String> secretsAt(Instant now) {
        List<String> secrets = new ArrayList<>(List.of(secret));
        if (previousSecret.isPresent() && previousSecretExpiresAt.map(now::isBefore).orElse(false)) {
            secrets.add(previousSecret.get());
        }
        return List.copyOf(secrets);
    }

    /** The same subscription signing with {@code fresh}; the current secret stays valid for {@link #ROTATION_OVERLAP}. */
    public Subscription rotated(String fresh, Instant now) {
        return new Subscription(id, url, events, enabled, includeAddresses, fresh, Optional.of(secret),
                Optional.of(now.plus(ROTATION_OVERLAP)), createdAt, now);
    }

    /** What the API shows: never a secret. */
    public ObjectNode toPublicJson() {
        ObjectNode json = Json.object();
        json.put("id", id);
        json.put("url", url);
        var list = json.putArray("events");
        events.stream().sorted().forEach(t -> list.add(t.wire()));
        json.put("enabled", enabled);
        json.put("includeAddresses", includeAddresses);
        json.put("createdAt", Times.format(createdAt));
        json.put("updatedAt", Times.format(updatedAt));
        previousSecretExpiresAt.ifPresent(at -> json.put("previousSecretExpiresAt", Times.format(at)));
        return json;
    }

    /** The stored document: everything, secrets included (the Definitions table, encrypted at rest). */
    ObjectNode toStoredJson() {
        ObjectNode json = toPublicJson();
        json.put("secret", secret);
        previousSecret.ifPresent(s -> json.put("previousSecret", s));
        return json;
    }

    static Subscription fromStored(String id, JsonNode doc) {
        try {
            Set<OutboundType> types = EnumSet.noneOf(OutboundType.class);
            doc.path("events").forEach(t -> OutboundType.fromWire(t.asText()).ifPresent(types::add));
            return new Subscription(id, doc.get("url").asText(), types, doc.path("enabled").asBoolean(true),
                    doc.path("includeAddresses").asBoolean(false), doc.get("secret").asText(),
                    doc.path("previousSecret").isTextual() ? Optional.of(doc.get("previousSecret").asText()) : Optional.empty(),
                    doc.path("previousSecretExpiresAt").isTextual() ? Optional.of(Times.parse(doc.get("previousSecretExpiresAt").asText()))
                            : Optional.empty(),
                    Times.parse(doc.get("createdAt").asText()), Times.parse(doc.get("updatedAt").asText()));
        } catch (RuntimeException e) {
            throw new BadRecord("webhook subscription " + id + " does not parse: " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public String toString() {
        return "Subscription[" + id + "]"; // the URL may carry a token, the secret is a secret
    }
}
