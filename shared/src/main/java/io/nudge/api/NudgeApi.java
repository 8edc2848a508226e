package io.nudge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.nudge.json.Json;
import io.nudge.keys.ApiKey;
import io.nudge.keys.ApiKeys;
import io.nudge.log.Log;
import io.nudge.ratelimit.KeyRateLimiter;
import io.nudge.ratelimit.RateLimit;
import io.nudge.ratelimit.TokenBuckets;
import io.nudge.validation.InvalidInputException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The HTTP API's front: authentication and per-key rate limiting (before the body is read), routing, and errors as
 * {@code {"error":{"code","message","field"}}}. Nothing reaches the caller as a stack trace. The routes come from
 * route classes, one per resource, each installed with one line ({@code FooRoutes.install(api, ...)}); the order they
 * are installed in is the order of the {@code allow} header of a 405.
 */
public final class NudgeApi {
    public static final int MAX_BODY_BYTES = 256 * 1024;
    private static final Log LOG = Log.of(NudgeApi.class);

    /**
     * The only routes that answer without an API key. A route is public only if it is named here too, so a route
     * added with {@link Route#open} by mistake fails at startup instead of serving the world.
     */
    public static final Set<String> PUBLIC_ROUTES = Set.of(
            "GET /health",              // load balancers and uptime checks
            "GET /openapi.json",        // the API's description: names routes and shapes, holds no data
            "GET /v1/unsubscribe",      // the link in an email: the signed token is the authority; changes nothing
            "POST /v1/unsubscribe",     // RFC 8058 one-click (sent by the mailbox provider) and the page's button
            "GET /v1/preferences",      // the preference page: the signed token is the authority; changes nothing
            "POST /v1/preferences",     // its form: the token names the one person it changes; a foreign Origin is refused
            "GET /ui",                  // the console's page and static files: it asks for a key and calls the API with it
            "GET /ui/{path+}");

    /** A route and the route class that installed it. */
    record Installed(Class<?> owner, Route route) {}

    private final ApiKeys keys;
    private volatile List<Installed> installed = List.of();
    private volatile KeyRateLimiter limiter;
    private volatile Optional<RateLimit> defaultLimit = Optional.of(RateLimit.DEFAULT);

    /** An API with no routes yet: route classes install them. */
    public NudgeApi(ApiKeys keys, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.limiter = new TokenBuckets(Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Per-key request rate limiting: {@code limiter} decides, {@code defaultLimit} applies to keys without their own
     * (empty: no limit unless the key has one).
     */
    public NudgeApi limitRate(KeyRateLimiter limiter, Optional<RateLimit> defaultLimit) {
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.defaultLimit = Objects.requireNonNull(defaultLimit, "defaultLimit");
        return this;
    }

    /**
     * Adds {@code owner}'s routes after those installed before. Fails at startup for a public route not in
     * {@link #PUBLIC_ROUTES} and for a route that clashes with one already installed (same method, a path both match).
     */
    NudgeApi addRoutes(Class<?> owner, List<Route> routes) {
        List<Installed> all = new ArrayList<>(installed);
        for (Route route : routes) {
            if (route.isPublic() && !PUBLIC_ROUTES.contains(route.key())) {
                throw new IllegalStateException(route.key() + " has no scope and is not listed in NudgeApi.PUBLIC_ROUTES");
            }
            for (Installed other : all) {
                if (route.clashesWith(other.route())) {
                    throw new IllegalStateException(route.key() + " of " + owner.getSimpleName() + " clashes with "
                            + other.route().key() + " of " + other.owner().getSimpleName());
                }
            }
            all.add(new Installed(owner, route));
        }
        installed = List.copyOf(all);
        return this;
    }

    /** Every route in table order, each with the class that installed it: for tests that walk them all. */
    List<Installed> installed() {
        return installed;
    }

    /** Every route in table order (scope null: public). */
    List<Route> routes() {
        return installed.stream().map(Installed::route).toList();
    }

    public ApiResponse handle(ApiRequest request) {
        ApiResponse response = answer(request);
        // the console's security headers go on every answer under /ui, the router's own errors included
        return ConsoleRoutes.isConsolePath(request.path()) ? ConsoleRoutes.secured(response) : response;
    }

    private ApiResponse answer(ApiRequest request) {
        try {
            return route(request);
        } catch (InvalidInputException e) {
            return ApiResponse.error(400, e.code(), e.getMessage(), e.field());
        } catch (StreamConstraintsException e) {
            // Jackson's own text names its classes; say which limit instead.
            return ApiResponse.error(400, "invalid_json", "the body exceeds a JSON limit (nesting depth " + Json.MAX_DEPTH
                    + ", strings of " + Json.MAX_STRING_LENGTH + " characters, numbers of " + Json.MAX_NUMBER_LENGTH + " digits)", null);
        } catch (JsonProcessingException e) {
            // Not every parse error has a location (a constraint or a databind error may not).
            return ApiResponse.error(400, "invalid_json", "the body is not valid JSON" + (e.getLocation() == null ? "" : " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"), null);
        } catch (SdkException e) {
            LOG.error("storage call failed", e, "path", safePath(request.path()));
            return ApiResponse.error(503, "unavailable", "storage is unavailable; retry shortly", null).withHeader("retry-after", "1");
        } catch (Exception e) {
            LOG.error("unexpected failure", e, "path", safePath(request.path()));
            return ApiResponse.error(500, "internal", "something went wrong on our side; the error was logged", null);
        }
    }

    private ApiResponse route(ApiRequest request) throws Exception {
        List<String> segments = segments(request.path());
        if (segments == null) {
            return ApiResponse.error(400, "invalid_path", "the path is not valid URL encoding", null);
        }
        // HEAD is GET without the body (the servers in front drop it)
        String method = request.method().equals("HEAD") ? "GET" : request.method();
        List<Route> candidates = new ArrayList<>();
        Map<String, String> params = null;
        Route matched = null;
        for (Installed installed : installed) {
            Route route = installed.route();
            Map<String, String> p = route.match(segments);
            if (p != null) {
                candidates.add(route);
                if (route.method().equals(method)) {
                    matched = route;
                    params = p;
                }
            }
        }
        if (candidates.isEmpty()) {
            return ApiResponse.error(404, "not_found", "no route " + safePath(request.path()), null);
        }
        if (matched != null && matched.isPublic()) {
            return tooLarge(request) ? payloadTooLarge() : matched.action().handle(request, params);
        }
        // A public path with a method it does not take needs no key to learn so; anything else is checked first.
        if (matched != null || candidates.stream().anyMatch(r -> !r.isPublic())) {
            Optional<ApiKey> key = authenticate(request);
            if (key.isEmpty()) {
                return ApiResponse.error(401, "unauthorized", "send a valid API key as 'Authorization: Bearer <key>'", null)
                        .withHeader("www-authenticate", "Bearer");
            }
            Optional<RateLimit> limit = key.get().rateLimit().or(() -> defaultLimit);
            if (limit.isPresent() && limiter.acquire(key.get().id(), limit.get()) instanceof KeyRateLimiter.Limited limited) {
                long seconds = limited.retryAfter().toSeconds();
                return ApiResponse.error(429, "rate_limited", "this key is over its limit of " + limit.get().wire()
                        + " requests; retry after " + seconds + " s", null).withHeader("retry-after", Long.toString(seconds));
            }
            if (matched != null && !key.get().scope().allows(matched.scope())) {
                return ApiResponse.error(403, "forbidden", "this key's scope (" + key.get().scope().wire() + ") does not allow this; it needs "
                        + matched.scope().wire(), null);
            }
        }
        if (matched == null) {
            String allow = String.join(", ", candidates.stream().map(Route::method).distinct().toList());
            return ApiResponse.error(405, "method_not_allowed", request.method() + " is not allowed here; use " + allow, null)
                    .withHeader("allow", allow);
        }
        if (tooLarge(request)) {
            return payloadTooLarge();
        }
        return matched.action().handle(request, params);
    }

    private static boolean tooLarge(ApiRequest request) {
        return request.body().map(b -> b.length > MAX_BODY_BYTES).orElse(false);
    }

    private static ApiResponse payloadTooLarge() {
        return ApiResponse.error(413, "payload_too_large", "the body is over " + MAX_BODY_BYTES / 1024 + " KiB", null);
    }

    private Optional<ApiKey> authenticate(ApiRequest request) {
        // Only spaces and tabs around the key are forgiven: trim() would also drop control characters, so
        // "Bearer \0<key>" used to authenticate. A header holding any control character is malformed.
        return request.header("authorization")
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .filter(h -> h.chars().noneMatch(c -> Character.isISOControl(c) && c != '\t'))
                .map(h -> h.substring(7).replaceAll("^[ \t]+|[ \t]+$", ""))
                .flatMap(keys::authenticate);
    }

    /** Path segments, URL-decoded; null when the encoding is broken. */
    static List<String> segments(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        List<String> segments = new ArrayList<>();
        for (String raw : trimmed.split("/", -1)) {
            try {
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return segments;
    }

    /** Paths hold user ids: log only the route shape. */
    private static String safePath(String path) {
        List<String> segments = segments(path);
        if (segments == null || segments.size() < 2) {
            return "/?";
        }
        return "/" + segments.get(0) + "/" + segments.get(1) + (segments.size() > 2 ? "/…" : "");
    }
}
