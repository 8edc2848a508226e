package io.nudge.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.model.Event;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.UserProfile;
import io.nudge.stats.Counter;
import io.nudge.stats.StatsStore;
import io.nudge.stats.Subject;
import io.nudge.store.EventStore;
import io.nudge.store.Markers;
import io.nudge.store.MessageStore;
import io.nudge.store.UserStore;
import io.nudge.trigger.CancelRule;
import io.nudge.trigger.Condition;
import io.nudge.trigger.ConversionGoal;
import io.nudge.trigger.Reentry;
import io.nudge.trigger.TriggerCatalog;
import io.nudge.trigger.TriggerDefinition;
import io.nudge.trigger.TriggerMatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One event in: first the pending messages it cancels (cancelOn), then one message per matching trigger —
 * READY when due within one slot, else SCHEDULED for its due time. Message ids are derived from trigger id and
 * event id (user id for "once") and written conditionally, so evaluating the same event twice creates nothing twice.
 * An event that is some trigger's conversion goal is attributed, once, to the user's most recent message of such a
 * trigger sent within the goal's window (last touch).
 */
public final class EvaluateService {
    /** How many of the user's recent messages a conversion looks through (newest first). */
    static final int CONVERSION_LOOKBACK = 100;
    /** Quiet hours, send-at times and rate limits send a message up to this long after it was created. */
    private static final Duration SEND_SLACK = Duration.ofDays(2);
    private static final Set<MessageStatus> CONVERTIBLE = Set.of(MessageStatus.SENT, MessageStatus.DELIVERED);
    /** What the index may still show for a convertible message: read again, consistently, before deciding. */
    private static final Set<MessageStatus> RECENT = Set.of(MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.DELIVERED);

    private final TriggerCatalog triggers;
    private final UserStore users;
    private final MessageStore messages;
    private final EventStore events;
    private final ReentryStore reentry;
    private final Markers markers;
    private final io.nudge.stats.StatsBuffer stats;
    private final Clock clock;
    private volatile io.nudge.segments.SegmentMembership segments = io.nudge.segments.SegmentMembership.NONE;
    private volatile JourneyHook journeys = JourneyHook.NONE;
    private volatile io.nudge.outbound.Outbound outbound = io.nudge.outbound.Outbound.none();

    public EvaluateService(TriggerCatalog triggers, UserStore users, MessageStore messages, EventStore events,
            ReentryStore reentry, Markers markers, StatsStore stats, Clock clock) {
        this.triggers = triggers;
        this.users = users;
        this.messages = messages;
        this.events = events;
        this.reentry = reentry;
        this.markers = markers;
        this.stats = new io.nudge.stats.StatsBuffer(stats);
        this.clock = clock;
    }

    /** Runs one stream batch's work: its stats increments are written added up when it ends (StatsBuffer). */
    public <T> T inBatch(java.util.function.Supplier<T> work) {
        return stats.inBatch(work);
    }

    /** Call once per batch: picks up changed definitions. */
    public void refreshDefinitions() {
        triggers.refresh();
        segments.refresh();
        journeys.refresh();
    }

    /** Journeys entered, woken or ended by events. */
    public EvaluateService withJourneys(JourneyHook journeys) {
        this.journeys = journeys;
        return this;
    }

    /** Where a message's conversion is recorded for the stream out. */
    public EvaluateService withOutbound(io.nudge.outbound.Outbound outbound) {
        this.outbound = outbound;
        return this;
    }

    /** Activity counters and {"segment":…} conditions. */
    public EvaluateService withSegments(io.nudge.segments.SegmentMembership segments) {
        this.segments = segments;
        return this;
    }

    public Evaluation evaluate(Event event) {
        TriggerMatcher matcher = triggers.matcherFor(event.name());
        List<TriggerDefinition> candidates = matcher.triggers();
        List<TriggerDefinition> cancellable = triggers.cancelledBy(event.name());
        List<TriggerDefinition> goals = triggers.convertedBy(event.name());
        UserProfile user = userFor(event);
        segments.record(event);
        List<ObjectNode> journeyOutcomes = journeys.onEvent(event, user);
        if (candidates.isEmpty() && cancellable.isEmpty() && goals.isEmpty()) {
            if (!journeyOutcomes.isEmpty()) {
                events.recordEvaluation(event.id(), withJourneys(toJson(new Evaluation(event.id(), List.of())), journeyOutcomes));
            }
            return new Evaluation(event.id(), List.of());
        }
        List<Evaluation.Decision> decisions = new ArrayList<>();
        if (!goals.isEmpty()) {
            attributeConversion(goals, event).ifPresent(decisions::add);
        }
        for (TriggerDefinition trigger : cancellable) {
            decisions.addAll(cancelMatching(trigger, event));
        }
        ObjectNode context = EvaluationContext.of(event, user);
        segments.annotate(context, candidates, user);
        int[] outcomes = matcher.match(context);
        for (int t = 0; t < candidates.size(); t++) {
            decisions.addAll(decide(candidates.get(t), outcomes[t], event, user, context));
        }
        Evaluation evaluation = new Evaluation(event.id(), decisions);
        events.recordEvaluation(event.id(), withJourneys(toJson(evaluation), journeyOutcomes));
        return evaluation;
    }

    /**
     * Last touch: among the user's SENT or DELIVERED messages of triggers with this goal, the one sent most recently
     * within its trigger's window before the event. A conditional put of a State record keyed by the message decides
     * that it is counted once, whatever replays or later conversions come.
     */
    private Optional<Evaluation.Decision> attributeConversion(List<TriggerDefinition> goals, Event event) {
        Map<String, ConversionGoal> byTrigger = new HashMap<>();
        Duration lookback = Duration.ZERO;
        for (TriggerDefinition trigger : goals) {
            ConversionGoal goal = trigger.conversion().orElseThrow();
            byTrigger.put(trigger.id(), goal);
            Duration reach = goal.within().plus(trigger.delay());
            lookback = reach.compareTo(lookback) > 0 ? reach : lookback;
        }
        Instant since = event.timestamp().minus(lookback).minus(SEND_SLACK);
        Message lastTouch = null;
        Instant lastSent = null;
        for (Message indexed : messages.forUserSince(event.userId(), since, CONVERSION_LOOKBACK)) {
            ConversionGoal goal = byTrigger.get(indexed.triggerId());
            if (goal == null || !RECENT.contains(indexed.status())) {
                continue;
            }
            // The index is eventually consistent: a send or a bounce of a moment ago may not show there yet.
            Optional<Message> current = messages.find(indexed.id());
            if (current.isEmpty() || !CONVERTIBLE.contains(current.get().status())) {
                continue;
            }
            Message message = current.get();
            Optional<Instant> sent = sentAt(message);
            if (sent.isEmpty() || sent.get().isAfter(event.timestamp())
                    || Duration.between(sent.get(), event.timestamp()).compareTo(goal.within()) > 0) {
                continue;
            }
            if (lastSent == null || sent.get().isAfter(lastSent)) {
                lastTouch = message;
                lastSent = sent.get();
            }
        }
        if (lastTouch == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant expires = lastSent.plus(byTrigger.get(lastTouch.triggerId()).within()).plus(Duration.ofDays(1));
        String key = "conversion#" + lastTouch.id();
        boolean first = markers.putIfAbsent(key, Map.of("eventId", io.nudge.store.AttributeValues.s(event.id())),
                expires.isAfter(now) ? expires : now.plus(Duration.ofDays(1)), now);
        if (first) {
            stats.increment(Subject.trigger(lastTouch.triggerId()), lastTouch.channel(), now, Counter.CONVERTED);
            messages.noteCurrent(lastTouch.id(), "converted: " + event.name() + " (event " + event.id() + ")", now);
        }
        // A replayed event finds its own marker: it is still the message's conversion, counted the first time.
        boolean counted = first || markers.find(key, now).map(m -> m.containsKey("eventId") && event.id().equals(m.get("eventId").s()))
                .orElse(false);
        if (counted) {
            // on a replay too: the same id, so a record a crash kept from being written is written now
            outbound.emit(io.nudge.outbound.MessageEvents.converted(lastTouch, event.name(), event.id(), event.timestamp()));
        }
        return Optional.of(new Evaluation.Converted(lastTouch.triggerId(), lastTouch.id(), counted));
    }

    /** When the message went to the provider: its first SENT history entry (notes made while SENT come later). */
    private static Optional<Instant> sentAt(Message message) {
        return message.history().stream().filter(entry -> entry.status() == MessageStatus.SENT).map(HistoryEntry::at).findFirst();
    }

    /** Cancels this trigger's pending messages for the user whose triggering event matches {@code event} by the rule. */
    private List<Evaluation.Decision> cancelMatching(TriggerDefinition trigger, Event event) {
        List<Evaluation.Decision> decisions = new ArrayList<>();
        List<CancelRule> rules = trigger.cancelOn().stream().filter(r -> r.event().equals(event.name())).toList();
        for (Message pending : messages.pendingFor(event.userId(), trigger.id())) {
            JsonNode triggering = pending.context().path("event").path("properties");
            if (rules.stream().anyMatch(rule -> matches(rule, triggering, event.properties()))) {
                decisions.add(cancel(trigger, pending, "cancelled_by: " + event.name() + " (event " + event.id() + ")"));
            }
        }
        return decisions;
    }

    static boolean matches(CancelRule rule, JsonNode triggeringProperties, JsonNode cancellingProperties) {
        for (List<String> path : rule.match()) {
            JsonNode a = at(triggeringProperties, path);
            JsonNode b = at(cancellingProperties, path);
            if (a == null || b == null || !Condition.sameValue(a, b)) {
                return false;
            }
        }
        return true;
    }

    /** A match path is "properties.cartId": walk it below the properties object. */
    private static JsonNode at(JsonNode properties, List<String> path) {
        JsonNode node = properties;
        for (String segment : path.subList(1, path.size())) {
            node = node.get(segment);
            if (node == null || node.isNull()) {
                return null;
            }
        }
        return node;
    }

    private Evaluation.Decision cancel(TriggerDefinition trigger, Message pending, String reason) {
        Instant now = clock.instant();
        boolean won = messages.cancel(pending.id(), reason, now);
        if (won) {
            stats.increment(Subject.trigger(trigger.id()), pending.channel(), now, Counter.CANCELLED);
        } else {
            messages.find(pending.id()).ifPresent(current -> {
                if (current.status() == MessageStatus.SENDING) {
                    messages.note(pending.id(), MessageStatus.SENDING, "cancel_too_late: " + reason, now);
                }
            });
        }
        return new Evaluation.Cancelled(trigger.id(), pending.id(), won);
    }

    /** {@code outcome} is the trigger's {@link TriggerMatcher#match} result: matched, disabled or its first failing condition. */
    private List<Evaluation.Decision> decide(TriggerDefinition trigger, int outcome, Event event, UserProfile user, ObjectNode context) {
        if (outcome == TriggerMatcher.DISABLED) {
            return List.of(new Evaluation.Disabled(trigger.id()));
        }
        if (outcome != TriggerMatcher.MATCHED) {
            Condition failed = trigger.conditions().get(outcome);
            return List.of(new Evaluation.NotMatched(trigger.id(), outcome, failed.path(), failed.op(),
                    Optional.ofNullable(failed.value()), Evaluation.Actual.of(failed.resolve(context))));
        }
        String messageId = messageId(trigger, event);
        if (trigger.reentry() instanceof Reentry.OncePer per
                && !reentry.take(trigger.id(), event.userId(), event.id(), event.timestamp(), per.window())) {
            return List.of(new Evaluation.ReentryBlocked(trigger.id(), "once_per:" + per.window()));
        }
        List<Evaluation.Decision> decisions = new ArrayList<>();
        if (trigger.reentry() instanceof Reentry.Replace) {
            for (Message pending : messages.pendingFor(event.userId(), trigger.id())) {
                if (!pending.id().equals(messageId)) {
                    decisions.add(cancel(trigger, pending, "replaced_by: a newer " + event.name() + " (event " + event.id() + ")"));
                }
            }
        }
        decisions.add(write(trigger, event, user, context, messageId));
        return decisions;
    }

    private Evaluation.Decision write(TriggerDefinition trigger, Event event, UserProfile user, ObjectNode context, String messageId) {
        Instant now = clock.instant();
        Instant due = dueAt(trigger, event, user);
        Message message = message(trigger, event, context, messageId, due, now, messages.slotWidth());
        boolean scheduled = message.status() == MessageStatus.SCHEDULED;
        // Only a trigger with cancel rules or `replace` re-entry ever looks a READY message up in the pending index.
        boolean cancellable = !trigger.cancelOn().isEmpty() || trigger.reentry() instanceof Reentry.Replace;
        boolean created = messages.createIfAbsent(message, cancellable);
        if (created) {
            stats.increment(Subject.trigger(trigger.id()), trigger.channel(), now, Counter.TRIGGERED);
            if (scheduled) {
                stats.increment(Subject.trigger(trigger.id()), trigger.channel(), now, Counter.SCHEDULED);
            }
        }
        return scheduled ? new Evaluation.Scheduled(trigger.id(), messageId, due, created)
                : new Evaluation.Matched(trigger.id(), messageId, created);
    }

    /** The message's id: per event, or per user for a trigger that sends once. */
    static String messageId(TriggerDefinition trigger, Event event) {
        return switch (trigger.reentry()) {
            case Reentry.Once once -> Ids.derive("message", trigger.id(), "once", event.userId());
            default -> Ids.derive("message", trigger.id(), event.id());
        };
    }

    /** The message a match writes: READY when due within one slot of {@code now}, else SCHEDULED for {@code due}. */
    static Message message(TriggerDefinition trigger, Event event, ObjectNode context, String messageId, Instant due, Instant now,
            Duration slotWidth) {
        boolean scheduled = due.isAfter(now.plus(slotWidth));
        ObjectNode messageContext = Json.object();
        messageContext.set("event", context.get("event"));
        trigger.topic().ifPresent(topic -> messageContext.put("topic", topic));
        MessageStatus status = scheduled ? MessageStatus.SCHEDULED : MessageStatus.READY;
        String reason = !scheduled ? "trigger_matched" : trigger.sendAt().isPresent() ? "send_at" : "delay";
        return new Message(messageId, event.userId(), trigger.id(), event.id(), trigger.channel(),
                trigger.priority(), trigger.template(), status, scheduled ? Optional.of(reason) : Optional.empty(), messageContext,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                scheduled ? Optional.of(due) : Optional.empty(), now,
                List.of(new HistoryEntry(status, reason, now)));
    }

    /** The event's time plus the delay, then the next send-at local time in the user's zone (or the trigger's default). */
    static Instant dueAt(TriggerDefinition trigger, Event event, UserProfile user) {
        Instant due = event.timestamp().plus(trigger.delay());
        if (trigger.sendAt().isPresent()) {
            ZoneId zone = user.timezone().map(ZoneId::of).orElse(trigger.sendAt().get().defaultZone());
            due = trigger.sendAt().get().next(due, zone);
        }
        return due;
    }

    /**
     * An event for an unknown user creates a bare profile here, not in ingest (ingest stays one write). The profile is
     * read eventually consistently (half a read unit): a profile written within the last second may show its previous
     * version; a new one that does not show yet is found by the conditional put and read again consistently.
     */
    private UserProfile userFor(Event event) {
        Optional<UserProfile> existing = users.findEventually(event.userId());
        if (existing.isPresent()) {
            return existing.get();
        }
        UserProfile bare = UserProfile.bare(event.userId(), clock.instant());
        if (users.putIfRevision(bare)) {
            return bare;
        }
        return users.find(event.userId()).orElse(bare);
    }

    private static ArrayNode withJourneys(ArrayNode decisions, List<ObjectNode> journeyOutcomes) {
        journeyOutcomes.forEach(decisions::add);
        return decisions;
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
                case Evaluation.Scheduled s -> {
                    d.put("matched", true);
                    d.put("messageId", s.messageId());
                    d.put("dueAt", s.dueAt().toString());
                }
                case Evaluation.NotMatched n -> {
                    d.put("matched", false);
                    d.put("reason", "condition " + n.conditionIndex() + " (" + n.path() + ") did not hold");
                    ObjectNode condition = d.putObject("condition");
                    condition.put("index", n.conditionIndex());
                    condition.put("path", n.path());
                    condition.put("op", n.op().wire());
                    n.expected().ifPresent(value -> condition.set("expected", value));
                    switch (n.actual()) {
                        case Evaluation.Missing missing -> { }
                        case Evaluation.Value v -> condition.set("actual", v.value());
                        case Evaluation.TooLarge t -> condition.put("actualOmitted", "a value of " + t.length() + " characters, too large to copy");
                    }
                }
                case Evaluation.Disabled x -> {
                    d.put("matched", false);
                    d.put("reason", "trigger disabled");
                }
                case Evaluation.ReentryBlocked r -> {
                    d.put("matched", true);
                    d.put("reason", "re-entry rule " + r.rule() + ": the user already had this message in the window");
                }
                case Evaluation.Converted c -> {
                    d.put("converted", c.messageId());
                    d.put("reason", c.counted() ? "conversion attributed to the most recent message sent within the window (last touch)"
                            : "the message converted before, through another event; counted once");
                }
                case Evaluation.Cancelled c -> {
                    d.put("cancelled", c.messageId());
                    d.put("reason", c.won() ? "cancelled a pending message" : "the message was no longer pending");
                }
            }
        }
        return array;
    }
}
