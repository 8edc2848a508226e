package io.nudge.campaigns;

import static io.nudge.validation.InvalidInputException.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.model.Priority;
import io.nudge.scheduling.ScheduleExpression;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Reads a campaign document, checking every field and naming the first bad one. */
public final class CampaignParser {
    private static final Set<String> FIELDS = Set.of("id", "segment", "channel", "variants", "holdout", "schedule", "sendAt",
            "priority", "goal", "enabled", "description", "topic");
    private static final Pattern VARIANT_ID = Pattern.compile("[A-Za-z0-9_-]{1,16}");
    private static final Pattern LOCAL_TIME = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");
    private static final int MAX_VARIANTS = 10;

    private CampaignParser() {}

    /**
     * @param templateChannel the channel of a template id, empty when there is none
     * @param segmentExists   whether a segment id is defined
     */
    public static CampaignDefinition parse(String id, JsonNode body, Function<String, Optional<Channel>> templateChannel,
            Predicate<String> segmentExists) {
        if (!Ids.isAdminId(id)) {
            throw invalid("id", "ids are 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        ObjectNode doc = Fields.requireObject(body, "");
        Fields.rejectUnknown(doc, FIELDS, "");
        String segment = Fields.requireString(doc, "segment", "");
        if (!Ids.isAdminId(segment)) {
            throw invalid("/segment", "/segment must be a segment id");
        }
        if (!segmentExists.test(segment)) {
            throw new InvalidInputException("unknown_segment", "/segment", "no segment with id " + segment);
        }
        Channel channel = Channel.fromWire(Fields.requireString(doc, "channel", ""))
                .orElseThrow(() -> invalid("/channel", "/channel must be one of email, sms, push, webhook"));
        List<CampaignDefinition.Variant> variants = variants(doc.get("variants"), channel, templateChannel);
        int holdout = 0;
        JsonNode h = doc.get("holdout");
        if (h != null && !h.isNull()) {
            if (!h.isIntegralNumber() || !h.canConvertToInt() || h.intValue() < 0 || h.intValue() > 50) {
                throw invalid("/holdout", "/holdout must be a whole percent from 0 to 50");
            }
            holdout = h.intValue();
        }
        Optional<CampaignDefinition.Schedule> schedule = schedule(doc.get("schedule"));
        Optional<LocalTime> sendAt = sendAt(doc.get("sendAt"));
        Priority priority = Fields.optionalString(doc, "priority", "")
                .map(p -> Priority.fromWire(p).orElseThrow(() -> invalid("/priority", "/priority must be marketing or transactional")))
                .orElse(Priority.MARKETING);
        Optional<CampaignDefinition.Goal> goal = goal(doc.get("goal"));
        boolean enabled = Fields.optionalBoolean(doc, "enabled", "").orElse(true);
        Optional<String> description = Fields.optionalString(doc, "description", "").filter(d -> !d.isBlank());
        Optional<String> topic = io.nudge.trigger.TriggerParser.topic(doc, "", channel);
        return new CampaignDefinition(id, segment, channel, variants, holdout, schedule, sendAt, priority, goal, enabled, description, topic);
    }

    /** Reads a stored (already validated) campaign. */
    public static CampaignDefinition fromStored(String id, JsonNode doc) {
        Optional<Channel> channel = Channel.fromWire(doc.path("channel").asText());
        return parse(id, doc, template -> channel, segment -> true);
    }

    private static List<CampaignDefinition.Variant> variants(JsonNode node, Channel channel,
            Function<String, Optional<Channel>> templateChannel) {
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > MAX_VARIANTS) {
            throw invalid("/variants", "/variants must be an array of 1-" + MAX_VARIANTS + " {\"id\",\"template\",\"weight\"}");
        }
        List<CampaignDefinition.Variant> variants = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String pointer = "/variants/" + i;
            ObjectNode v = Fields.requireObject(node.get(i), pointer);
            Fields.rejectUnknown(v, Set.of("id", "template", "weight"), pointer);
            String vid = Fields.requireString(v, "id", pointer);
            if (!VARIANT_ID.matcher(vid).matches() || vid.equals(CampaignDefinition.HOLDOUT)) {
                throw invalid(pointer + "/id", pointer + "/id must be 1-16 characters of A-Z, a-z, 0-9, _ and -, and not 'holdout'");
            }
            if (!ids.add(vid)) {
                throw invalid(pointer + "/id", "variant id " + vid + " is used twice");
            }
            String template = io.nudge.validation.TemplateReference.of(v, pointer, channel, templateChannel, "the campaign");
            JsonNode w = v.get("weight");
            if (w == null || !w.isIntegralNumber() || !w.canConvertToInt() || w.intValue() < 1 || w.intValue() > 1000) {
                throw invalid(pointer + "/weight", pointer + "/weight must be a whole number from 1 to 1000");
            }
            variants.add(new CampaignDefinition.Variant(vid, template, w.intValue()));
        }
        return variants;
    }

    private static Optional<CampaignDefinition.Schedule> schedule(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        ObjectNode s = Fields.requireObject(node, "/schedule");
        Fields.rejectUnknown(s, Set.of("expression", "timezone"), "/schedule");
        String expression = Fields.requireString(s, "expression", "/schedule");
        ScheduleExpression.parse(expression);
        return Optional.of(new CampaignDefinition.Schedule(expression,
                zone(Fields.optionalString(s, "timezone", "/schedule").orElse("UTC"), "/schedule/timezone")));
    }

    private static Optional<LocalTime> sendAt(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        ObjectNode s = Fields.requireObject(node, "/sendAt");
        Fields.rejectUnknown(s, Set.of("localTime"), "/sendAt");
        String time = Fields.requireString(s, "localTime", "/sendAt");
        if (!LOCAL_TIME.matcher(time).matches()) {
            throw new InvalidInputException("invalid_time", "/sendAt/localTime", "/sendAt/localTime must be HH:mm (24 hours), e.g. 10:00");
        }
        return Optional.of(LocalTime.parse(time));
    }

    private static Optional<CampaignDefinition.Goal> goal(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        ObjectNode g = Fields.requireObject(node, "/goal");
        Fields.rejectUnknown(g, Set.of("event", "within"), "/goal");
        String event = Fields.requireString(g, "event", "/goal");
        if (!Ids.isEventName(event)) {
            throw invalid("/goal/event", "/goal/event must be an event name");
        }
        String within = Fields.optionalString(g, "within", "/goal").orElse("P7D");
        Duration window;
        try {
            window = Duration.parse(within);
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidInputException("invalid_duration", "/goal/within", "/goal/within must be an ISO-8601 duration such as P7D");
        }
        if (window.isNegative() || window.isZero() || window.compareTo(Duration.ofDays(90)) > 0) {
            throw new InvalidInputException("invalid_duration", "/goal/within", "/goal/within must be more than zero and at most P90D");
        }
        return Optional.of(new CampaignDefinition.Goal(event, window));
    }

    private static ZoneId zone(String zone, String pointer) {
        try {
            return ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            throw invalid(pointer, pointer + " must be an IANA time zone such as Europe/Berlin");
        }
    }

    /** The stored, normalised form: what GET returns. */
    public static ObjectNode toJson(CampaignDefinition c) {
        ObjectNode doc = Json.object();
        doc.put("id", c.id());
        doc.put("segment", c.segment());
        doc.put("channel", c.channel().wire());
        ArrayNode variants = doc.putArray("variants");
        for (CampaignDefinition.Variant v : c.variants()) {
            variants.addObject().put("id", v.id()).put("template", v.template()).put("weight", v.weight());
        }
        doc.put("holdout", c.holdoutPercent());
        c.schedule().ifPresent(s -> doc.putObject("schedule").put("expression", s.expression()).put("timezone", s.timezone().getId()));
        c.sendAtLocalTime().ifPresent(t -> doc.putObject("sendAt").put("localTime", t.toString()));
        doc.put("priority", c.priority().wire());
        c.goal().ifPresent(g -> doc.putObject("goal").put("event", g.event()).put("within", g.window().toString()));
        doc.put("enabled", c.enabled());
        c.description().ifPresent(d -> doc.put("description", d));
        c.topic().ifPresent(t -> doc.put("topic", t));
        return doc;
    }
}
