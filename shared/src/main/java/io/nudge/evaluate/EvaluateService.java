package io.nudge.evaluate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.model.Event;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.UserProfile;
import io.nudge.store.EventStore;
import io.nudge.store.MessageStore;
import io.nudge.store.UserStore;
import io.nudge.trigger.Condition;
import io.nudge.trigger.TriggerCatalog;
import io.nudge.trigger.TriggerDefinition;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One event in, one READY message per matching trigger out. Message ids are derived from trigger id and
 * event id and written conditionally, so evaluating the same event twice creates nothing twice.
 */
public final class EvaluateService {
    private final TriggerCatalog triggers;
    private final UserStore users;
    private final MessageStore messages;
    private final EventStore events;
    private final Clock clock;

    public EvaluateService(TriggerCatalog triggers, UserStore users, MessageStore messages, EventStore events, Clock clock) {
        this.triggers = triggers;
        this.users = users;
        this.messages = messages;
        this.events = events;
        this.clock = clock;
    }

    /** Call once per batch: picks up changed definitions. */
    public void refreshDefinitions() {
        triggers.refresh();
    }

    public Evaluation evaluate(Event event) {
        List<TriggerDefinition> candidates = triggers.forEvent(event.name());
        UserProfile user = userFor(event);
        if (candidates.isEmpty()) {
            return new Evaluation(event.id(), List.of());
        }
        ObjectNode context = EvaluationContext.of(event, user);
        List<Evaluation.Decision> decisions = new ArrayList<>();
        for (TriggerDefinition trigger : candidates) {
            decisions.add(decide(trigger, event, context));
        }
        Evaluation evaluation = new Evaluation(event.id(), decisions);
        events.recordEvaluation(event.id(), toJson(evaluation));
        return evaluation;
    }

    private Evaluation.Decision decide(TriggerDefinition trigger, Event event, ObjectNode context) {
        if (!trigger.enabled()) {
            return new Evaluation.Disabled(trigger.id());
        }
        List<Condition> conditions = trigger.conditions();
        for (int i = 0; i < conditions.size(); i++) {
            if (!conditions.get(i).test(context)) {
                return new Evaluation.NotMatched(trigger.id(), i, conditions.get(i).path());
            }
        }
        Instant now = clock.instant();
        String messageId = Ids.derive("message", trigger.id(), event.id());
        ObjectNode messageContext = Json.object();
        messageContext.set("event", context.get("event"));
        Message message = new Message(messageId, event.userId(), trigger.id(), event.id(), trigger.channel(),
                trigger.priority(), trigger.template(), MessageStatus.READY, Optional.empty(), messageContext,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), now,
                List.of(new HistoryEntry(MessageStatus.READY, "trigger_matched", now)));
        return new Evaluation.Matched(trigger.id(), messageId, messages.createIfAbsent(message));
    }

    /** An event for an unknown user creates a bare profile here, not in ingest (ingest stays one write). */
    private UserProfile userFor(Event event) {
        Optional<UserProfile> existing = users.find(event.userId());
        if (existing.isPresent()) {
            return existing.get();
        }
        UserProfile bare = UserProfile.bare(event.userId(), clock.instant());
        if (users.putIfRevision(bare)) {
            return bare;
        }
        return users.find(event.userId()).orElse(bare);
    }

    static ArrayNode toJson(Evaluation evaluation) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (Evaluation.Decision decision : evaluation.decisions()) {
            ObjectNode d = array.addObject();
            d.put("triggerId", decision.triggerId());
            switch (decision) {
                case Evaluation.Matched m -> {
                    d.put("matched", true);
                    d.put("messageId", m.messageId());
                }
                case Evaluation.NotMatched n -> {
                    d.put("matched", false);
                    d.put("reason", "condition " + n.conditionIndex() + " (" + n.path() + ") did not hold");
                }
                case Evaluation.Disabled x -> {
                    d.put("matched", false);
                    d.put("reason", "trigger disabled");
                }
            }
        }
        return array;
    }
}
