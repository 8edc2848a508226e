package io.nudge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.definitions.DefinitionService;
import io.nudge.ids.Ids;
import io.nudge.guards.Suppression;
import io.nudge.guards.SuppressionReason;
import io.nudge.guards.SuppressionStore;
import io.nudge.ingest.EventIngest;
import io.nudge.model.ConsentStatus;
import io.nudge.unsubscribe.Subscription;
import io.nudge.unsubscribe.UnsubscribeTokens;
import io.nudge.stats.StatsReport;
import io.nudge.stats.StatsStore;
import io.nudge.stats.Subject;
import java.time.LocalDate;
import io.nudge.model.Channel;
import io.nudge.ingest.IngestResult;
import io.nudge.json.Json;
import io.nudge.keys.ApiKey;
import io.nudge.keys.ApiKeys;
import io.nudge.keys.Scope;
import io.nudge.log.Log;
import io.nudge.ratelimit.KeyRateLimiter;
import io.nudge.ratelimit.RateLimit;
import io.nudge.ratelimit.TokenBuckets;
import io.nudge.messages.MessageJson;
import io.nudge.model.Times;
import io.nudge.store.AttributeValues;
import io.nudge.store.DefinitionStore;
import io.nudge.store.EventStore;
import io.nudge.store.MessageStore;
import io.nudge.users.UserJson;
import io.nudge.users.UserService;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The HTTP API: authentication (before the body is read), routing, and errors as
 * {@code {"error":{"code","message","field"}}}. Nothing reaches the caller as a stack trace.
 */
public final class NudgeApi {
    public static final int MAX_BODY_BYTES = 256 * 1024;
    private static final Log LOG = Log.of(NudgeApi.class);

    private final ApiKeys keys;
    private final UserService users;
    private final EventIngest ingest;
    private final DefinitionService definitions;
    private final MessageStore messages;
    private final EventStore events;
    private final SuppressionStore suppressions;
    private final StatsStore stats;
    private final UnsubscribeTokens unsubscribeTokens;
    private final Clock clock;
    private volatile List<Route> routes;
    private volatile KeyRateLimiter limiter;
    private volatile Optional<RateLimit> defaultLimit = Optional.of(RateLimit.DEFAULT);

    public NudgeApi(ApiKeys keys, UserService users, EventIngest ingest, DefinitionService definitions,
            MessageStore messages, EventStore events, SuppressionStore suppressions, StatsStore stats,
            UnsubscribeTokens unsubscribeTokens, Clock clock) {
        this.keys = keys;
        this.users = users;
        this.ingest = ingest;
        this.definitions = definitions;
        this.messages = messages;
        this.events = events;
        this.suppressions = suppressions;
        this.stats = stats;
        this.unsubscribeTokens = unsubscribeTokens;
        this.clock = clock;
        this.limiter = new TokenBuckets(clock);
        this.routes = List.of(
                Route.open("GET", "/health", (r, p) -> ApiResponse.json(200, Json.object().put("status", "ok"))),
                Route.open("GET", "/v1/unsubscribe", (r, p) -> unsubscribe(r)),
                Route.open("POST", "/v1/unsubscribe", (r, p) -> unsubscribe(r)),
                Route.of("POST", "/v1/keys", Scope.ADMIN, this::createKey),
                Route.of("GET", "/v1/keys", Scope.ADMIN, this::listKeys),
                Route.of("DELETE", "/v1/keys/{id}", Scope.ADMIN, this::deleteKey),
                Route.of("PUT", "/v1/users/{userId}", Scope.INGEST, this::putUser),
                Route.of("GET", "/v1/users/{userId}", Scope.ADMIN, this::getUser),
                Route.of("GET", "/v1/users/{userId}/messages", Scope.ADMIN, this::userMessages),
                Route.of("POST", "/v1/events", Scope.INGEST, this::postEvents),
                Route.of("GET", "/v1/events/{eventId}", Scope.ADMIN, this::getEvent),
                Route.of("GET", "/v1/templates", Scope.ADMIN, (r, p) -> list(DefinitionStore.TEMPLATE, "templates")),
                Route.of("PUT", "/v1/templates/{id}", Scope.ADMIN, this::putTemplate),
                Route.of("GET", "/v1/templates/{id}", Scope.ADMIN, (r, p) -> get(DefinitionStore.TEMPLATE, p.get("id"))),
                Route.of("DELETE", "/v1/templates/{id}", Scope.ADMIN,
                        (r, p) -> deleted(definitions.deleteTemplate(adminId(p.get("id"))), "template")),
                Route.of("GET", "/v1/triggers", Scope.ADMIN, (r, p) -> list(DefinitionStore.TRIGGER, "triggers")),
                Route.of("PUT", "/v1/triggers/{id}", Scope.ADMIN, this::putTrigger),
                Route.of("GET", "/v1/triggers/{id}", Scope.ADMIN, (r, p) -> get(DefinitionStore.TRIGGER, p.get("id"))),
                Route.of("DELETE", "/v1/triggers/{id}", Scope.ADMIN,
                        (r, p) -> deleted(definitions.deleteTrigger(adminId(p.get("id"))), "trigger")),
                Route.of("GET", "/v1/stats/triggers/{id}", Scope.ADMIN, this::triggerStats),
                Route.of("GET", "/v1/suppressions", Scope.ADMIN, this::listSuppressions),
                Route.of("PUT", "/v1/suppressions/{channel}/{address}", Scope.ADMIN, this::putSuppression),
                Route.of("GET", "/v1/suppressions/{channel}/{address}", Scope.ADMIN, this::getSuppression),
                Route.of("DELETE", "/v1/suppressions/{channel}/{address}", Scope.ADMIN,
                        (r, p) -> {
                            Channel channel = channel(p.get("channel"), "channel");
                            return deleted(suppressions.delete(channel, address(channel, p.get("address"))), "suppression");
                        }));
        checkPublic(routes);
    }

    /**
     * The only routes that answer without an API key. A route is public only if it is named here too, so a route
     * added with {@link Route#open} by mistake fails at startup instead of serving the world.
     */
    public static final java.util.Set<String> PUBLIC_ROUTES = java.util.Set.of(
            "GET /health",              // load balancers and uptime checks
            "GET /v1/unsubscribe",      // the link in an email: the signed token is the authority; changes nothing
            "POST /v1/unsubscribe");    // RFC 8058 one-click (sent by the mailbox provider) and the page's button

    private static void checkPublic(List<Route> routes) {
        for (Route route : routes) {
            if (route.isPublic() && !PUBLIC_ROUTES.contains(route.key())) {
                throw new IllegalStateException(route.key() + " has no scope and is not listed in NudgeApi.PUBLIC_ROUTES");
            }
        }
    }

    /** Every route as "METHOD /pattern" with its scope (null: public), in table order: for tests that walk them all. */
    List<Route> routes() {
        return routes;
    }

    /**
     * Per-key request rate limiting: {@code limiter} decides, {@code defaultLimit} applies to keys without their own
     * (empty: no limit unless the key has one).
     */
    public NudgeApi limitRate(KeyRateLimiter limiter, Optional<RateLimit> defaultLimit) {
        this.limiter = java.util.Objects.requireNonNull(limiter, "limiter");
        this.defaultLimit = java.util.Objects.requireNonNull(defaultLimit, "defaultLimit");
        return this;
    }

    /** Routes served by other classes (segments and campaigns: {@link CampaignRoutes}). */
    NudgeApi addRoutes(List<Route> more) {
        List<Route> all = new ArrayList<>(routes);
        all.addAll(more);
        checkPublic(all);
        routes = List.copyOf(all);
        return this;
    }

    public ApiResponse handle(ApiRequest request) {
        try {
            return route(request);
        } catch (InvalidInputException e) {
            return ApiResponse.error(400, e.code(), e.getMessage(), e.field());
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
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
        for (Route route : routes) {
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

    // --- keys

    private ApiResponse createKey(ApiRequest request, Map<String, String> params) throws JsonProcessingException {
        ObjectNode body = Fields.requireObject(body(request), "");
        Fields.rejectUnknown(body, java.util.Set.of("scope", "name", "rateLimit"), "");
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
        ObjectNode json = keyJson(created.key());
        json.put("key", created.secret());
        return ApiResponse.json(201, json);
    }

    private ApiResponse listKeys(ApiRequest request, Map<String, String> params) {
        ObjectNode json = Json.object();
        ArrayNode list = json.putArray("keys");
        keys.list().forEach(k -> list.add(keyJson(k)));
        return ApiResponse.json(200, json);
    }

    private ApiResponse deleteKey(ApiRequest request, Map<String, String> params) {
        return deleted(keys.revoke(adminId(params.get("id"))), "key");
    }

    private static ObjectNode keyJson(ApiKey key) {
        ObjectNode json = Json.object();
        json.put("id", key.id());
        json.put("name", key.name());
        json.put("scope", key.scope().wire());
        json.put("createdAt", Times.format(key.createdAt()));
        key.rateLimit().ifPresent(limit -> json.put("rateLimit", limit.wire()));
        return json;
    }

    // --- users

    private ApiResponse putUser(ApiRequest request, Map<String, String> params) throws JsonProcessingException {
        return ApiResponse.json(200, UserJson.toJson(users.upsert(params.get("userId"), body(request))));
    }

    private ApiResponse getUser(ApiRequest request, Map<String, String> params) {
        return users.find(clientId(params.get("userId"), "userId"))
                .map(u -> ApiResponse.json(200, UserJson.toJson(u)))
                .orElseGet(() -> ApiResponse.error(404, "not_found", "no such user", null));
    }

    private ApiResponse userMessages(ApiRequest request, Map<String, String> params) {
        int limit = Optional.ofNullable(request.query().get("limit")).map(l -> {
            try {
                return Integer.parseInt(l);
            } catch (NumberFormatException e) {
                return -1;
            }
        }).orElse(50);
        if (limit < 1 || limit > 500) {
            throw InvalidInputException.invalid("limit", "limit must be a number from 1 to 500");
        }
        ObjectNode json = Json.object();
        ArrayNode list = json.putArray("messages");
        messages.forUser(clientId(params.get("userId"), "userId"), limit).forEach(m -> list.add(MessageJson.toJson(m)));
        return ApiResponse.json(200, json);
    }

    // --- events

    private ApiResponse postEvents(ApiRequest request, Map<String, String> params) throws JsonProcessingException {
        IngestResult result = ingest.ingest(body(request));
        ObjectNode json = Json.object();
        json.put("accepted", result.accepted());
        json.put("duplicates", result.duplicates());
        ArrayNode rejected = json.putArray("rejected");
        for (IngestResult.Rejected r : result.rejected()) {
            ObjectNode item = rejected.addObject();
            item.put("index", r.index());
            ObjectNode error = item.putObject("error");
            error.put("code", r.error().code());
            error.put("message", r.error().getMessage());
            if (r.error().field() != null) {
                error.put("field", r.error().field());
            }
        }
        return ApiResponse.json(202, json);
    }

    private ApiResponse getEvent(ApiRequest request, Map<String, String> params) {
        return events.rawItem(clientId(params.get("eventId"), "eventId"))
                .filter(item -> !item.containsKey("expiresAt")
                        || Long.parseLong(item.get("expiresAt").n()) > clock.instant().getEpochSecond())
                .map(item -> {
                    ObjectNode json = Json.object();
                    json.put("id", item.get("eventId").s());
                    json.put("userId", item.get("userId").s());
                    json.put("name", item.get("name").s());
                    json.set("properties", AttributeValues.objectOrEmpty(item.get("properties")));
                    json.put("timestamp", item.get("timestamp").s());
                    json.put("receivedAt", item.get("receivedAt").s());
                    json.set("evaluation", item.containsKey("evaluation") ? AttributeValues.toJson(item.get("evaluation")) : Json.MAPPER.createArrayNode());
                    return ApiResponse.json(200, json);
                })
                .orElseGet(() -> ApiResponse.error(404, "not_found", "no such event (or it has expired)", null));
    }

    // --- definitions

    private ApiResponse putTemplate(ApiRequest request, Map<String, String> params) throws JsonProcessingException {
        DefinitionService.Saved saved = definitions.putTemplate(adminId(params.get("id")), body(request));
        return ApiResponse.json(saved.created() ? 201 : 200, saved.document());
    }

    private ApiResponse putTrigger(ApiRequest request, Map<String, String> params) throws JsonProcessingException {
        DefinitionService.Saved saved = definitions.putTrigger(adminId(params.get("id")), body(request));
        return ApiResponse.json(saved.created() ? 201 : 200, saved.document());
    }

    private ApiResponse get(String kind, String id) {
        return definitions.get(kind, adminId(id))
                .map(doc -> ApiResponse.json(200, doc))
                .orElseGet(() -> ApiResponse.error(404, "not_found", "no " + kind + " " + id, null));
    }

    private ApiResponse list(String kind, String field) {
        ObjectNode json = Json.object();
        ArrayNode list = json.putArray(field);
        definitions.list(kind).forEach(list::add);
        return ApiResponse.json(200, json);
    }

    private static ApiResponse deleted(boolean existed, String what) {
        return existed ? ApiResponse.noContent() : ApiResponse.error(404, "not_found", "no such " + what, null);
    }

    static String adminId(String id) {
        if (!Ids.isAdminId(id)) {
            throw InvalidInputException.invalid("id", "ids are 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        return id;
    }

    /** User and event ids from a path: what ingest accepts, so a lookup never sends DynamoDB an impossible key. */
    static String clientId(String id, String field) {
        if (!Ids.isClientId(id)) {
            throw InvalidInputException.invalid(field, field + " must be 1-128 printable characters");
        }
        return id;
    }

    // --- unsubscribe (no key: the signed token is the authority)

    /**
     * GET shows a confirmation page and changes nothing (mail scanners follow links); POST — the RFC 8058 one-click
     * request from the mailbox provider, or the page's button — withdraws the channel's consent.
     */
    private ApiResponse unsubscribe(ApiRequest request) {
        String token = request.query().getOrDefault("token", "");
        Optional<Subscription> subscription = unsubscribeTokens.verify(token);
        if (subscription.isEmpty()) {
            // a person clicked this: a page, not JSON; the same for a forged, altered or retired-key token
            return page(400, "This link is not valid", "This unsubscribe link is not valid or has expired. "
                    + "Use the link in a recent message from us, or reply to it to ask.", null);
        }
        String channel = subscription.get().channel().wire();
        if (request.method().equals("POST")) {
            users.setConsent(subscription.get().userId(), subscription.get().channel(), ConsentStatus.OPTED_OUT, "unsubscribe");
            return page(200, "You are unsubscribed", "You will no longer receive marketing " + channel + " from us.", null);
        }
        if (request.method().equals("GET") || request.method().equals("HEAD")) {
            return page(200, "Unsubscribe?", "Stop marketing " + channel + " to you? Messages you ask for (receipts, password resets) still arrive.",
                    "token=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8));
        }
        throw new IllegalStateException("routed here for GET and POST only");
    }

    private static ApiResponse page(int status, String title, String text, String formQuery) {
        String form = formQuery == null ? "" : "<form method=\"post\" action=\"/v1/unsubscribe?" + formQuery + "\">"
                + "<button type=\"submit\">Unsubscribe</button></form>";
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
                + "<title>" + title + "</title></head><body style=\"font-family:sans-serif;max-width:32em;margin:4em auto\">"
                + "<h1>" + title + "</h1><p>" + text + "</p>" + form + "</body></html>";
        return new ApiResponse(status, Map.of("content-type", "text/html; charset=utf-8", "cache-control", "no-store"), html);
    }

    // --- stats

    private ApiResponse triggerStats(ApiRequest request, Map<String, String> params) {
        Subject subject = Subject.trigger(adminId(params.get("id")));
        LocalDate from = day(request, "from");
        LocalDate to = day(request, "to");
        if (from != null && to != null && from.isAfter(to)) {
            throw InvalidInputException.invalid("from", "from must not be after to");
        }
        return ApiResponse.json(200, StatsReport.build(subject, from, to, stats.read(subject, from, to)));
    }

    static LocalDate day(ApiRequest request, String name) {
        String value = request.query().get(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw InvalidInputException.invalid(name, name + " must be a date YYYY-MM-DD");
        }
    }

    // --- suppressions

    private ApiResponse listSuppressions(ApiRequest request, Map<String, String> params) {
        Channel channel = channel(request.query().getOrDefault("channel", "email"), "channel");
        int limit = limit(request, 100, 1000);
        Optional<String> after = Optional.ofNullable(request.query().get("after"));
        if (after.map(a -> a.isEmpty() || a.length() > 320).orElse(false)) {
            throw InvalidInputException.invalid("after", "after must be an address from a previous page's next");
        }
        List<Suppression> page = suppressions.list(channel, after, limit);
        ObjectNode json = Json.object();
        ArrayNode list = json.putArray("suppressions");
        page.forEach(sup -> list.add(suppressionJson(sup)));
        if (page.size() == limit) {
            json.put("next", page.get(page.size() - 1).address());
        }
        return ApiResponse.json(200, json);
    }

    private ApiResponse putSuppression(ApiRequest request, Map<String, String> params) throws JsonProcessingException {
        Channel channel = channel(params.get("channel"), "channel");
        String address = address(channel, params.get("address"));
        SuppressionReason reason = SuppressionReason.MANUAL;
        if (request.body().map(b -> b.length > 0).orElse(false)) {
            ObjectNode body = Fields.requireObject(body(request), "");
            Fields.rejectUnknown(body, java.util.Set.of("reason"), "");
            reason = Fields.optionalString(body, "reason", "").map(r -> SuppressionReason.fromWire(r).orElseThrow(() ->
                    InvalidInputException.invalid("/reason", "/reason must be bounced, complained, unsubscribed or manual"))).orElse(reason);
        }
        Suppression suppression = new Suppression(channel, address, reason, "api", clock.instant());
        suppressions.put(suppression);
        return ApiResponse.json(200, suppressionJson(suppression));
    }

    private ApiResponse getSuppression(ApiRequest request, Map<String, String> params) {
        Channel channel = channel(params.get("channel"), "channel");
        return suppressions.find(channel, address(channel, params.get("address")))
                .map(sup -> ApiResponse.json(200, suppressionJson(sup)))
                .orElseGet(() -> ApiResponse.error(404, "not_found", "that address is not suppressed", null));
    }

    private static ObjectNode suppressionJson(Suppression suppression) {
        ObjectNode json = Json.object();
        json.put("channel", suppression.channel().wire());
        json.put("address", suppression.address());
        json.put("reason", suppression.reason().wire());
        json.put("source", suppression.source());
        json.put("at", Times.format(suppression.at()));
        return json;
    }

    private static Channel channel(String value, String field) {
        return Channel.fromWire(value).filter(c -> c != Channel.PUSH)
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

    private static int limit(ApiRequest request, int fallback, int max) {
        int limit = Optional.ofNullable(request.query().get("limit")).map(l -> {
            try {
                return Integer.parseInt(l);
            } catch (NumberFormatException e) {
                return -1;
            }
        }).orElse(fallback);
        if (limit < 1 || limit > max) {
            throw InvalidInputException.invalid("limit", "limit must be a number from 1 to " + max);
        }
        return limit;
    }

    // --- plumbing

    static JsonNode body(ApiRequest request) throws JsonProcessingException {
        byte[] bytes = request.body().orElse(new byte[0]);
        if (bytes.length == 0) {
            throw new InvalidInputException("missing_body", null, "this request needs a JSON body");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("invalid_encoding", null, "the body is not valid UTF-8");
        }
        return Json.parse(text);
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
