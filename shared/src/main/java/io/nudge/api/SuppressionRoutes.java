package io.nudge.api;

import static io.nudge.api.RouteSupport.deleted;
import static io.nudge.api.RouteSupport.limit;
import static io.nudge.api.RouteSupport.notFound;
import static io.nudge.api.RouteSupport.optionalObject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.guards.Suppression;
import io.nudge.guards.SuppressionReason;
import io.nudge.guards.SuppressionStore;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.model.Channel;
import io.nudge.model.Times;
import io.nudge.users.UserService;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The suppression list of email addresses and phone numbers: list (paged), put, get, delete; admin keys only. */
public final class SuppressionRoutes {
    private final SuppressionStore suppressions;
    private final Clock clock;

    private SuppressionRoutes(SuppressionStore suppressions, Clock clock) {
        this.suppressions = suppressions;
        this.clock = clock;
    }

    public static NudgeApi install(NudgeApi api, SuppressionStore suppressions, Clock clock) {
        SuppressionRoutes routes = new SuppressionRoutes(suppressions, clock);
        String one = "/v1/suppressions/{channel}/{address}";
        return api.addRoutes(SuppressionRoutes.class, List.of(
                Route.of("GET", "/v1/suppressions", Scope.ADMIN, (r, p) -> routes.list(r)),
                Route.of("PUT", one, Scope.ADMIN, routes::put),
                Route.of("GET", one, Scope.ADMIN, (r, p) -> {
                    Channel channel = channel(p.get("channel"), "channel");
                    return suppressions.find(channel, address(channel, p.get("address")))
                            .map(sup -> ApiResponse.json(200, json(sup)))
                            .orElseGet(() -> notFound("that address is not suppressed"));
                }),
                Route.of("DELETE", one, Scope.ADMIN, (r, p) -> {
                    Channel channel = channel(p.get("channel"), "channel");
                    return deleted(suppressions.delete(channel, address(channel, p.get("address"))), "suppression");
                })));
    }

    private ApiResponse list(ApiRequest request) {
        Channel channel = channel(request.query().getOrDefault("channel", "email"), "channel");
        int limit = limit(request, 100, 1000);
        Optional<String> after = Optional.ofNullable(request.query().get("after"));
        if (after.map(a -> a.isEmpty() || a.length() > 320).orElse(false)) {
            throw InvalidInputException.invalid("after", "after must be an address from a previous page's next");
        }
        List<Suppression> page = suppressions.list(channel, after, limit);
        ObjectNode json = Json.object();
        ArrayNode list = json.putArray("suppressions");
        page.forEach(sup -> list.add(json(sup)));
        if (page.size() == limit) {
            json.put("next", page.get(page.size() - 1).address());
        }
        return ApiResponse.json(200, json);
    }

    /** The body is optional: without one the reason is {@code manual}. */
    private ApiResponse put(ApiRequest request, Map<String, String> params) throws JsonProcessingException {
        Channel channel = channel(params.get("channel"), "channel");
        String address = address(channel, params.get("address"));
        SuppressionReason reason = optionalObject(request, Set.of("reason"))
                .flatMap(body -> Fields.optionalString(body, "reason", ""))
                .map(r -> SuppressionReason.fromWire(r).orElseThrow(() ->
                        InvalidInputException.invalid("/reason", "/reason must be bounced, complained, unsubscribed or manual")))
                .orElse(SuppressionReason.MANUAL);
        Suppression suppression = new Suppression(channel, address, reason, "api", clock.instant());
        suppressions.put(suppression);
        return ApiResponse.json(200, json(suppression));
    }

    private static ObjectNode json(Suppression suppression) {
        ObjectNode json = Json.object();
        json.put("channel", suppression.channel().wire());
        json.put("address", suppression.address());
        json.put("reason", suppression.reason().wire());
        json.put("source", suppression.source());
        json.put("at", Times.format(suppression.at()));
        return json;
    }

    private static Channel channel(String value, String field) {
        return Channel.fromWire(value).filter(c -> c == Channel.EMAIL || c == Channel.SMS)
                .orElseThrow(() -> InvalidInputException.invalid(field, field + " must be email or sms"));
    }

    /** Suppressions hold addresses as deliver sees them: normalised emails, E.164 numbers. */
    private static String address(Channel channel, String address) {
        if (channel == Channel.SMS) {
            try {
                return UserService.phone(address);
            } catch (InvalidInputException e) {
                throw InvalidInputException.invalid("address", "address must be a phone number with its country code");
            }
        }
        if (!address.contains("@") || address.length() > 254) {
            throw InvalidInputException.invalid("address", "address must be an email address");
        }
        return Suppression.normalise(channel, address);
    }
}
