package io.nudge.segments;

import static io.nudge.validation.InvalidInputException.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.model.Channel;
import io.nudge.model.ConsentStatus;
import io.nudge.trigger.Condition;
import io.nudge.trigger.Operator;
import io.nudge.trigger.TriggerParser;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a segment document, naming the first bad field: {@code {"all":[…]}} or {@code {"any":[…]}} (nestable) of
 * user conditions ({@code {"path":"user.…","op":…,"value":…}}), event counts
 * ({@code {"event":"purchase_completed","count":{"gte":2},"within":"P90D"}}), last seen
 * ({@code {"lastSeen":{"before":"P30D"}}} or {@code "after"}) and consent ({@code {"consent":{"channel":"email","status":"opted_in"}}}).
 */
public final class SegmentParser {
    /** Activity counters keep this many days; a window may not reach further back. */
    public static final Duration MAX_WINDOW = Duration.ofDays(180);
    private static final int MAX_DEPTH = 4;
    private static final int MAX_RULES = 50;
    private static final Map<String, Operator> COUNT_OPS = Map.of("gte", Operator.GTE, "gt", Operator.GT, "lte", Operator.LTE,
            "lt", Operator.LT, "eq", Operator.EQ);

    private SegmentParser() {}

    public static Segment parse(String id, JsonNode doc) {
        if (!Ids.isAdminId(id)) {
            throw invalid("id", "ids are 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        ObjectNode root = Fields.requireObject(doc, "");
        ObjectNode copy = root.deepCopy();
        copy.remove("id");
        copy.remove("description");
        if (copy.size() != 1 || !(copy.has("all") || copy.has("any"))) {
            throw invalid("/", "a segment is {\"all\":[…]} or {\"any\":[…]} (plus an optional description)");
        }
        int[] count = {0};
        return new Segment(id, rule(copy, "", 0, count));
    }

    /** The stored form: the validated document as given, with its id. */
    public static ObjectNode toJson(String id, JsonNode doc) {
        ObjectNode stored = ((ObjectNode) doc).deepCopy();
        stored.put("id", id);
        return stored;
    }

    private static SegmentRule rule(JsonNode node, String pointer, int depth, int[] count) {
        ObjectNode object = Fields.requireObject(node, pointer);
        if (++count[0] > MAX_RULES) {
            throw invalid(pointer, "a segment may hold at most " + MAX_RULES + " rules");
        }
        if (object.has("all") || object.has("any")) {
            String kind = object.has("all") ? "all" : "any";
            Fields.rejectUnknown(object, Set.of(kind), pointer);
            if (depth >= MAX_DEPTH) {
                throw invalid(pointer + "/" + kind, "groups nest at most " + MAX_DEPTH + " deep");
            }
            JsonNode array = object.get(kind);
            if (!array.isArray() || array.isEmpty()) {
                throw invalid(pointer + "/" + kind, pointer + "/" + kind + " must be a non-empty array of rules");
            }
            List<SegmentRule> rules = new ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
                rules.add(rule(array.get(i), pointer + "/" + kind + "/" + i, depth + 1, count));
            }
            return kind.equals("all") ? new SegmentRule.All(rules) : new SegmentRule.Any(rules);
        }
        if (object.has("event")) {
            return eventCount(object, pointer);
        }
        if (object.has("lastSeen")) {
            return lastSeen(object, pointer);
        }
        if (object.has("consent")) {
            return consent(object, pointer);
        }
        if (object.has("path")) {
            Condition condition = TriggerParser.condition(object, pointer);
            if (!condition.path().startsWith("user.")) {
                throw new InvalidInputException("invalid_path", pointer + "/path", "segment conditions test user.* paths");
            }
            return new SegmentRule.UserCondition(condition);
        }
        throw invalid(pointer, "a rule is a group (all/any), a user condition (path, op, value), an event count (event, count, within), "
                + "lastSeen or consent");
    }

    private static SegmentRule eventCount(ObjectNode object, String pointer) {
        Fields.rejectUnknown(object, Set.of("event", "count", "within"), pointer);
        String event = Fields.requireString(object, "event", pointer);
        if (!Ids.isEventName(event) || event.contains("|")) {
            throw invalid(pointer + "/event", pointer + "/event must be an event name");
        }
        ObjectNode count = Fields.requireObject(object.get("count"), pointer + "/count");
        if (count.size() != 1) {
            throw invalid(pointer + "/count", pointer + "/count must hold exactly one of gte, gt, lte, lt, eq");
        }
        String opName = count.fieldNames().next();
        Operator op = COUNT_OPS.get(opName);
        if (op == null) {
            throw new InvalidInputException("unknown_operator", pointer + "/count/" + opName,
                    "count operators are gte, gt, lte, lt, eq, not '" + opName + "'");
        }
        JsonNode value = count.get(opName);
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw invalid(pointer + "/count/" + opName, pointer + "/count/" + opName + " must be a whole number ≥ 0");
        }
        Duration within = window(Fields.requireString(object, "within", pointer), pointer + "/within");
        return new SegmentRule.EventCount(event, op, value.longValue(), within);
    }

    private static SegmentRule lastSeen(ObjectNode object, String pointer) {
        Fields.rejectUnknown(object, Set.of("lastSeen"), pointer);
        ObjectNode lastSeen = Fields.requireObject(object.get("lastSeen"), pointer + "/lastSeen");
        if (lastSeen.size() != 1 || !(lastSeen.has("before") || lastSeen.has("after"))) {
            throw invalid(pointer + "/lastSeen", pointer + "/lastSeen must be {\"before\":\"P30D\"} or {\"after\":\"P7D\"}");
        }
        boolean before = lastSeen.has("before");
        String key = before ? "before" : "after";
        return new SegmentRule.LastSeen(before, window(Fields.requireString(lastSeen, key, pointer + "/lastSeen"), pointer + "/lastSeen/" + key));
    }

    private static SegmentRule consent(ObjectNode object, String pointer) {
        Fields.rejectUnknown(object, Set.of("consent"), pointer);
        ObjectNode consent = Fields.requireObject(object.get("consent"), pointer + "/consent");
        Fields.rejectUnknown(consent, Set.of("channel", "status"), pointer + "/consent");
        Channel channel = Channel.fromWire(Fields.requireString(consent, "channel", pointer + "/consent")).filter(Channel::reachesAPerson)
                .orElseThrow(() -> invalid(pointer + "/consent/channel", pointer + "/consent/channel must be one of email, sms, push"));
        ConsentStatus status = ConsentStatus.fromWire(Fields.requireString(consent, "status", pointer + "/consent"))
                .orElseThrow(() -> invalid(pointer + "/consent/status", pointer + "/consent/status must be opted_in or opted_out"));
        return new SegmentRule.ConsentIs(channel, status);
    }

    private static Duration window(String text, String pointer) {
        Duration duration;
        try {
            duration = Duration.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidInputException("invalid_duration", pointer, pointer + " must be an ISO-8601 duration such as P7D or P90D");
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_WINDOW) > 0) {
            throw new InvalidInputException("invalid_duration", pointer, pointer + " must be more than zero and at most P180D");
        }
        return duration;
    }
}
