package io.nudge.journey;

import static io.nudge.validation.InvalidInputException.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.model.Priority;
import io.nudge.trigger.CancelRule;
import io.nudge.trigger.Condition;
import io.nudge.trigger.QuietHoursSetting;
import io.nudge.trigger.Reentry;
import io.nudge.trigger.SendAt;
import io.nudge.trigger.TriggerParser;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a journey document, checking every field and naming the first bad one as a JSON pointer, then the graph:
 * every step named exists, no cycle, every step reachable from {@code start}, at most {@value #MAX_STEPS} steps, at
 * most 365 days of waiting on any path, and each {@code steps.<id>} condition reads a send step passed on every path.
 *
 * <p>Step conditions read {@code user.*} and {@code entry.*} (the entry event, as {@code event.*} in a trigger)
 * anywhere, {@code event.*} (the event that woke a wait_for) only in a branch some wait_for step leads to, and
 * {@code steps.<id>.{sent,delivered,opened,clicked,bounced,status}}. The entry's conditions are a trigger's.
 */
public final class JourneyParser {
    public static final int MAX_STEPS = 50;
    public static final Duration MAX_WAITING = Duration.ofDays(365);
    static final int MAX_NAME = 200;
    private static final int MAX_CONDITIONS = 50;
    private static final int MAX_BRANCHES = 20;
    private static final int MAX_ARMS = 20;
    private static final int MAX_ATTRIBUTES = 50;
    private static final Duration MIN_DURATION = Duration.ofSeconds(1);
    private static final Pattern NAME_SEGMENT = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<String> FIELDS = Set.of("name", "enabled", "entry", "reentry", "exitOn", "conversion", "start", "steps");
    /** What a condition can ask of an earlier send step. */
    public static final Set<String> STEP_FIELDS = Set.of("sent", "delivered", "opened", "clicked", "bounced", "status");
    private static final Map<String, Set<String>> STEP_TYPE_FIELDS = Map.of(
            "send", Set.of("type", "channel", "template", "priority", "quietHours", "frequencyCap", "topic", "next"),
            "delay", Set.of("type", "duration", "sendAt", "next"),
            "wait_for", Set.of("type", "event", "match", "timeout", "next", "timeoutNext"),
            "branch", Set.of("type", "branches", "default"),
            "split", Set.of("type", "arms"),
            "update_user", Set.of("type", "attributes", "next"),
            "exit", Set.of("type"));

    private JourneyParser() {}

    /**
     * @param templateChannel the channel of a stored template, or empty when there is no such template
     * @return the journey at version 0 (the service numbers versions)
     */
    public static JourneyDefinition parse(String id, JsonNode body, Function<String, Optional<Channel>> templateChannel) {
        if (!Ids.isAdminId(id)) {
            throw invalid("id", "journey ids are 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        ObjectNode doc = Fields.requireObject(body, "");
        Fields.rejectUnknown(doc, FIELDS, "");
        String name = Fields.requireString(doc, "name", "");
        if (name.isBlank() || name.length() > MAX_NAME) {
            throw invalid("/name", "/name must be 1-" + MAX_NAME + " characters");
        }
        boolean enabled = Fields.optionalBoolean(doc, "enabled", "").orElse(true);
        JourneyDefinition.Entry entry = entry(doc.get("entry"));
        Reentry reentry = Fields.optionalString(doc, "reentry", "").map(r -> TriggerParser.reentry(r, "/reentry"))
                .orElse(new Reentry.Always());
        List<CancelRule> exitOn = TriggerParser.cancelOn(doc.get("exitOn"), "/exitOn");
        Optional<JourneyDefinition.JourneyConversion> conversion = conversion(doc.get("conversion"));
        String start = Fields.requireString(doc, "start", "");
        ObjectNode stepsNode = Fields.requireObject(doc.get("steps"), "/steps");
        if (stepsNode.isEmpty()) {
            throw invalid("/steps", "/steps must hold at least one step");
        }
        if (stepsNode.size() > MAX_STEPS) {
            throw new InvalidInputException("too_many_steps", "/steps",
                    "a journey has at most " + MAX_STEPS + " steps, this one " + stepsNode.size());
        }
        Map<String, JourneyStep> steps = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : stepsNode.properties()) {
            String stepId = field.getKey();
            String pointer = "/steps/" + escape(stepId);
            if (!Ids.isAdminId(stepId)) {
                throw invalid(pointer, "step ids are 1-64 characters of A-Z, a-z, 0-9, _ and -");
            }
            steps.put(stepId, step(field.getValue(), pointer, templateChannel));
        }
        JourneyGraphCheck.check(start, steps);
        return new JourneyDefinition(id, 0, name, enabled, entry, reentry, exitOn, conversion, start, steps);
    }

    /** Reads a stored (already validated) journey at {@code version}; its templates were checked when it was saved. */
    public static JourneyDefinition fromStored(String id, int version, JsonNode document) {
        ObjectNode copy = ((ObjectNode) document).deepCopy();
        copy.remove("id");
        copy.remove("version");
        Map<String, Channel> channels = new java.util.HashMap<>();
        copy.path("steps").forEach(step -> Channel.fromWire(step.path("channel").asText())
                .ifPresent(c -> channels.put(step.path("template").asText(), c)));
        JourneyDefinition parsed = parse(id, copy, template -> Optional.ofNullable(channels.get(template)));
        return withVersion(parsed, version);
    }

    public static JourneyDefinition withVersion(JourneyDefinition j, int version) {
        return new JourneyDefinition(j.id(), version, j.name(), j.enabled(), j.entry(), j.reentry(), j.exitOn(), j.conversion(),
                j.start(), j.steps());
    }

    private static JourneyDefinition.Entry entry(JsonNode node) {
        ObjectNode entry = Fields.requireObject(node, "/entry");
        Fields.rejectUnknown(entry, Set.of("event", "conditions"), "/entry");
        String event = Fields.requireString(entry, "event", "/entry");
        if (!Ids.isEventName(event)) {
            throw invalid("/entry/event", "/entry/event must be an event name of 1-128 characters of A-Z, a-z, 0-9, _ . : -");
        }
        return new JourneyDefinition.Entry(event, conditions(entry.get("conditions"), "/entry/conditions", TriggerParser::pathSegments));
    }

    private static Optional<JourneyDefinition.JourneyConversion> conversion(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        ObjectNode conversion = Fields.requireObject(node, "/conversion");
        Fields.rejectUnknown(conversion, Set.of("event", "within", "exit"), "/conversion");
        String event = Fields.requireString(conversion, "event", "/conversion");
        if (!Ids.isEventName(event)) {
            throw invalid("/conversion/event", "/conversion/event must be an event name of 1-128 characters of A-Z, a-z, 0-9, _ . : -");
        }
        Duration within = TriggerParser.duration(Fields.requireString(conversion, "within", "/conversion"), "/conversion/within",
                Duration.ofMinutes(1));
        boolean exit = Fields.optionalBoolean(conversion, "exit", "/conversion").orElse(false);
        return Optional.of(new JourneyDefinition.JourneyConversion(event, within, exit));
    }

    private static JourneyStep step(JsonNode node, String pointer, Function<String, Optional<Channel>> templateChannel) {
        ObjectNode step = Fields.requireObject(node, pointer);
        String type = Fields.requireString(step, "type", pointer);
        Set<String> fields = STEP_TYPE_FIELDS.get(type);
        if (fields == null) {
            throw new InvalidInputException("unknown_step_type", pointer + "/type",
                    pointer + "/type must be one of " + String.join(", ", new java.util.TreeSet<>(STEP_TYPE_FIELDS.keySet())));
        }
        Fields.rejectUnknown(step, fields, pointer);
        return switch (type) {
            case "send" -> send(step, pointer, templateChannel);
            case "delay" -> new JourneyStep.Delay(duration(step, "duration", pointer),
                    TriggerParser.sendAt(step.get("sendAt"), pointer + "/sendAt"), next(step, "next", pointer));
            case "wait_for" -> {
                String event = Fields.requireString(step, "event", pointer);
                if (!Ids.isEventName(event)) {
                    throw invalid(pointer + "/event", pointer + "/event must be an event name");
                }
                yield new JourneyStep.WaitFor(event, TriggerParser.matchPaths(step.get("match"), pointer + "/match"),
                        duration(step, "timeout", pointer), next(step, "next", pointer), next(step, "timeoutNext", pointer));
            }
            case "branch" -> branch(step, pointer);
            case "split" -> split(step, pointer);
            case "update_user" -> updateUser(step, pointer);
            default -> new JourneyStep.Exit();
        };
    }

    private static JourneyStep.Send send(ObjectNode step, String pointer, Function<String, Optional<Channel>> templateChannel) {
        Channel channel = Channel.fromWire(Fields.requireString(step, "channel", pointer))
                .orElseThrow(() -> invalid(pointer + "/channel", pointer + "/channel must be one of email, sms, push, webhook"));
        String template = io.nudge.validation.TemplateReference.of(step, pointer, channel, templateChannel, "the step");
        Priority priority = Fields.optionalString(step, "priority", pointer)
                .map(p -> Priority.fromWire(p).orElseThrow(() -> invalid(pointer + "/priority",
                        pointer + "/priority must be marketing or transactional")))
                .orElse(Priority.MARKETING);
        QuietHoursSetting quietHours = Fields.optionalString(step, "quietHours", pointer)
                .map(q -> TriggerParser.quietHours(q, pointer + "/quietHours")).orElse(new QuietHoursSetting.Default());
        return new JourneyStep.Send(channel, template, priority, quietHours,
                TriggerParser.frequencyCap(step.get("frequencyCap"), pointer + "/frequencyCap", "this step"),
                TriggerParser.topic(step, pointer, channel), next(step, "next", pointer));
    }

    private static JourneyStep.Branch branch(ObjectNode step, String pointer) {
        JsonNode node = step.get("branches");
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > MAX_BRANCHES) {
            throw invalid(pointer + "/branches", pointer + "/branches must be an array of 1-" + MAX_BRANCHES
                    + " {\"conditions\":[…],\"next\"}");
        }
        List<JourneyStep.Branch.Path> branches = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String at = pointer + "/branches/" + i;
            ObjectNode branch = Fields.requireObject(node.get(i), at);
            Fields.rejectUnknown(branch, Set.of("conditions", "next"), at);
            branches.add(new JourneyStep.Branch.Path(conditions(branch.get("conditions"), at + "/conditions", JourneyParser::stepPath),
                    next(branch, "next", at)));
        }
        return new JourneyStep.Branch(branches, next(step, "default", pointer));
    }

    private static JourneyStep.Split split(ObjectNode step, String pointer) {
        JsonNode node = step.get("arms");
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > MAX_ARMS) {
            throw invalid(pointer + "/arms", pointer + "/arms must be an array of 1-" + MAX_ARMS + " {\"id\",\"weight\",\"next\"}");
        }
        List<JourneyStep.Split.Arm> arms = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String at = pointer + "/arms/" + i;
            ObjectNode arm = Fields.requireObject(node.get(i), at);
            Fields.rejectUnknown(arm, Set.of("id", "weight", "next"), at);
            String armId = Fields.requireString(arm, "id", at);
            if (!Ids.isAdminId(armId)) {
                throw invalid(at + "/id", at + "/id must be 1-64 characters of A-Z, a-z, 0-9, _ and -");
            }
            if (!ids.add(armId)) {
                throw new InvalidInputException("duplicate_arm", at + "/id", "arm id " + armId + " is used twice in " + pointer);
            }
            JsonNode weight = arm.get("weight");
            if (weight == null || !weight.isIntegralNumber() || !weight.canConvertToInt() || weight.intValue() < 1 || weight.intValue() > 1000) {
                throw new InvalidInputException("invalid_weight", at + "/weight", at + "/weight must be a whole number from 1 to 1000");
            }
            arms.add(new JourneyStep.Split.Arm(armId, weight.intValue(), next(arm, "next", at)));
        }
        return new JourneyStep.Split(arms);
    }

    private static JourneyStep.UpdateUser updateUser(ObjectNode step, String pointer) {
        ObjectNode attributes = Fields.requireObject(step.get("attributes"), pointer + "/attributes");
        if (attributes.isEmpty() || attributes.size() > MAX_ATTRIBUTES) {
            throw invalid(pointer + "/attributes", pointer + "/attributes must set or clear 1-" + MAX_ATTRIBUTES + " attributes");
        }
        Map<String, JsonNode> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> attribute : attributes.properties()) {
            String at = pointer + "/attributes/" + escape(attribute.getKey());
            if (!NAME_SEGMENT.matcher(attribute.getKey()).matches()) {
                throw invalid(at, "attribute names are 1-64 characters of A-Z, a-z, 0-9, _ and - (so a condition can read them)");
            }
            Fields.requireStorable(attribute.getValue(), at);
            values.put(attribute.getKey(), attribute.getValue().deepCopy());
        }
        return new JourneyStep.UpdateUser(values, next(step, "next", pointer));
    }

    private static Duration duration(ObjectNode step, String field, String pointer) {
        return TriggerParser.duration(Fields.requireString(step, field, pointer), pointer + "/" + field, MIN_DURATION);
    }

    private static Optional<String> next(ObjectNode node, String field, String pointer) {
        Optional<String> next = Fields.optionalString(node, field, pointer);
        next.ifPresent(n -> {
            if (!Ids.isAdminId(n)) {
                throw invalid(pointer + "/" + field, pointer + "/" + field + " must be a step id");
            }
        });
        return next;
    }

    private static List<Condition> conditions(JsonNode node, String pointer,
            java.util.function.BiFunction<String, String, List<String>> paths) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw invalid(pointer, pointer + " must be an array");
        }
        if (node.size() > MAX_CONDITIONS) {
            throw invalid(pointer, pointer + " may hold at most " + MAX_CONDITIONS + " conditions");
        }
        List<Condition> conditions = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            Condition condition = TriggerParser.condition(node.get(i), pointer + "/" + i, paths);
            if (condition.path().equals(TriggerParser.SEGMENT_PATH)) {
                throw new InvalidInputException("unsupported_condition", pointer + "/" + i + "/segment",
                        "segment conditions are not supported in journeys; use user.* conditions");
            }
            conditions.add(condition);
        }
        return conditions;
    }

    /** A step condition's path: user.*, event.* (the waking event), entry.* (the entry event) or steps.<id>.<field>. */
    static List<String> stepPath(String path, String pointer) {
        List<String> segments = List.of(path.split("\\.", -1));
        switch (segments.get(0)) {
            case "steps" -> {
                if (segments.size() == 3 && Ids.isAdminId(segments.get(1)) && STEP_FIELDS.contains(segments.get(2))) {
                    return segments;
                }
                throw new InvalidInputException("invalid_path", pointer, "path '" + path + "' must be steps.<stepId>.{"
                        + String.join("|", new java.util.TreeSet<>(STEP_FIELDS)) + "}");
            }
            case "entry" -> {
                List<String> asEvent = new ArrayList<>(segments);
                asEvent.set(0, "event");
                try {
                    TriggerParser.pathSegments(String.join(".", asEvent), pointer);
                } catch (InvalidInputException e) {
                    throw new InvalidInputException("invalid_path", pointer, "path '" + path
                            + "' must be entry.{id|name|userId|timestamp} or entry.properties.<name>[.<name>…]");
                }
                return segments;
            }
            default -> {
                try {
                    return TriggerParser.pathSegments(path, pointer);
                } catch (InvalidInputException e) {
                    throw new InvalidInputException("invalid_path", pointer, e.getMessage()
                            + ", entry.<as event> (the entry event) or steps.<stepId>.<sent|delivered|opened|clicked|bounced|status>");
                }
            }
        }
    }

    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** The stored, normalised document (defaults filled in, no id or version): what GET answers besides those two. */
    public static ObjectNode toJson(JourneyDefinition journey) {
        ObjectNode doc = Json.object();
        doc.put("name", journey.name());
        doc.put("enabled", journey.enabled());
        ObjectNode entry = doc.putObject("entry");
        entry.put("event", journey.entry().event());
        conditionsJson(entry.putArray("conditions"), journey.entry().conditions());
        doc.put("reentry", Reentry.wire(journey.reentry()));
        ArrayNode exitOn = doc.putArray("exitOn");
        for (CancelRule rule : journey.exitOn()) {
            ObjectNode r = exitOn.addObject();
            r.put("event", rule.event());
            matchJson(r.putArray("match"), rule.match());
        }
        journey.conversion().ifPresent(c -> {
            ObjectNode conversion = doc.putObject("conversion");
            conversion.put("event", c.event());
            conversion.put("within", c.within().toString());
            conversion.put("exit", c.exit());
        });
        doc.put("start", journey.start());
        ObjectNode steps = doc.putObject("steps");
        journey.steps().forEach((id, step) -> steps.set(id, stepJson(step)));
        return doc;
    }

    private static ObjectNode stepJson(JourneyStep step) {
        ObjectNode json = Json.object();
        switch (step) {
            case JourneyStep.Send s -> {
                json.put("type", "send");
                json.put("channel", s.channel().wire());
                json.put("template", s.template());
                json.put("priority", s.priority().wire());
                switch (s.quietHours()) {
                    case QuietHoursSetting.Off off -> json.put("quietHours", "off");
                    case QuietHoursSetting.Window w -> json.put("quietHours", w.hours().wire());
                    case QuietHoursSetting.Default d -> { }
                }
                s.frequencyCap().ifPresent(c -> json.put("frequencyCap", c));
                s.topic().ifPresent(t -> json.put("topic", t));
                s.next().ifPresent(n -> json.put("next", n));
            }
            case JourneyStep.Delay d -> {
                json.put("type", "delay");
                json.put("duration", d.duration().toString());
                d.sendAt().ifPresent(at -> sendAtJson(json.putObject("sendAt"), at));
                d.next().ifPresent(n -> json.put("next", n));
            }
            case JourneyStep.WaitFor w -> {
                json.put("type", "wait_for");
                json.put("event", w.event());
                matchJson(json.putArray("match"), w.match());
                json.put("timeout", w.timeout().toString());
                w.next().ifPresent(n -> json.put("next", n));
                w.timeoutNext().ifPresent(n -> json.put("timeoutNext", n));
            }
            case JourneyStep.Branch b -> {
                json.put("type", "branch");
                ArrayNode branches = json.putArray("branches");
                for (JourneyStep.Branch.Path path : b.branches()) {
                    ObjectNode p = branches.addObject();
                    conditionsJson(p.putArray("conditions"), path.conditions());
                    path.next().ifPresent(n -> p.put("next", n));
                }
                b.defaultNext().ifPresent(n -> json.put("default", n));
            }
            case JourneyStep.Split s -> {
                json.put("type", "split");
                ArrayNode arms = json.putArray("arms");
                for (JourneyStep.Split.Arm arm : s.arms()) {
                    ObjectNode a = arms.addObject();
                    a.put("id", arm.id());
                    a.put("weight", arm.weight());
                    arm.next().ifPresent(n -> a.put("next", n));
                }
            }
            case JourneyStep.UpdateUser u -> {
                json.put("type", "update_user");
                ObjectNode attributes = json.putObject("attributes");
                new TreeMap<>(u.attributes()).forEach(attributes::set);
                u.next().ifPresent(n -> json.put("next", n));
            }
            case JourneyStep.Exit e -> json.put("type", "exit");
        }
        return json;
    }

    private static void sendAtJson(ObjectNode json, SendAt sendAt) {
        json.put("localTime", sendAt.localTime().toString());
        json.put("timezone", sendAt.defaultZone().getId());
    }

    private static void matchJson(ArrayNode json, List<List<String>> match) {
        match.forEach(path -> json.add(String.join(".", path)));
    }

    private static void conditionsJson(ArrayNode json, List<Condition> conditions) {
        for (Condition c : conditions) {
            ObjectNode condition = json.addObject();
            condition.put("path", c.path());
            condition.put("op", c.op().wire());
            if (c.value() != null) {
                condition.set("value", c.value());
            }
        }
    }
}
