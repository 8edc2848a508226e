package io.nudge.trigger;

import static io.nudge.validation.InvalidInputException.invalid;
import static io.nudge.validation.InvalidInputException.missing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.model.Priority;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Reads a trigger document, checking every field and naming the first bad one. */
public final class TriggerParser {
    private static final Set<String> FIELDS = Set.of("event", "conditions", "channel", "template", "priority", "enabled",
            "delay", "cancelOn", "reentry", "sendAt", "quietHours", "frequencyCap", "conversion", "topic");
    private static final Set<String> CONDITION_FIELDS = Set.of("path", "op", "value");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<String> EVENT_FIELDS = Set.of("id", "name", "userId", "timestamp");
    private static final Set<String> USER_FIELDS = Set.of("userId", "email", "phone", "timezone", "locale");
    private static final int MAX_CONDITIONS = 50;
    private static final Duration MAX_DELAY = Duration.ofDays(365);
    private static final Pattern LOCAL_TIME = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");

    private TriggerParser() {}

    /**
     * @param templateChannel the channel of a stored template, or empty when there is no such template
     */
    public static TriggerDefinition parse(String id, JsonNode document, Function<String, Optional<Channel>> templateChannel) {
        if (!Ids.isAdminId(id)) {
            throw invalid("id", "trigger ids are 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        ObjectNode doc = Fields.requireObject(document, "");
        Fields.rejectUnknown(doc, FIELDS, "");
        String event = Fields.requireString(doc, "event", "");
        if (!Ids.isEventName(event)) {
            throw invalid("/event", "/event must be an event name of 1-128 characters of A-Z, a-z, 0-9, _ . : -");
        }
        Channel channel = Channel.fromWire(Fields.requireString(doc, "channel", ""))
                .orElseThrow(() -> invalid("/channel", "/channel must be one of email, sms, push, webhook"));
        String template = io.nudge.validation.TemplateReference.of(doc, "", channel, templateChannel, "the trigger");
        Priority priority = Fields.optionalString(doc, "priority", "")
                .map(p -> Priority.fromWire(p).orElseThrow(() -> invalid("/priority", "/priority must be marketing or transactional")))
                .orElse(Priority.MARKETING);
        boolean enabled = Fields.optionalBoolean(doc, "enabled", "").orElse(true);
        Duration delay = Fields.optionalString(doc, "delay", "").map(d -> duration(d, "/delay", Duration.ZERO)).orElse(Duration.ZERO);
        Reentry reentry = Fields.optionalString(doc, "reentry", "").map(r -> reentry(r, "/reentry")).orElse(new Reentry.Always());
        QuietHoursSetting quietHours = Fields.optionalString(doc, "quietHours", "").map(q -> quietHours(q, "/quietHours"))
                .orElse(new QuietHoursSetting.Default());
        Optional<Integer> frequencyCap = frequencyCap(doc.get("frequencyCap"), "/frequencyCap", "this trigger");
        Optional<String> topic = topic(doc, "", channel);
        return new TriggerDefinition(id, event, conditions(doc.get("conditions")), channel, template, priority, enabled,
                delay, cancelOn(doc.get("cancelOn"), "/cancelOn"), reentry, sendAt(doc.get("sendAt"), "/sendAt"), quietHours, frequencyCap,
                conversion(doc.get("conversion")), topic);
    }

    /**
     * The topic a message belongs to (its id; whether it exists and covers the channel is the saving service's
     * question). A webhook reaches no person, so it has none.
     */
    public static Optional<String> topic(ObjectNode doc, String at, Channel channel) {
        Optional<String> topic = Fields.optionalString(doc, "topic", at);
        if (topic.isEmpty()) {
            return topic;
        }
        if (!Ids.isAdminId(topic.get())) {
            throw invalid(at + "/topic", at + "/topic must be a topic id: 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        if (!channel.reachesAPerson()) {
            throw invalid(at + "/topic", at + "/topic: a webhook message reaches no person, so it has no topic");
        }
        return topic;
    }

    /** A per-user cap on messages of this trigger (or journey step) per 24 h, 1 to 1000; empty when left out. */
    public static Optional<Integer> frequencyCap(JsonNode node, String pointer, String of) {
        return Optional.ofNullable(node).filter(n -> !n.isNull()).map(n -> {
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.intValue() < 1 || n.intValue() > 1000) {
                throw invalid(pointer, pointer + " must be a whole number from 1 to 1000 (messages of " + of + " per user per 24 h)");
            }
            return n.intValue();
        });
    }

    /** {"event":"purchase_completed","within":"P3D"}: the window is 1 minute to 365 days. */
    private static Optional<ConversionGoal> conversion(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        ObjectNode conversion = Fields.requireObject(node, "/conversion");
        Fields.rejectUnknown(conversion, Set.of("event", "within"), "/conversion");
        String event = Fields.requireString(conversion, "event", "/conversion");
        if (!Ids.isEventName(event)) {
            throw invalid("/conversion/event", "/conversion/event must be an event name of 1-128 characters of A-Z, a-z, 0-9, _ . : -");
        }
        String within = Fields.requireString(conversion, "within", "/conversion");
        return Optional.of(new ConversionGoal(event, duration(within, "/conversion/within", Duration.ofMinutes(1))));
    }

    public static QuietHoursSetting quietHours(String text, String pointer) {
        if (text.equals("off")) {
            return new QuietHoursSetting.Off();
        }
        return new QuietHoursSetting.Window(io.nudge.guards.QuietHours.parse(text).orElseThrow(() -> new InvalidInputException(
                "invalid_time", pointer, pointer + " must be a window HH:mm-HH:mm such as 21:00-08:00, or off")));
    }

    /** ISO-8601 durations (PT1H, P14D), {@code min} up to 365 days; PT0S means none. */
    public static Duration duration(String text, String pointer, Duration min) {
        Duration duration;
        try {
            duration = Duration.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidInputException("invalid_duration", pointer,
                    pointer + " must be an ISO-8601 duration such as PT30M, PT1H or P14D, not '" + text + "'");
        }
        if (duration.isZero() && min.isZero()) {
            return duration;
        }
        if (duration.isNegative() || duration.compareTo(min.isZero() ? Duration.ofSeconds(1) : min) < 0 || duration.compareTo(MAX_DELAY) > 0) {
            throw new InvalidInputException("invalid_duration", pointer,
                    pointer + " must be between " + (min.isZero() ? "1 second" : min) + " and 365 days");
        }
        return duration;
    }

    public static Reentry reentry(String text, String pointer) {
        return switch (text) {
            case "always" -> new Reentry.Always();
            case "once" -> new Reentry.Once();
            case "replace" -> new Reentry.Replace();
            default -> {
                if (text.startsWith("once_per:")) {
                    yield new Reentry.OncePer(duration(text.substring("once_per:".length()), pointer, Duration.ofMinutes(1)));
                }
                throw new InvalidInputException("unknown_reentry", pointer,
                        pointer + " must be always, once, once_per:<ISO-8601 duration> (e.g. once_per:P7D) or replace");
            }
        };
    }

    /** {@code [{"event","match":[…]}]} at {@code pointer} (a trigger's cancelOn, a journey's exitOn). */
    public static List<CancelRule> cancelOn(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(at, at + " must be an array of {\"event\",\"match\":[…]}");
        }
        List<CancelRule> rules = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String pointer = at + "/" + i;
            ObjectNode rule = Fields.requireObject(node.get(i), pointer);
            Fields.rejectUnknown(rule, Set.of("event", "match"), pointer);
            String event = Fields.requireString(rule, "event", pointer);
            if (!Ids.isEventName(event)) {
                throw invalid(pointer + "/event", pointer + "/event must be an event name");
            }
            rules.add(new CancelRule(event, matchPaths(rule.get("match"), pointer + "/match")));
        }
        return rules;
    }

    /** Property paths such as {@code properties.cartId} whose values must equal the triggering event's; none when left out. */
    public static List<List<String>> matchPaths(JsonNode matchNode, String pointer) {
        List<List<String>> match = new ArrayList<>();
        if (matchNode != null && !matchNode.isNull()) {
            if (!matchNode.isArray()) {
                throw invalid(pointer, pointer + " must be an array of property paths such as properties.cartId");
            }
            for (int j = 0; j < matchNode.size(); j++) {
                JsonNode path = matchNode.get(j);
                List<String> segments = path.isTextual() ? Arrays.asList(path.textValue().split("\\.", -1)) : List.of();
                if (segments.size() < 2 || !segments.get(0).equals("properties")
                        || !segments.stream().allMatch(s -> SEGMENT.matcher(s).matches())) {
                    throw new InvalidInputException("invalid_path", pointer + "/" + j,
                            pointer + "/" + j + " must be a property path such as properties.cartId");
                }
                match.add(segments);
            }
        }
        return match;
    }

    /** {@code {"localTime":"10:00","timezone"?}} at {@code pointer}; the zone (for users without one) defaults to UTC. */
    public static Optional<SendAt> sendAt(JsonNode node, String pointer) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        ObjectNode sendAt = Fields.requireObject(node, pointer);
        Fields.rejectUnknown(sendAt, Set.of("localTime", "timezone"), pointer);
        String time = Fields.requireString(sendAt, "localTime", pointer);
        if (!LOCAL_TIME.matcher(time).matches()) {
            throw new InvalidInputException("invalid_time", pointer + "/localTime", pointer + "/localTime must be HH:mm (24 hours), e.g. 10:00");
        }
        String zone = Fields.optionalString(sendAt, "timezone", pointer).orElse("UTC");
        ZoneId zoneId;
        try {
            zoneId = ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            throw invalid(pointer + "/timezone", pointer + "/timezone must be an IANA time zone such as Europe/Berlin");
        }
        return Optional.of(new SendAt(LocalTime.parse(time), zoneId));
    }

    private static List<Condition> conditions(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid("/conditions", "/conditions must be an array");
        }
        if (node.size() > MAX_CONDITIONS) {
            throw invalid("/conditions", "/conditions may hold at most " + MAX_CONDITIONS + " conditions");
        }
        List<Condition> conditions = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            conditions.add(condition(node.get(i), "/conditions/" + i));
        }
        return conditions;
    }

    public static Condition condition(JsonNode node, String pointer) {
        return condition(node, pointer, TriggerParser::pathSegments);
    }

    /**
     * A condition whose path {@code paths} checks and splits (given the path and its pointer): a journey's step
     * conditions read more than an event and a user.
     */
    public static Condition condition(JsonNode node, String pointer, BiFunction<String, String, List<String>> paths) {
        ObjectNode object = Fields.requireObject(node, pointer);
        if (object.size() == 1 && object.has("segment")) {
            return segmentCondition(object, pointer);
        }
        Fields.rejectUnknown(object, CONDITION_FIELDS, pointer);
        String path = Fields.requireString(object, "path", pointer);
        List<String> segments = paths.apply(path, pointer + "/path");
        String opName = Fields.requireString(object, "op", pointer);
        Operator op = Operator.fromWire(opName).orElseThrow(() -> new InvalidInputException("unknown_operator",
                pointer + "/op", "unknown operator '" + opName + "' (known: " + Operator.allWire() + ")"));
        JsonNode value = object.get("value");
        if (op.takesValue()) {
            if (value == null) {
                throw missing(pointer + "/value");
            }
            if ((op == Operator.IN || op == Operator.NOT_IN) && !value.isArray()) {
                throw invalid(pointer + "/value", pointer + "/value must be an array for " + op.wire());
            }
            if ((op == Operator.STARTS_WITH) && !value.isTextual()) {
                throw invalid(pointer + "/value", pointer + "/value must be a string for starts_with");
            }
            if ((op == Operator.GT || op == Operator.GTE || op == Operator.LT || op == Operator.LTE)
                    && !value.isNumber() && !value.isTextual()) {
                throw invalid(pointer + "/value", pointer + "/value must be a number or a string for " + op.wire());
            }
        } else if (value != null) {
            throw invalid(pointer + "/value", op.wire() + " takes no value");
        }
        return new Condition(path, segments, op, value == null ? null : value.deepCopy());
    }

    /**
     * {@code {"segment":"active_pro"}}: the user is in the segment. Held as the condition {@code segment.<id> eq true}
     * on the context, where the evaluator puts each referenced segment's result; the segment's existence is checked
     * when the trigger is saved.
     */
    private static Condition segmentCondition(ObjectNode object, String pointer) {
        String id = Fields.requireString(object, "segment", pointer);
        if (!Ids.isAdminId(id)) {
            throw invalid(pointer + "/segment", pointer + "/segment must be a segment id");
        }
        return new Condition(SEGMENT_PATH, List.of(SEGMENT_PATH, id), Operator.EQ, com.fasterxml.jackson.databind.node.BooleanNode.TRUE);
    }

    /** The path of a segment-membership condition; its second segment is the segment id. */
    public static final String SEGMENT_PATH = "segment";

    /** A trigger's condition path (event.*, user.*), split at its dots; a 400 at {@code pointer} otherwise. */
    public static List<String> pathSegments(String path, String pointer) {
        List<String> segments = Arrays.asList(path.split("\\.", -1));
        boolean valid = segments.size() >= 2 && segments.stream().allMatch(s -> SEGMENT.matcher(s).matches())
                && switch (segments.get(0)) {
                    case "event" -> segments.size() == 2 ? EVENT_FIELDS.contains(segments.get(1)) : segments.get(1).equals("properties");
                    case "user" -> segments.size() == 2 ? USER_FIELDS.contains(segments.get(1))
                            : segments.get(1).equals("attributes") || segments.get(1).equals("consent") && segments.size() == 3;
                    default -> false;
                };
        if (!valid) {
            throw new InvalidInputException("invalid_path", pointer, "path '" + path + "' must be event.{id|name|userId|timestamp}, "
                    + "event.properties.<name>[.<name>…], user.{userId|email|phone|timezone|locale}, user.attributes.<name>[…] or user.consent.<channel>");
        }
        return segments;
    }

    /** Reads a stored (already validated) trigger; its template was checked when it was saved. */
    public static TriggerDefinition fromStored(String id, JsonNode document) {
        Optional<Channel> channel = Channel.fromWire(document.path("channel").asText());
        ObjectNode copy = ((ObjectNode) document).deepCopy();
        copy.remove("id");
        return parse(id, copy, template -> channel);
    }

    /** The stored, normalised form: what GET returns. */
    public static ObjectNode toJson(TriggerDefinition trigger) {
        ObjectNode doc = Json.object();
        doc.put("id", trigger.id());
        doc.put("event", trigger.event());
        ArrayNode conditions = doc.putArray("conditions");
        for (Condition c : trigger.conditions()) {
            ObjectNode condition = conditions.addObject();
            if (c.path().equals(SEGMENT_PATH)) {
                condition.put("segment", c.segments().get(1));
                continue;
            }
            condition.put("path", c.path());
            condition.put("op", c.op().wire());
            if (c.value() != null) {
                condition.set("value", c.value());
            }
        }
        doc.put("channel", trigger.channel().wire());
        doc.put("template", trigger.template());
        doc.put("priority", trigger.priority().wire());
        doc.put("enabled", trigger.enabled());
        if (!trigger.delay().isZero()) {
            doc.put("delay", trigger.delay().toString());
        }
        if (!trigger.cancelOn().isEmpty()) {
            ArrayNode cancelOn = doc.putArray("cancelOn");
            for (CancelRule rule : trigger.cancelOn()) {
                ObjectNode r = cancelOn.addObject();
                r.put("event", rule.event());
                ArrayNode match = r.putArray("match");
                rule.match().forEach(path -> match.add(String.join(".", path)));
            }
        }
        doc.put("reentry", Reentry.wire(trigger.reentry()));
        switch (trigger.quietHours()) {
            case QuietHoursSetting.Off off -> doc.put("quietHours", "off");
            case QuietHoursSetting.Window w -> doc.put("quietHours", w.hours().wire());
            case QuietHoursSetting.Default d -> { }
        }
        trigger.frequencyCap().ifPresent(c -> doc.put("frequencyCap", c));
        trigger.topic().ifPresent(t -> doc.put("topic", t));
        trigger.conversion().ifPresent(c -> {
            ObjectNode conversion = doc.putObject("conversion");
            conversion.put("event", c.event());
            conversion.put("within", c.within().toString());
        });
        trigger.sendAt().ifPresent(s -> {
            ObjectNode sendAt = doc.putObject("sendAt");
            sendAt.put("localTime", s.localTime().toString());
            sendAt.put("timezone", s.defaultZone().getId());
        });
        return doc;
    }
}
