package io.nudge.api;

import static io.nudge.api.RouteSupport.adminId;
import static io.nudge.api.RouteSupport.clientId;
import static io.nudge.api.RouteSupport.notFound;
import static io.nudge.api.RouteSupport.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.definitions.DefinitionService;
import io.nudge.deliver.GuardCheck;
import io.nudge.evaluate.Evaluation;
import io.nudge.evaluate.TriggerDryRun;
import io.nudge.ingest.EventIngest;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.model.Event;
import io.nudge.model.Message;
import io.nudge.model.Times;
import io.nudge.model.UserProfile;
import io.nudge.store.DefinitionStore;
import io.nudge.store.UserStore;
import io.nudge.trigger.TriggerDefinition;
import io.nudge.trigger.TriggerParser;
import io.nudge.validation.Fields;
import io.nudge.validation.InvalidInputException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /v1/triggers/{id}/test}: the stored trigger, or a draft in the body, asked about one event of one stored
 * user — each condition with its value, the message evaluate would write (rendered now), and each guard's verdict.
 * Writes nothing ({@link TriggerDryRun}). Admin keys only.
 */
public final class TriggerTestRoutes {
    /** The test event's id: never a real event's, so no re-entry window or message of a real one is taken for it. */
    static final String EVENT_ID = "trigger-test";
    private static final Set<String> FIELDS = Set.of("userId", "event", "trigger");
    private static final Set<String> EVENT_FIELDS = Set.of("name", "properties", "timestamp");

    private TriggerTestRoutes() {}

    public static NudgeApi install(NudgeApi api, DefinitionService definitions, UserStore users, TriggerDryRun dryRun, Clock clock) {
        return api.addRoutes(TriggerTestRoutes.class, List.of(
                Route.of("POST", "/v1/triggers/{id}/test", Scope.ADMIN, (r, p) -> {
                    String id = adminId(p.get("id"));
                    ObjectNode body = object(r, FIELDS);
                    String userId = clientId(Fields.requireString(body, "userId", ""), "/userId");
                    JsonNode draft = body.get("trigger");
                    Optional<TriggerDefinition> trigger = draft == null || draft.isNull()
                            ? definitions.get(DefinitionStore.TRIGGER, id).map(doc -> TriggerParser.fromStored(id, doc))
                            : Optional.of(draft(definitions, id, draft));
                    if (trigger.isEmpty()) {
                        return notFound("no trigger " + id + " (send a draft in trigger to test one not saved)");
                    }
                    Event event = event(body.get("event"), userId, trigger.get(), clock);
                    Optional<UserProfile> user = users.find(userId);
                    if (user.isEmpty()) {
                        return ApiResponse.error(404, "not_found", "no user " + userId, "/userId");
                    }
                    return ApiResponse.json(200, toJson(dryRun.run(trigger.get(), event, user.get())));
                })));
    }

    /** Validated as PUT /v1/triggers/{id} validates it; a field it names is under /trigger. */
    private static TriggerDefinition draft(DefinitionService definitions, String id, JsonNode draft) {
        try {
            return definitions.validateTrigger(id, draft);
        } catch (InvalidInputException e) {
            String field = e.field() == null || !e.field().startsWith("/") ? "/trigger"
                    : "/trigger" + (e.field().equals("/") ? "" : e.field());
            String message = e.getMessage() == null ? "the draft trigger is invalid"
                    : e.field() != null && e.field().startsWith("/") && !e.field().equals("/")
                    ? e.getMessage().replace(e.field(), field) : e.getMessage();
            throw new InvalidInputException(e.code(), field, message);
        }
    }

    /** The event as ingest would accept it, named as the trigger's event unless the body says otherwise. */
    private static Event event(JsonNode node, String userId, TriggerDefinition trigger, Clock clock) {
        ObjectNode event = node == null || node.isNull() ? Json.object() : Fields.requireObject(node, "/event").deepCopy();
        Fields.rejectUnknown(event, EVENT_FIELDS, "/event");
        if (!event.has("name") || event.get("name").isNull()) {
            event.put("name", trigger.event());
        }
        event.put("id", EVENT_ID);
        event.put("userId", userId);
        return EventIngest.parse(event, "/event", clock.instant());
    }

    static ObjectNode toJson(TriggerDryRun.Result result) {
        ObjectNode json = Json.object();
        json.put("matched", result.matched());
        switch (result.outcome()) {
            case TriggerDryRun.WouldWrite w -> { }
            case TriggerDryRun.OtherEvent o -> json.put("reason", "other_event").put("detail", "the trigger fires on " + o.fires());
            case TriggerDryRun.Disabled d -> json.put("reason", "disabled");
            case TriggerDryRun.ConditionsFail f -> json.put("reason", "conditions");
            case TriggerDryRun.ReentryBlocked b -> json.put("reason", "reentry")
                    .put("detail", "re-entry rule " + b.rule() + ": the user already had this message");
        }
        ArrayNode conditions = json.putArray("conditions");
        for (TriggerDryRun.ConditionResult c : result.conditions()) {
            ObjectNode condition = conditions.addObject();
            condition.put("path", c.condition().path());
            condition.put("op", c.condition().op().wire());
            if (c.condition().value() != null) {
                condition.set("expected", c.condition().value());
            }
            switch (c.actual()) {
                case Evaluation.Missing missing -> { }
                case Evaluation.Value v -> condition.set("actual", v.value());
                case Evaluation.TooLarge t -> condition.put("actualOmitted", "a value of " + t.length() + " characters, too large to copy");
            }
            condition.put("holds", c.holds());
        }
        if (result.outcome() instanceof TriggerDryRun.WouldWrite w) {
            Message m = w.message();
            ObjectNode message = json.putObject("message");
            message.put("channel", m.channel().wire());
            message.put("templateId", m.templateId());
            message.put("priority", m.priority().wire());
            message.put("status", m.status().name());
            m.dueAt().ifPresent(due -> message.put("dueAt", Times.format(due)));
            message.set("rendered", MessageRoutes.rendered(w.rendered()));
        }
        ArrayNode guards = json.putArray("guards");
        for (GuardCheck.Checked checked : result.guards()) {
            ObjectNode guard = guards.addObject();
            guard.put("guard", checked.guard().wire());
            switch (checked.verdict()) {
                case GuardCheck.Pass pass -> {
                    guard.put("verdict", "pass");
                    pass.reason().ifPresent(reason -> guard.put("reason", reason));
                }
                case GuardCheck.Stop stop -> {
                    guard.put("verdict", "stop").put("reason", stop.reason());
                    stop.detail().ifPresent(detail -> guard.put("detail", detail));
                }
                case GuardCheck.Defer defer -> guard.put("verdict", "defer").put("reason", defer.reason())
                        .put("until", Times.format(defer.until()));
            }
        }
        return json;
    }
}
