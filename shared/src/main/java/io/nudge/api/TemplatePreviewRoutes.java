package io.nudge.api;

import static io.nudge.api.RouteSupport.adminId;
import static io.nudge.api.RouteSupport.clientId;
import static io.nudge.api.RouteSupport.notFound;
import static io.nudge.api.RouteSupport.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.SmsSegments;
import io.nudge.evaluate.EvaluationContext;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.messages.TemplatePreview;
import io.nudge.model.Event;
import io.nudge.model.UserProfile;
import io.nudge.store.UserStore;
import io.nudge.template.Rendered;
import io.nudge.users.UserService;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/templates/{id}/preview}: the stored template, or a draft, rendered for a stored or inline user and
 * an event as deliver would render it. A Liquid error is the answer a preview exists for, so it is a 200 naming the
 * part, line and column; only a request that is not one (a draft that is no template, an unknown user) is a 4xx.
 * Writes nothing.
 */
public final class TemplatePreviewRoutes {
    private static final Set<String> FIELDS = Set.of("userId", "user", "event", "locale", "template");
    private static final Set<String> EVENT_FIELDS = Set.of("name", "properties");
    private static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}");
    /** The user id an inline profile renders under. */
    static final String INLINE_USER = "preview";

    private TemplatePreviewRoutes() {}

    public static NudgeApi install(NudgeApi api, TemplatePreview preview, UserStore users, Clock clock) {
        return api.addRoutes(TemplatePreviewRoutes.class, List.of(
                Route.of("POST", "/v1/templates/{id}/preview", Scope.ADMIN, (r, p) -> {
                    String id = adminId(p.get("id"));
                    ObjectNode body = object(r, FIELDS);
                    Instant now = clock.instant();
                    Optional<UserProfile> user = user(body, users, now);
                    if (user.isEmpty()) {
                        return ApiResponse.error(404, "not_found", "no such user", "/userId");
                    }
                    Optional<String> locale = Fields.optionalString(body, "locale", "").map(l -> {
                        if (!LOCALE.matcher(l).matches()) {
                            throw InvalidInputException.invalid("/locale", "/locale must be a BCP 47 language tag such as en or de-AT");
                        }
                        return java.util.Locale.forLanguageTag(l).toLanguageTag();
                    });
                    Optional<JsonNode> draft = Optional.ofNullable(body.get("template")).filter(t -> !t.isNull());
                    ObjectNode event = event(body, user.get().userId(), now);
                    TemplatePreview.Result result = under("/template", () -> preview.render(id, draft, user.get(), event, locale));
                    return switch (result) {
                        case TemplatePreview.NotFound n -> notFound("no template " + id);
                        case TemplatePreview.Content c -> ApiResponse.json(200, content(c));
                        case TemplatePreview.Failed f -> ApiResponse.json(200, failed(f));
                    };
                })));
    }

    /** The stored user ({@code userId}), the inline one ({@code user}), an empty profile, or empty for an unknown id. */
    private static Optional<UserProfile> user(ObjectNode body, UserStore users, Instant now) {
        boolean stored = body.hasNonNull("userId");
        boolean inline = body.hasNonNull("user");
        if (stored && inline) {
            throw InvalidInputException.invalid("/user", "give userId (a stored user) or user (a profile), not both");
        }
        if (stored) {
            return users.find(clientId(Fields.requireString(body, "userId", ""), "/userId"));
        }
        if (inline) {
            return Optional.of(under("/user", () -> UserService.unsaved(INLINE_USER, body.get("user"), now)));
        }
        return Optional.of(UserProfile.bare(INLINE_USER, now));
    }

    /** The event as templates see it after evaluation: {@code {id, name, userId, timestamp, properties}}. */
    private static ObjectNode event(ObjectNode body, String userId, Instant now) {
        JsonNode node = body.get("event");
        if (node == null || node.isNull()) {
            return Json.object();
        }
        ObjectNode event = Fields.requireObject(node, "/event");
        Fields.rejectUnknown(event, EVENT_FIELDS, "/event");
        String name = Fields.optionalString(event, "name", "/event").orElse("preview");
        JsonNode properties = event.get("properties");
        ObjectNode props = properties == null || properties.isNull() ? Json.object() : Fields.requireObject(properties, "/event/properties");
        return EvaluationContext.event(new Event("preview", userId, name, props, now, now));
    }

    /** Runs {@code parse}, moving the field of what it refuses under {@code prefix} ("/email" → "/user/email"). */
    private static <T> T under(String prefix, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (InvalidInputException e) {
            String field = e.field() == null || e.field().equals("/") ? "" : e.field();
            throw new InvalidInputException(e.code(), prefix + field, e.getMessage());
        }
    }

    private static ObjectNode content(TemplatePreview.Content c) {
        ObjectNode json = Json.object();
        json.put("channel", c.channel().wire());
        c.variant().ifPresent(v -> json.put("locale", v));
        switch (c.rendered()) {
            case Rendered.Email e -> {
                json.put("subject", e.subject());
                e.html().ifPresent(h -> json.put("html", h));
                e.text().ifPresent(t -> json.put("text", t));
            }
            case Rendered.Sms s -> {
                SmsSegments.Segments segments = SmsSegments.count(s.body());
                json.put("body", s.body());
                ObjectNode sms = json.putObject("sms");
                sms.put("segments", segments.segments());
                sms.put("encoding", segments.encoding().name());
                sms.put("characters", segments.characters());
            }
            case Rendered.Push push -> {
                json.put("title", push.title());
                json.put("body", push.body());
                ObjectNode data = json.putObject("data");
                push.data().forEach(data::put);
            }
            case Rendered.Webhook webhook -> webhook(json, webhook);
        }
        return json;
    }

    /** A webhook request as it would go out, without the headers Nudge adds (the signature is made when it is sent). */
    static void webhook(ObjectNode json, Rendered.Webhook webhook) {
        json.put("method", webhook.method());
        json.put("url", webhook.url());
        ObjectNode headers = json.putObject("headers");
        webhook.headers().forEach(headers::put);
        json.put("body", webhook.body());
    }

    private static ObjectNode failed(TemplatePreview.Failed f) {
        ObjectNode json = Json.object();
        json.put("channel", f.channel().wire());
        f.variant().ifPresent(v -> json.put("locale", v));
        ObjectNode error = json.putObject("error");
        error.put("code", f.code());
        error.put("part", f.part());
        error.put("field", f.field());
        error.put("message", f.message());
        f.line().ifPresent(l -> error.put("line", l));
        f.column().ifPresent(c -> error.put("column", c));
        return json;
    }
}
