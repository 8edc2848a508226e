package io.nudge.journey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.model.Times;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An instance as JSON: how it is stored (the item's {@code doc}) and what the API answers. */
public final class JourneyInstanceJson {
    private JourneyInstanceJson() {}

    public static ObjectNode toJson(JourneyInstance i) {
        ObjectNode o = Json.object();
        o.put("id", i.id());
        o.put("journeyId", i.journeyId());
        o.put("version", i.version());
        o.put("userId", i.userId());
        o.put("status", i.status().name().toLowerCase(java.util.Locale.ROOT));
        o.put("step", i.step());
        o.put("phase", i.phase().name());
        o.put("seq", i.seq());
        o.set("entry", i.entry());
        i.woke().ifPresent(w -> o.set("woke", w));
        i.dueAt().ifPresent(d -> o.put("dueAt", Times.format(d)));
        i.waitingFor().ifPresent(w -> o.put("waitingFor", w));
        ArrayNode steps = o.putArray("steps");
        for (JourneyInstance.PathEntry p : i.path()) {
            ObjectNode s = steps.addObject();
            s.put("step", p.step());
            s.put("enteredAt", Times.format(p.enteredAt()));
            p.leftAt().ifPresent(t -> s.put("leftAt", Times.format(t)));
            p.left().ifPresent(l -> s.put("left", l));
            p.detail().ifPresent(d -> s.put("detail", d));
        }
        ObjectNode sends = o.putObject("messages");
        i.sends().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sends.put(e.getKey(), e.getValue()));
        ObjectNode arms = o.putObject("arms");
        i.arms().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> arms.put(e.getKey(), e.getValue()));
        o.put("enteredAt", Times.format(i.enteredAt()));
        i.endedAt().ifPresent(t -> o.put("endedAt", Times.format(t)));
        i.endReason().ifPresent(r -> o.put("reason", r));
        return o;
    }

    /**
     * What the API and a user's export show of an instance: where it is and the path it took, without the engine's
     * bookkeeping ({@code seq}, {@code phase}) or the entry and wake events (their properties are the user's data).
     */
    public static ObjectNode view(JourneyInstance i) {
        ObjectNode o = toJson(i);
        o.remove(List.of("userId", "phase", "seq", "entry", "woke"));
        return o;
    }

    /**
     * The view with each send step's message as it stands now ({@code message}: id, status, reason) on the step it was
     * written at: a send that a guard suppressed or deferred is recorded there, while the instance went on.
     */
    public static ObjectNode view(JourneyInstance i, java.util.Map<String, io.nudge.model.Message> messagesById) {
        ObjectNode o = view(i);
        for (JsonNode step : o.path("steps")) {
            String messageId = i.sends().get(step.path("step").asText());
            io.nudge.model.Message m = messageId == null ? null : messagesById.get(messageId);
            if (m != null) {
                ObjectNode message = ((ObjectNode) step).putObject("message");
                message.put("id", m.id());
                message.put("status", m.status().name());
                m.reason().ifPresent(reason -> message.put("reason", reason));
            }
        }
        return o;
    }

    public static JourneyInstance fromJson(JsonNode o) {
        List<JourneyInstance.PathEntry> path = new ArrayList<>();
        for (JsonNode s : o.path("steps")) {
            path.add(new JourneyInstance.PathEntry(s.get("step").textValue(), Times.parse(s.get("enteredAt").textValue()),
                    text(s, "leftAt").map(Times::parse), text(s, "left"), text(s, "detail")));
        }
        return new JourneyInstance(o.get("id").textValue(), o.get("journeyId").textValue(), o.get("version").intValue(),
                o.get("userId").textValue(), JourneyInstance.Status.valueOf(o.get("status").textValue().toUpperCase(java.util.Locale.ROOT)),
                o.get("step").textValue(), JourneyInstance.Phase.valueOf(o.get("phase").textValue()), o.get("seq").longValue(),
                (ObjectNode) o.get("entry"), o.hasNonNull("woke") ? Optional.of((ObjectNode) o.get("woke")) : Optional.empty(),
                text(o, "dueAt").map(Times::parse), text(o, "waitingFor"), path, strings(o.path("messages")), strings(o.path("arms")),
                Times.parse(o.get("enteredAt").textValue()), text(o, "endedAt").map(Times::parse), text(o, "reason"));
    }

    private static Optional<String> text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v != null && v.isTextual() ? Optional.of(v.textValue()) : Optional.empty();
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.properties().forEach(e -> out.put(e.getKey(), e.getValue().textValue()));
        return out;
    }
}
