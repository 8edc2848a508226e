package io.nudge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.keys.Scope;
import io.nudge.channel.webhook.WebhookDestinations;
import io.nudge.json.Json;
import io.nudge.outbound.DeliveryLog;
import io.nudge.outbound.OutboundType;
import io.nudge.outbound.Subscription;
import io.nudge.outbound.SubscriptionStore;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.nudge.api.RouteSupport.adminId;
import static io.nudge.api.RouteSupport.deleted;
import static io.nudge.api.RouteSupport.limit;
import static io.nudge.api.RouteSupport.notFound;
import static io.nudge.api.RouteSupport.object;

/**
 * Subscriptions to the stream out ({@code /v1/webhooks}), admin keys only. The signing secret is shown twice in its
 * life: in the 201 that creates the subscription, and in the answer of the rotation that replaces it.
 */
public final class WebhookRoutes {
    private static final Set<String> FIELDS = Set.of("url", "events", "enabled", "includeAddresses");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SubscriptionStore subscriptions;
    private final DeliveryLog log;
    private final WebhookDestinations destinations;
    private final Clock clock;

    private WebhookRoutes(SubscriptionStore subscriptions, DeliveryLog log, WebhookDestinations destinations, Clock clock) {
        this.subscriptions = subscriptions;
        this.log = log;
        this.destinations = destinations;
        this.clock = clock;
    }

    public static NudgeApi install(NudgeApi api, SubscriptionStore subscriptions, DeliveryLog log, WebhookDestinations destinations,
            Clock clock) {
        WebhookRoutes routes = new WebhookRoutes(subscriptions, log, destinations, clock);
        String one = "/v1/webhooks/{id}";
        return api.addRoutes(WebhookRoutes.class, List.of(
                Route.of("GET", "/v1/webhooks", Scope.ADMIN, (r, p) -> RouteSupport.list("webhooks",
                        subscriptions.listNow().stream().map(Subscription::toPublicJson).toList())),
                Route.of("PUT", one, Scope.ADMIN, (r, p) -> routes.put(adminId(p.get("id")), r)),
                Route.of("GET", one, Scope.ADMIN, (r, p) -> RouteSupport.found(
                        subscriptions.find(adminId(p.get("id"))).map(Subscription::toPublicJson), "webhook subscription")),
                Route.of("DELETE", one, Scope.ADMIN, (r, p) -> deleted(subscriptions.delete(adminId(p.get("id"))), "webhook subscription")),
                Route.of("POST", one + "/rotate-secret", Scope.ADMIN, (r, p) -> routes.rotate(adminId(p.get("id")))),
                Route.of("GET", one + "/deliveries", Scope.ADMIN, (r, p) -> routes.deliveries(adminId(p.get("id")), r))));
    }

    private ApiResponse put(String id, ApiRequest request) throws JsonProcessingException {
        ObjectNode body = object(request, FIELDS);
        String url = Fields.requireString(body, "url", "");
        if (url.length() > 2048) {
            throw InvalidInputException.invalid("/url", "/url must be at most 2048 characters");
        }
        Optional<String> refused = destinations.refusalAtSave(url);
        if (refused.isPresent()) {
            throw InvalidInputException.invalid("/url", "/url is not a place Nudge may post to: " + refused.get());
        }
        Set<OutboundType> events = events(body.get("events"));
        boolean enabled = Fields.optionalBoolean(body, "enabled", "").orElse(true);
        boolean includeAddresses = Fields.optionalBoolean(body, "includeAddresses", "").orElse(false);
        Instant now = clock.instant();
        Optional<Subscription> existing = subscriptions.find(id);
        boolean created = false;
        if (existing.isEmpty()) {
            Subscription fresh = new Subscription(id, url.strip(), events, enabled, includeAddresses, newSecret(), Optional.empty(),
                    Optional.empty(), now, now);
            // conditional: of two PUTs creating it at once, one creates it (and shows its secret), the other replaces it
            created = subscriptions.create(fresh);
            existing = created ? Optional.of(fresh) : subscriptions.find(id);
        }
        Subscription old = existing.orElseThrow(() -> new IllegalStateException("webhook subscription " + id + " vanished while saved"));
        Subscription saved = created ? old : new Subscription(id, url.strip(), events, enabled, includeAddresses, old.secret(),
                old.previousSecret(), old.previousSecretExpiresAt(), old.createdAt(), now);
        if (!created) {
            subscriptions.put(saved);
        }
        ObjectNode json = saved.toPublicJson();
        if (created) {
            json.put("secret", saved.secret()); // shown this once
        }
        return ApiResponse.json(created ? 201 : 200, json);
    }

    private static Set<OutboundType> events(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw InvalidInputException.invalid("/events", "/events must be a non-empty array of event types: "
                    + String.join(", ", OutboundType.wireNames()));
        }
        Set<OutboundType> types = EnumSet.noneOf(OutboundType.class);
        for (int i = 0; i < node.size(); i++) {
            JsonNode type = node.get(i);
            int index = i;
            types.add(OutboundType.fromWire(type.isTextual() ? type.asText() : "").orElseThrow(() -> InvalidInputException.invalid(
                    "/events/" + index, "/events/" + index + " must be one of " + String.join(", ", OutboundType.wireNames()))));
        }
        return types;
    }

    private ApiResponse rotate(String id) {
        Optional<Subscription> existing = subscriptions.find(id);
        if (existing.isEmpty()) {
            return notFound("no such webhook subscription");
        }
        Subscription rotated = existing.get().rotated(newSecret(), clock.instant());
        subscriptions.put(rotated);
        ObjectNode json = rotated.toPublicJson();
        json.put("secret", rotated.secret());
        return ApiResponse.json(200, json);
    }

    private ApiResponse deliveries(String id, ApiRequest request) {
        if (subscriptions.find(id).isEmpty()) {
            return notFound("no such webhook subscription");
        }
        int limit = limit(request, 50, 200);
        Optional<String> cursor = Optional.ofNullable(request.query().get("cursor")).filter(c -> !c.isEmpty());
        DeliveryLog.Page page;
        try {
            page = log.page(id, cursor, limit, clock.instant());
        } catch (IllegalArgumentException notOurs) {
            throw InvalidInputException.invalid("cursor", "cursor must be the cursor of a previous page");
        }
        ObjectNode json = Json.object();
        ArrayNode list = json.putArray("deliveries");
        page.deliveries().forEach(list::add);
        page.cursor().ifPresent(c -> json.put("cursor", c));
        return ApiResponse.json(200, json);
    }

    /** 32 random bytes, URL-safe, with a prefix that tells a reader what it is. */
    static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }


}
