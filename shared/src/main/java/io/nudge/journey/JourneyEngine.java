package io.nudge.journey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.evaluate.EvaluationContext;
import io.nudge.evaluate.ReentryStore;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.model.Event;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.UserProfile;
import io.nudge.store.MessageStore;
import io.nudge.trigger.CancelRule;
import io.nudge.trigger.Condition;
import io.nudge.trigger.Reentry;
import io.nudge.users.UserService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs journeys. {@link #onEvent} is evaluate's part: an event may end a user's instances (exitOn, a conversion that
 * exits), wake the ones waiting for it (wait_for), and enter journeys. {@link #advance} runs an instance's steps until it
 * waits or ends (the JourneyInstances stream calls it for instances to run). Every move is
 * a conditional write from the seq read, and every step's effect is idempotent (a send's message id is derived from the
 * instance and the step; a split's arm from the instance; update_user sets values), so a replay or a crash between an
 * effect and its write repeats nothing. Slots wake waiting instances through {@link JourneyWake}.
 */
public final class JourneyEngine {
    /** More moves than a journey has steps (at most 50) means a defect: stop rather than spin. */
    private static final int MAX_MOVES = 60;
    /**
     * At most how many of the user's events a timeout reads, newest first, for one that came during the wait and
     * evaluate has not handed over yet: the ones it lags behind by are the newest.
     */
    static final int LATE_ARRIVALS_READ = 1_000;
    private static final int LATE_ARRIVALS_PAGE = 100;
    private static final Set<MessageStatus> SENT = Set.of(MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.BOUNCED,
            MessageStatus.COMPLAINED);

    private final JourneyLookup journeys;
    private final JourneyInstanceStore instances;
    private final io.nudge.store.EventStore events;
    private final MessageStore messages;
    private final UserService users;
    private final ReentryStore reentry;
    private final io.nudge.store.Markers markers;
    private final JourneyCounters counters;
    private final io.nudge.stats.StatsStore stats;
    private final io.nudge.outbound.Outbound outbound;
    private final Clock clock;

    public JourneyEngine(JourneyLookup journeys, JourneyInstanceStore instances, io.nudge.store.EventStore events, MessageStore messages,
            UserService users, ReentryStore reentry, io.nudge.store.Markers markers, JourneyCounters counters, io.nudge.stats.StatsStore stats,
            io.nudge.outbound.Outbound outbound, Clock clock) {
        this.journeys = journeys;
        this.instances = instances;
        this.events = events;
        this.messages = messages;
        this.users = users;
        this.reentry = reentry;
        this.markers = markers;
        this.counters = counters;
        this.stats = stats;
        this.outbound = outbound;
        this.clock = clock;
    }

    /** What an event did to journeys, for its evaluation record. */
    public sealed interface Outcome {
        String journeyId();

        record Entered(String journeyId, String instanceId, boolean created) implements Outcome {}

        record NotEntered(String journeyId, String reason) implements Outcome {}

        record Woke(String journeyId, String instanceId, String step) implements Outcome {}

        record Ended(String journeyId, String instanceId, String reason) implements Outcome {}

        /** A conversion that does not end the instance, counted once per instance. */
        record Converted(String journeyId, String instanceId, boolean counted) implements Outcome {}
    }

    /** evaluate's view: each outcome as its evaluation record keeps it. */
    public io.nudge.evaluate.JourneyHook hook() {
        return new io.nudge.evaluate.JourneyHook() {
            @Override
            public List<ObjectNode> onEvent(Event event, UserProfile user) {
                return JourneyEngine.this.onEvent(event, user).stream().map(JourneyEngine::toJson).toList();
            }

            @Override
            public void refresh() {
                journeys.refresh();
            }
        };
    }

    static ObjectNode toJson(Outcome outcome) {
        ObjectNode o = Json.object();
        o.put("journeyId", outcome.journeyId());
        switch (outcome) {
            case Outcome.Entered e -> {
                o.put("entered", true);
                o.put("instanceId", e.instanceId());
                o.put("reason", e.created() ? "entered the journey" : "entered before (a replay)");
            }
            case Outcome.NotEntered n -> {
                o.put("entered", false);
                o.put("reason", n.reason());
            }
            case Outcome.Woke w -> {
                o.put("instanceId", w.instanceId());
                o.put("reason", "received: the event the step " + w.step() + " waited for");
            }
            case Outcome.Ended e -> {
                o.put("instanceId", e.instanceId());
                o.put("reason", "ended: " + e.reason());
            }
            case Outcome.Converted c -> {
                o.put("instanceId", c.instanceId());
                o.put("reason", c.counted() ? "converted: the journey's goal" : "converted before; counted once");
            }
        }
        return o;
    }

    public List<Outcome> onEvent(Event event, UserProfile user) {
        List<Outcome> outcomes = new ArrayList<>();
        if (journeys.cares(event.name())) {
            for (JourneyInstance instance : instances.activeFor(event.userId())) {
                react(instance, event).ifPresent(outcomes::add);
            }
        }
        List<JourneyDefinition> entered = journeys.enteredBy(event.name());
        if (!entered.isEmpty()) {
            ObjectNode context = EvaluationContext.of(event, user);
            for (JourneyDefinition journey : entered) {
                outcomes.add(enter(journey, event, context));
            }
        }
        return outcomes;
    }

    /** An event of an instance's user: its exit, its conversion, or what its wait_for waits for. */
    private Optional<Outcome> react(JourneyInstance instance, Event event) {
        if (event.id().equals(instance.entry().path("id").asText())) {
            return Optional.empty(); // the entry event itself neither exits nor wakes its own instance
        }
        if (instance.woke().filter(woke -> woke.path("id").asText().equals(event.id())).isPresent()) {
            return Optional.empty(); // it answered a wait already (a replay, or the timeout found it first): taken once
        }
        Optional<JourneyDefinition> found = journeys.version(instance.journeyId(), instance.version());
        if (found.isEmpty() || journeys.deleted(instance.journeyId())) {
            return Optional.of(end(instance, JourneyInstance.Status.EXITED, "journey_deleted"));
        }
        JourneyDefinition journey = found.get();
        for (CancelRule rule : journey.exitOn()) {
            if (rule.event().equals(event.name()) && sameProperties(rule.match(), instance.entry(), event)) {
                return Optional.of(end(instance, JourneyInstance.Status.EXITED, "exit: " + event.name() + " (event " + event.id() + ")"));
            }
        }
        Optional<JourneyDefinition.JourneyConversion> goal = journey.conversion()
                .filter(g -> g.event().equals(event.name()) && !event.timestamp().isAfter(instance.enteredAt().plus(g.within())));
        // A wait_for waiting for this very event takes its received edge (the flow's own answer to it), even when the
        // event is also the goal: the conversion is counted, and the instance goes on instead of exiting.
        if (instance.phase() == JourneyInstance.Phase.WAIT && instance.waitingFor().filter(event.name()::equals).isPresent()
                && journey.step(instance.step()) instanceof JourneyStep.WaitFor wait
                && sameProperties(wait.match(), instance.entry(), event)) {
            JourneyInstance received = instance.next(instance.status(), instance.step(), JourneyInstance.Phase.RECEIVED,
                    Optional.of(EvaluationContext.event(event)), Optional.empty(), Optional.empty(), instance.path(), instance.sends(),
                    instance.arms(), Optional.empty(), Optional.empty());
            if (instances.write(received)) {
                goal.ifPresent(g -> convert(instance, event));
                return Optional.of(new Outcome.Woke(instance.journeyId(), instance.id(), instance.step()));
            }
            return Optional.empty();
        }
        if (goal.isPresent() && goal.get().exit()) {
            return Optional.of(end(instance, JourneyInstance.Status.EXITED, "conversion: " + event.name() + " (event " + event.id() + ")",
                    Optional.of(event)));
        }
        if (goal.isPresent()) {
            return Optional.of(new Outcome.Converted(instance.journeyId(), instance.id(), convert(instance, event)));
        }
        return Optional.empty();
    }

    /** Counts the instance's conversion once, whatever replays or later goal events come (a State marker). */
    private boolean convert(JourneyInstance instance, Event event) {
        JourneyDefinition.JourneyConversion goal = journeys.version(instance.journeyId(), instance.version())
                .flatMap(JourneyDefinition::conversion).orElseThrow();
        Instant now = clock.instant();
        Instant windowEnd = instance.enteredAt().plus(goal.within()).plus(java.time.Duration.ofDays(1));
        String key = "journey-conversion#" + instance.id();
        boolean first = markers.putIfAbsent(key, Map.of("eventId", io.nudge.store.AttributeValues.s(event.id())),
                windowEnd.isAfter(now) ? windowEnd : now.plus(java.time.Duration.ofDays(1)), now);
        if (!first && outbound.wantsAny(io.nudge.outbound.OutboundType.MESSAGE_CONVERTED)
                && markers.find(key, now).map(m -> m.containsKey("eventId") && event.id().equals(m.get("eventId").s())).orElse(false)) {
            // this same conversion, retried: its stream-out record again (a no-op once written)
            lastTouch(instance).map(step -> instance.sends().get(step)).flatMap(messages::find)
                    .ifPresent(m -> outbound.emit(io.nudge.outbound.MessageEvents.converted(m, event.name(), event.id(), event.timestamp())));
        }
        if (first) {
            counters.converted(instance.journeyId(), instance.arms(), now);
            lastTouch(instance).ifPresent(step -> {
                String messageId = instance.sends().get(step);
                messages.noteCurrent(messageId, "converted: " + event.name() + " (event " + event.id() + ")", now);
                messages.find(messageId).ifPresent(m -> {
                    stats.increment(io.nudge.stats.Subject.journeyStep(instance.journeyId(), step), m.channel(), now,
                            io.nudge.stats.Counter.CONVERTED);
                    outbound.emit(io.nudge.outbound.MessageEvents.converted(m, event.name(), event.id(), event.timestamp()));
                });
            });
        }
        return first;
    }

    /** The send step the instance went through last: the conversion's last touch. */
    private static Optional<String> lastTouch(JourneyInstance instance) {
        for (int i = instance.path().size() - 1; i >= 0; i--) {
            String step = instance.path().get(i).step();
            if (instance.sends().containsKey(step)) {
                return Optional.of(step);
            }
        }
        return Optional.empty();
    }

    private Outcome enter(JourneyDefinition journey, Event event, ObjectNode context) {
        for (int c = 0; c < journey.entry().conditions().size(); c++) {
            Condition condition = journey.entry().conditions().get(c);
            if (!condition.test(context)) {
                return new Outcome.NotEntered(journey.id(), "condition " + c + " (" + condition.path() + ") did not hold");
            }
        }
        String instanceId = instanceId(journey, event);
        if (journey.reentry() instanceof Reentry.OncePer per
                && !reentry.take("journey:" + journey.id(), event.userId(), event.id(), event.timestamp(), per.window())) {
            return new Outcome.NotEntered(journey.id(), "re-entry rule once_per:" + per.window() + ": the user entered within the window");
        }
        if (journey.reentry() instanceof Reentry.Replace) {
            for (JourneyInstance running : instances.activeFor(event.userId())) {
                if (running.journeyId().equals(journey.id()) && !running.id().equals(instanceId)) {
                    end(running, JourneyInstance.Status.EXITED, "replaced_by: a newer " + event.name() + " (event " + event.id() + ")");
                }
            }
        }
        Instant now = clock.instant();
        JourneyInstance instance = new JourneyInstance(instanceId, journey.id(), journey.version(), event.userId(),
                JourneyInstance.Status.ACTIVE, journey.start(), JourneyInstance.Phase.RUN, 0, EvaluationContext.event(event),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(new JourneyInstance.PathEntry(journey.start(), now,
                        Optional.empty(), Optional.empty(), Optional.empty())), Map.of(), Map.of(), now, Optional.empty(), Optional.empty());
        boolean created = instances.create(instance);
        if (created) {
            counters.entered(journey.id(), journey.start(), now);
            outbound.emit(io.nudge.outbound.JourneyEvents.entered(instance));
        }
        if (!created && journey.reentry() instanceof Reentry.Once) {
            JourneyInstance existing = instances.find(instanceId).orElse(instance);
            if (!existing.entry().path("id").asText().equals(event.id())) {
                return new Outcome.NotEntered(journey.id(), "re-entry rule once: the user entered before (instance " + instanceId + ")");
            }
        }
        if (!created && outbound.wantsAny(io.nudge.outbound.OutboundType.JOURNEY_ENTERED)) {
            // this same entry, replayed: its record again (a no-op once written)
            outbound.emit(io.nudge.outbound.JourneyEvents.entered(instances.find(instanceId).orElse(instance)));
        }
        return new Outcome.Entered(journey.id(), instanceId, created);
    }

    /** Per entry event; per user for a journey entered once. */
    static String instanceId(JourneyDefinition journey, Event event) {
        return journey.reentry() instanceof Reentry.Once ? Ids.derive("journey", journey.id(), "once", event.userId())
                : Ids.derive("journey", journey.id(), event.id());
    }

    /** Runs the instance from where it is until it waits or ends; the number of moves made. */
    public int advance(String instanceId) {
        Optional<JourneyInstance> read = instances.find(instanceId);
        if (read.isEmpty()) {
            return 0;
        }
        JourneyInstance instance = read.get();
        if (!instance.active()) {
            outbound.emit(io.nudge.outbound.JourneyEvents.exited(instance)); // a retry after the ending write: its record again
        }
        int moves = 0;
        while (instance.active() && instance.phase() != JourneyInstance.Phase.WAIT) {
            if (++moves > MAX_MOVES) {
                throw new IllegalStateException("journey instance " + instance.id() + " made more than " + MAX_MOVES + " moves");
            }
            Optional<JourneyDefinition> journey = journeys.version(instance.journeyId(), instance.version());
            JourneyInstance next;
            if (journey.isEmpty() || journeys.deleted(instance.journeyId())) {
                end(instance, JourneyInstance.Status.EXITED, "journey_deleted");
                return moves;
            }
            next = step(journey.get(), instance);
            if (!instances.write(next)) {
                return moves; // another writer moved it; its own stream record carries it on
            }
            count(instance, next);
            instance = next;
        }
        return moves;
    }

    /** The counters a won write moves: the edge taken, and the end when it ended. */
    private void count(JourneyInstance before, JourneyInstance after) {
        int at = before.path().size() - 1;
        Optional<String> how = after.path().get(at).left();
        if (how.isEmpty()) {
            return; // parked or woken: no edge taken yet
        }
        Instant now = after.path().get(at).leftAt().orElse(clock.instant());
        boolean movedOn = after.path().size() > before.path().size();
        counters.moved(before.journeyId(), before.step(), how.get(), movedOn ? Optional.of(after.step()) : Optional.empty(), now);
        if (!after.active()) {
            counters.ended(after.journeyId(), after.step(), after.status(), after.endReason().orElse("end"), now);
            outbound.emit(io.nudge.outbound.JourneyEvents.exited(after));
        }
    }

    /** One move of an instance at {@code instance.step()}: the step's effect, then where it goes. */
    private JourneyInstance step(JourneyDefinition journey, JourneyInstance instance) {
        JourneyStep step = journey.step(instance.step());
        Instant now = clock.instant();
        return switch (instance.phase()) {
            case DUE -> switch (step) {
                case JourneyStep.Delay delay -> move(instance, delay.next(), "next", Optional.empty(), now);
                case JourneyStep.WaitFor wait -> arrivedDuringWait(instance, wait, now)
                        .map(event -> {
                            journey.conversion().filter(g -> g.event().equals(event.name())
                                    && !event.timestamp().isAfter(instance.enteredAt().plus(g.within()))).ifPresent(g -> convert(instance, event));
                            return move(instance.withWoke(EvaluationContext.event(event)), wait.next(), "received",
                                    Optional.of(event.name() + " (event " + event.id() + ")"), now);
                        })
                        .orElseGet(() -> move(instance, wait.timeoutNext(), "timeout", Optional.empty(), now));
                default -> throw new IllegalStateException("a " + step.getClass().getSimpleName() + " step does not wait");
            };
            case RECEIVED -> {
                JourneyStep.WaitFor wait = (JourneyStep.WaitFor) step;
                JsonNode woke = instance.woke().orElseThrow();
                yield move(instance, wait.next(), "received",
                        Optional.of(woke.path("name").asText() + " (event " + woke.path("id").asText() + ")"), now);
            }
            case RUN -> run(journey, instance, step, now);
            case WAIT, DONE -> throw new IllegalStateException("nothing to run in phase " + instance.phase());
        };
    }

    private JourneyInstance run(JourneyDefinition journey, JourneyInstance instance, JourneyStep step, Instant now) {
        return switch (step) {
            case JourneyStep.Send send -> {
                String messageId = Ids.derive("message", "journey", instance.id(), instance.step());
                // not in the pending index: an exit cancels the instance's messages by their (known) ids
                messages.createIfAbsent(message(journey, instance, send, messageId, now), false);
                Map<String, String> sends = new HashMap<>(instance.sends());
                sends.put(instance.step(), messageId);
                yield move(instance.withSends(sends), send.next(), "next", Optional.empty(), now);
            }
            case JourneyStep.Delay delay -> {
                Instant due = now.plus(delay.duration());
                if (delay.sendAt().isPresent()) {
                    ZoneId zone = users.find(instance.userId()).flatMap(UserProfile::timezone).map(ZoneId::of)
                            .orElse(delay.sendAt().get().defaultZone());
                    due = delay.sendAt().get().next(due, zone);
                }
                yield park(instance, due, Optional.empty());
            }
            case JourneyStep.WaitFor wait -> park(instance, now.plus(wait.timeout()), Optional.of(wait.event()));
            case JourneyStep.Branch branch -> {
                ObjectNode context = context(instance);
                for (int b = 0; b < branch.branches().size(); b++) {
                    JourneyStep.Branch.Path path = branch.branches().get(b);
                    if (path.conditions().stream().allMatch(c -> c.test(context))) {
                        yield move(instance, path.next(), "branch", Optional.of("branch " + b), now);
                    }
                }
                yield move(instance, branch.defaultNext(), "branch", Optional.of("default"), now);
            }
            case JourneyStep.Split split -> {
                JourneyStep.Split.Arm arm = arm(split, instance.id() + "#" + instance.step());
                Map<String, String> arms = new HashMap<>(instance.arms());
                arms.put(instance.step(), arm.id());
                yield move(instance.withArms(arms), arm.next(), "branch", Optional.of("arm " + arm.id()), now);
            }
            case JourneyStep.UpdateUser update -> {
                ObjectNode body = Json.object();
                ObjectNode attributes = body.putObject("attributes");
                update.attributes().forEach(attributes::set);
                users.upsert(instance.userId(), body);
                yield move(instance, update.next(), "next", Optional.empty(), now);
            }
            case JourneyStep.Exit exit -> finish(instance, JourneyInstance.Status.COMPLETED, "exit", now, "exit", Optional.empty());
        };
    }

    /**
     * The first awaited event the user sent while the instance waited that evaluate has not handed over yet. Events and
     * slots come by different streams: when evaluation lags behind (a burst, a retried batch, a restart) the slot can
     * fire first, and the event that came in time would lose to the timeout. Read from the Events table's user index, on
     * a timeout only: a Query and a BatchGetItem per 100 events received during the wait, at most
     * {@link #LATE_ARRIVALS_READ} of them (bench/results/cost.md).
     */
    private Optional<Event> arrivedDuringWait(JourneyInstance instance, JourneyStep.WaitFor wait, Instant now) {
        // neither the entry event nor the event that answered an earlier wait (its receivedAt may be this wait's start)
        Set<String> taken = new java.util.HashSet<>(List.of(instance.entry().path("id").asText()));
        instance.woke().map(woke -> woke.path("id").asText()).ifPresent(taken::add);
        // up to the deadline, not to now: advance-journeys may run late, and an event after the deadline came too late
        Instant deadline = instance.dueAt().filter(due -> due.isBefore(now)).orElse(now);
        Optional<Event> first = Optional.empty();
        Optional<io.nudge.store.TimeKey> after = Optional.empty();
        for (int read = 0; read < LATE_ARRIVALS_READ; read += LATE_ARRIVALS_PAGE) {
            List<io.nudge.store.TimeKey> page = events.receivedBetween(instance.userId(), instance.current().enteredAt(), deadline, after,
                    LATE_ARRIVALS_PAGE);
            List<String> ids = page.stream().map(io.nudge.store.TimeKey::id).filter(id -> !taken.contains(id)).toList();
            Optional<Event> oldestHere = ids.isEmpty() ? Optional.empty() : events.findAll(ids, now).values().stream()
                    .map(io.nudge.store.EventStore.Stored::event)
                    .filter(event -> event.name().equals(wait.event()) && sameProperties(wait.match(), instance.entry(), event))
                    .min(java.util.Comparator.comparing(Event::receivedAt).thenComparing(Event::id));
            first = oldestHere.isPresent() ? oldestHere : first;
            if (page.size() < LATE_ARRIVALS_PAGE) {
                break;
            }
            after = Optional.of(page.get(page.size() - 1));
        }
        return first;
    }

    /** Leaves the current step by {@code how} to {@code next}, or completes the journey where there is no next. */
    private JourneyInstance move(JourneyInstance base, Optional<String> next, String how, Optional<String> detail, Instant now) {
        if (next.isEmpty()) {
            return finish(base, JourneyInstance.Status.COMPLETED, how, now, "end", detail);
        }
        List<JourneyInstance.PathEntry> path = new ArrayList<>(base.path());
        path.set(path.size() - 1, base.current().leave(now, how, detail));
        path.add(new JourneyInstance.PathEntry(next.get(), now, Optional.empty(), Optional.empty(), Optional.empty()));
        return base.next(base.status(), next.get(), JourneyInstance.Phase.RUN, base.woke(), Optional.empty(), Optional.empty(), path,
                base.sends(), base.arms(), Optional.empty(), Optional.empty());
    }

    private JourneyInstance park(JourneyInstance instance, Instant due, Optional<String> waitingFor) {
        return instance.next(instance.status(), instance.step(), JourneyInstance.Phase.WAIT, instance.woke(), Optional.of(due),
                waitingFor, instance.path(), instance.sends(), instance.arms(), Optional.empty(), Optional.empty());
    }

    private static JourneyInstance finish(JourneyInstance instance, JourneyInstance.Status status, String how, Instant now, String reason,
            Optional<String> detail) {
        List<JourneyInstance.PathEntry> path = new ArrayList<>(instance.path());
        path.set(path.size() - 1, instance.current().leave(now, how, detail));
        return instance.next(status, instance.step(), JourneyInstance.Phase.DONE, instance.woke(), Optional.empty(), Optional.empty(),
                path, instance.sends(), instance.arms(), Optional.of(now), Optional.of(reason));
    }

    /**
     * A deleted journey: ends its active instances (at most {@code max}; one a later move finds ends then all the same)
     * with reason journey_deleted, cancelling their messages not yet sent. How many it ended.
     */
    public int endAll(String journeyId, int max) {
        int ended = 0;
        for (String id : instances.activeOf(journeyId, max)) {
            Optional<JourneyInstance> found = instances.find(id);
            if (found.isPresent() && found.get().active()
                    && end(found.get(), JourneyInstance.Status.EXITED, "journey_deleted") instanceof Outcome.Ended e
                    && e.reason().equals("journey_deleted")) {
                ended++;
            }
        }
        return ended;
    }

    /**
     * Ends an instance wherever it is (an exit event, a conversion that exits, a newer entry, a deleted journey) and
     * cancels its messages not sent yet. Retried from a fresh read while another writer moves it.
     */
    Outcome end(JourneyInstance read, JourneyInstance.Status status, String reason) {
        return end(read, status, reason, Optional.empty());
    }

    /** As above; {@code conversion} is the goal event when the instance ends by converting (counted once). */
    Outcome end(JourneyInstance read, JourneyInstance.Status status, String reason, Optional<Event> conversion) {
        JourneyInstance instance = read;
        for (int attempt = 0; attempt < 5 && instance.active(); attempt++) {
            Instant now = clock.instant();
            String how = reason.startsWith("conversion") ? "conversion" : "exit";
            List<JourneyInstance.PathEntry> path = new ArrayList<>(instance.path());
            path.set(path.size() - 1, instance.current().leave(now, how, Optional.of(reason)));
            JourneyInstance ended = instance.next(status, instance.step(), JourneyInstance.Phase.DONE, instance.woke(), Optional.empty(),
                    Optional.empty(), path, instance.sends(), instance.arms(), Optional.of(now), Optional.of(reason));
            if (instances.write(ended)) {
                // first: a failure in what follows is retried from an ended instance, which nothing ends again
                outbound.emit(io.nudge.outbound.JourneyEvents.exited(ended));
                for (String messageId : instance.sends().values()) {
                    messages.cancel(messageId, "cancelled_by: journey " + reason, now);
                }
                String kind = reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason;
                counters.ended(instance.journeyId(), instance.step(), status, kind, now);
                final JourneyInstance converted = instance;
                conversion.ifPresent(event -> convert(converted, event));
                return new Outcome.Ended(instance.journeyId(), instance.id(), reason);
            }
            instance = instances.find(instance.id()).orElse(instance);
        }
        if (!instance.active()) {
            outbound.emit(io.nudge.outbound.JourneyEvents.exited(instance)); // ended before: its record again (a no-op once written)
        }
        return new Outcome.Ended(read.journeyId(), read.id(), instance.endReason().orElse(reason));
    }

    /** The message a send step writes: READY now (deliver's guards decide the rest), a journey's in its context. */
    private static Message message(JourneyDefinition journey, JourneyInstance instance, JourneyStep.Send send, String messageId, Instant now) {
        ObjectNode context = Json.object();
        context.set("event", instance.entry());
        ObjectNode source = context.putObject("journey");
        source.put("id", journey.id());
        source.put("version", journey.version());
        source.put("step", instance.step());
        source.put("instanceId", instance.id());
        send.topic().ifPresent(topic -> context.put("topic", topic));
        return new Message(messageId, instance.userId(), journey.id(), instance.entry().path("id").asText(), send.channel(),
                send.priority(), send.template(), MessageStatus.READY, Optional.empty(), context, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), now, List.of(new HistoryEntry(MessageStatus.READY, "journey_step", now)));
    }

    /** What branch conditions read: user.*, entry.*, event.* (the event that woke a wait_for) and steps.<id>.*. */
    private ObjectNode context(JourneyInstance instance) {
        ObjectNode context = Json.object();
        users.find(instance.userId()).ifPresent(user -> context.set("user", EvaluationContext.user(user)));
        context.set("entry", instance.entry());
        instance.woke().ifPresent(woke -> context.set("event", woke));
        ObjectNode steps = context.putObject("steps");
        instance.sends().forEach((stepId, messageId) -> messages.find(messageId).ifPresent(m -> {
            ObjectNode s = steps.putObject(stepId);
            Set<MessageStatus> reached = new java.util.HashSet<>();
            m.history().forEach(h -> reached.add(h.status()));
            s.put("status", m.status().name());
            s.put("sent", reached.stream().anyMatch(SENT::contains));
            s.put("delivered", reached.contains(MessageStatus.DELIVERED));
            s.put("bounced", reached.contains(MessageStatus.BOUNCED));
            s.put("opened", m.history().stream().anyMatch(h -> h.reason() != null && (h.reason().equals("opened")
                    || h.reason().startsWith("clicked"))));
            s.put("clicked", m.history().stream().anyMatch(h -> h.reason() != null && h.reason().startsWith("clicked")));
        }));
        return context;
    }

    /** Weighted and deterministic: the same key always takes the same arm. */
    static JourneyStep.Split.Arm arm(JourneyStep.Split split, String key) {
        int total = split.arms().stream().mapToInt(JourneyStep.Split.Arm::weight).sum();
        long point = Math.floorMod(hash(key), (long) total);
        for (JourneyStep.Split.Arm arm : split.arms()) {
            point -= arm.weight();
            if (point < 0) {
                return arm;
            }
        }
        return split.arms().get(split.arms().size() - 1);
    }

    private static long hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (digest[i] & 0xff);
            }
            return value;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A rule's match paths ("properties.cartId") hold the same values in the entry event and this one. */
    private static boolean sameProperties(List<List<String>> match, ObjectNode entry, Event event) {
        for (List<String> path : match) {
            JsonNode a = entry.path("properties");
            JsonNode b = event.properties();
            for (String segment : path.subList(1, path.size())) {
                a = a == null ? null : a.get(segment);
                b = b == null ? null : b.get(segment);
            }
            if (a == null || b == null || a.isNull() || b.isNull() || !Condition.sameValue(a, b)) {
                return false;
            }
        }
        return true;
    }
}
