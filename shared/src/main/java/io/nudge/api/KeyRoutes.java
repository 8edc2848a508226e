package io.nudge.api;

import static io.nudge.api.RouteSupport.adminId;
import static io.nudge.api.RouteSupport.deleted;
import static io.nudge.api.RouteSupport.list;
import static io.nudge.api.RouteSupport.object;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.keys.ApiKey;
import io.nudge.keys.ApiKeys;
import io.nudge.keys.Scope;
import io.nudge.model.Times;
import io.nudge.ratelimit.RateLimit;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** API keys: create (the secret is shown once), list, revoke; admin keys only. */
public final class KeyRoutes {
    private final ApiKeys keys;

    private KeyRoutes(ApiKeys keys) {
        this.keys = keys;
    }

    public static NudgeApi install(NudgeApi api, ApiKeys keys) {
        KeyRoutes routes = new KeyRoutes(keys);
        return api.addRoutes(KeyRoutes.class, List.of(
                Route.of("POST", "/v1/keys", Scope.ADMIN, (r, p) -> routes.create(r)),
                Route.of("GET", "/v1/keys", Scope.ADMIN, (r, p) -> list("keys", keys.list().stream().map(KeyRoutes::json).toList())),
                Route.of("DELETE", "/v1/keys/{id}", Scope.ADMIN, (r, p) -> deleted(keys.revoke(adminId(p.get("id"))), "key"))));
    }

    private ApiResponse create(ApiRequest request) throws JsonProcessingException {
        ObjectNode body = object(request, Set.of("scope", "name", "rateLimit"));
        Scope scope = Scope.fromWire(Fields.requireString(body, "scope", ""))
                .orElseThrow(() -> InvalidInputException.invalid("/scope", "/scope must be ingest or admin"));
        String name = Fields.requireString(body, "name", "");
        if (name.isBlank() || name.length() > 128) {
            throw InvalidInputException.invalid("/name", "/name must be 1-128 characters");
        }
        Optional<RateLimit> rateLimit = Fields.optionalString(body, "rateLimit", "").map(text -> {
            try {
                return RateLimit.parse(text);
            } catch (IllegalArgumentException e) {
                throw InvalidInputException.invalid("/rateLimit", "/rateLimit: " + e.getMessage());
            }
        });
        ApiKeys.Created created = keys.create(name, scope, rateLimit);
        ObjectNode json = json(created.key());
        json.put("key", created.secret());
        return ApiResponse.json(201, json);
    }

    private static ObjectNode json(ApiKey key) {
        ObjectNode json = Json.object();
        json.put("id", key.id());
        json.put("name", key.name());
        json.put("scope", key.scope().wire());
        json.put("createdAt", Times.format(key.createdAt()));
        key.rateLimit().ifPresent(limit -> json.put("rateLimit", limit.wire()));
        return json;
    }
}
