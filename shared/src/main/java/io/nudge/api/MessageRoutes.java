package io.nudge.api;

import static io.nudge.api.RouteSupport.limit;
import static io.nudge.api.RouteSupport.notFound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.SmsSegments;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.messages.MessageJson;
import io.nudge.messages.MessagePreview;
import io.nudge.messages.MessageSource;
import io.nudge.model.Channel;
import io.nudge.model.MessageStatus;
import io.nudge.model.Times;
import io.nudge.store.MessageStore;
import io.nudge.template.Rendered;
import io.nudge.validation.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Messages by what sent them (a trigger, a campaign or a journey), and one message with its content rendered now. Admin keys
 * only. A user's messages are {@link UserRoutes}'.
 */
public final class MessageRoutes {
    /** Index entries one search request examines at most: a narrow filter answers a short page with a next cursor. */
    static final int BUDGET = 1_000;
    static final String NOTE = "rendered now from the message's stored context with the current template";
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private MessageRoutes() {}

    public static NudgeApi install(NudgeApi api, MessageStore messages, MessagePreview preview) {
        return api.addRoutes(MessageRoutes.class, List.of(
                Route.of("GET", "/v1/messages", Scope.ADMIN, (r, p) -> search(r, messages)),
                Route.of("GET", "/v1/messages/{messageId}", Scope.ADMIN, (r, p) -> {
                    String id = p.get("messageId");
                    if (!Ids.isDerivedId(id)) {
                        throw InvalidInputException.invalid("messageId", "message ids are 26 characters of a-z and 2-7");
                    }
                    return messages.find(id).map(message -> {
                        ObjectNode json = MessageJson.toJson(message);
                        json.set("rendered", rendered(preview.render(message)));
                        return ApiResponse.json(200, json);
                    }).orElseGet(() -> notFound("no such message"));
                })));
    }

    private static ApiResponse search(ApiRequest request, MessageStore messages) {
        MessageSource source = source(request);
        Instant from = instant(request, "from", false).orElse(EARLIEST);
        Instant to = instant(request, "to", true).orElse(LATEST);
        if (from.isAfter(to)) {
            throw InvalidInputException.invalid("from", "from must not be after to");
        }
        Set<MessageStatus> statuses = statuses(request);
        Optional<Channel> channel = Optional.ofNullable(request.query().get("channel")).map(c -> Channel.fromWire(c)
                .orElseThrow(() -> InvalidInputException.invalid("channel", "channel must be one of email, sms, push")));
        int limit = limit(request, 50, 200);
        Optional<MessageStore.After> after = Optional.ofNullable(request.query().get("cursor")).map(c -> Cursor.decode(c, source));
        MessageStore.SearchPage page = messages.bySource(source, from, to, after, limit, BUDGET,
                m -> statuses.contains(m.status()) && channel.map(c -> c == m.channel()).orElse(true));
        ObjectNode json = Json.object();
        ArrayNode list = json.putArray("messages");
        page.messages().forEach(m -> list.add(MessageJson.toJson(m)));
        page.next().ifPresent(next -> json.put("next", Cursor.encode(source, next)));
        json.put("examined", page.examined());
        return ApiResponse.json(200, json);
    }

    private static MessageSource source(ApiRequest request) {
        Optional<String> trigger = Optional.ofNullable(request.query().get("triggerId")).filter(v -> !v.isEmpty());
        Optional<String> campaign = Optional.ofNullable(request.query().get("campaignId")).filter(v -> !v.isEmpty());
        Optional<String> journey = Optional.ofNullable(request.query().get("journeyId")).filter(v -> !v.isEmpty());
        if (Stream.of(trigger, campaign, journey).filter(Optional::isPresent).count() != 1) {
            throw InvalidInputException.invalid("triggerId", "give exactly one of triggerId, campaignId and journeyId");
        }
        if (trigger.isPresent()) {
            return MessageSource.trigger(adminId(trigger.get(), "triggerId"));
        }
        if (journey.isPresent()) {
            return MessageSource.journey(adminId(journey.get(), "journeyId"));
        }
        return MessageSource.campaign(adminId(campaign.get(), "campaignId"));
    }

    private static String adminId(String id, String field) {
        if (!Ids.isAdminId(id)) {
            throw InvalidInputException.invalid(field, field + " must be 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        return id;
    }

    /** A UTC day (from its start, or through its end for {@code to}) or an ISO-8601 instant. */
    private static Optional<Instant> instant(ApiRequest request, String name, boolean endOfDay) {
        String value = request.query().get(name);
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (value.length() == 10) {
                LocalDate day = LocalDate.parse(value);
                return Optional.of(endOfDay ? day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(1)
                        : day.atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            Instant instant = Instant.parse(value);
            if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
                throw InvalidInputException.invalid(name, name + " must lie between 1970 and 9999");
            }
            return Optional.of(instant);
        } catch (DateTimeParseException e) {
            throw InvalidInputException.invalid(name, name + " must be a date YYYY-MM-DD or an ISO-8601 instant");
        }
    }

    private static Set<MessageStatus> statuses(ApiRequest request) {
        String value = request.query().get("status");
        if (value == null || value.isEmpty()) {
            return EnumSet.allOf(MessageStatus.class);
        }
        Set<MessageStatus> statuses = EnumSet.noneOf(MessageStatus.class);
        for (String name : value.split(",", -1)) {
            MessageStatus status = Arrays.stream(MessageStatus.values()).filter(s -> s.name().equals(name.strip())).findFirst()
                    .orElseThrow(() -> InvalidInputException.invalid("status", "status must be one or more of "
                            + Arrays.stream(MessageStatus.values()).map(Enum::name).collect(Collectors.joining(", "))
                            + ", separated by commas"));
            statuses.add(status);
        }
        return statuses;
    }

    /** As GET /v1/messages/{id} shows it; also the trigger test's message. */
    static ObjectNode rendered(MessagePreview.Result result) {
        ObjectNode json = Json.object();
        switch (result) {
            case MessagePreview.Unavailable u -> json.put("unavailable", u.reason());
            case MessagePreview.Content c -> {
                switch (c.rendered()) {
                    case Rendered.Email e -> {
                        json.put("channel", Channel.EMAIL.wire());
                        json.put("subject", e.subject());
                        e.html().ifPresent(h -> json.put("html", h));
                        e.text().ifPresent(t -> json.put("text", t));
                    }
                    case Rendered.Sms s -> {
                        SmsSegments.Segments segments = SmsSegments.count(s.body());
                        json.put("channel", Channel.SMS.wire());
                        json.put("body", s.body());
                        json.put("segments", segments.segments());
                        json.put("encoding", segments.encoding().name());
                    }
                    case Rendered.Push push -> {
                        json.put("channel", Channel.PUSH.wire());
                        json.put("title", push.title());
                        json.put("body", push.body());
                        ObjectNode data = json.putObject("data");
                        push.data().forEach(data::put);
                    }
                    case Rendered.Webhook webhook -> {
                        json.put("channel", Channel.WEBHOOK.wire());
                        TemplatePreviewRoutes.webhook(json, webhook);
                    }
                }
                json.put("note", NOTE);
            }
        }
        return json;
    }

    /**
     * Where a search page ended, opaque to clients: base64url of {"source","id","createdAt"}. A cursor read with another
     * trigger or campaign, or altered, is refused rather than silently answering another query's page.
     */
    static final class Cursor {
        private Cursor() {}

        static String encode(MessageSource source, MessageStore.After after) {
            ObjectNode json = Json.object().put("source", source.key()).put("id", after.id())
                    .put("createdAt", Times.format(after.createdAt()));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(json).getBytes(StandardCharsets.UTF_8));
        }

        static MessageStore.After decode(String cursor, MessageSource source) {
            JsonNode json;
            try {
                json = Json.parse(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
                throw invalid();
            }
            if (!json.isObject() || json.size() != 3 || !json.path("source").isTextual() || !json.path("id").isTextual()
                    || !json.path("createdAt").isTextual()) {
                throw invalid();
            }
            if (!json.get("source").textValue().equals(source.key())) {
                throw InvalidInputException.invalid("cursor", "this cursor belongs to another triggerId, campaignId or journeyId");
            }
            String id = json.get("id").textValue();
            if (!Ids.isDerivedId(id)) {
                throw invalid();
            }
            try {
                Instant createdAt = Instant.parse(json.get("createdAt").textValue());
                if (!Times.format(createdAt).equals(json.get("createdAt").textValue())) {
                    throw invalid();
                }
                return new MessageStore.After(id, createdAt);
            } catch (DateTimeParseException e) {
                throw invalid();
            }
        }

        private static InvalidInputException invalid() {
            return InvalidInputException.invalid("cursor", "cursor must be a next value this search returned");
        }
    }
}
