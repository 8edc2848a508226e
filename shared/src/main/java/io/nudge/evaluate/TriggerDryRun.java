package io.nudge.evaluate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.deliver.GuardCheck;
import io.nudge.messages.MessagePreview;
import io.nudge.model.Event;
import io.nudge.model.Message;
import io.nudge.model.UserProfile;
import io.nudge.segments.SegmentMembership;
import io.nudge.store.MessageStore;
import io.nudge.trigger.Condition;
import io.nudge.trigger.Reentry;
import io.nudge.trigger.TriggerDefinition;
import io.nudge.trigger.TriggerMatcher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One trigger asked about one event of one user as {@link EvaluateService} would decide it, and its message asked
 * through deliver's guards — reading only: no event, message, counter, re-entry window, reservation or token is
 * written. Every condition is shown (evaluate stops at the first that fails), each with the value it found.
 */
public final class TriggerDryRun {
    /** One condition: the value at its path ({@link Evaluation.Actual}) and whether it holds there. */
    public record ConditionResult(Condition condition, Evaluation.Actual actual, boolean holds) {}

    /** What evaluate would decide. */
    public sealed interface Outcome permits WouldWrite, OtherEvent, Disabled, ConditionsFail, ReentryBlocked {}

    /** Every condition holds: evaluate writes {@code message}, rendered now as deliver would render it. */
    public record WouldWrite(Message message, MessagePreview.Result rendered) implements Outcome {}

    /** The trigger fires on another event name: evaluate would not look at it for this event. */
    public record OtherEvent(String fires) implements Outcome {}

    public record Disabled() implements Outcome {}

    public record ConditionsFail() implements Outcome {}

    /** Every condition holds, but the re-entry rule says the user had this message already. */
    public record ReentryBlocked(String rule) implements Outcome {}

    public record Result(List<ConditionResult> conditions, Outcome outcome, List<GuardCheck.Checked> guards) {
        public Result {
            conditions = List.copyOf(conditions);
            Objects.requireNonNull(outcome, "outcome");
            guards = List.copyOf(guards);
        }

        /** Enabled, for this event name, and every condition holds (the re-entry rule aside). */
        public boolean matched() {
            return outcome instanceof WouldWrite || outcome instanceof ReentryBlocked;
        }
    }

    private final SegmentMembership segments;
    private final ReentryStore reentry;
    private final MessageStore messages;
    private final MessagePreview preview;
    private final GuardCheck guards;
    private final Clock clock;

    /** {@code segments} is only asked to annotate (read membership), never to record. */
    public TriggerDryRun(SegmentMembership segments, ReentryStore reentry, MessageStore messages, MessagePreview preview,
            GuardCheck guards, Clock clock) {
        this.segments = segments;
        this.reentry = reentry;
        this.messages = messages;
        this.preview = preview;
        this.guards = guards;
        this.clock = clock;
    }

    public Result run(TriggerDefinition trigger, Event event, UserProfile user) {
        segments.refresh(); // segments saved since the last test
        ObjectNode context = EvaluationContext.of(event, user);
        segments.annotate(context, List.of(trigger), user);
        List<ConditionResult> conditions = new ArrayList<>();
        for (Condition condition : trigger.conditions()) {
            conditions.add(new ConditionResult(condition, Evaluation.Actual.of(condition.resolve(context)), condition.test(context)));
        }
        // the matcher evaluate uses decides; Condition#test is its exact rule, so the list above agrees with it
        int decided = TriggerMatcher.of(List.of(trigger)).match(context)[0];
        String messageId = EvaluateService.messageId(trigger, event);
        Message message = EvaluateService.message(trigger, event, context, messageId, EvaluateService.dueAt(trigger, event, user),
                clock.instant(), messages.slotWidth());
        Outcome outcome;
        if (!trigger.event().equals(event.name())) {
            outcome = new OtherEvent(trigger.event());
        } else if (decided == TriggerMatcher.DISABLED) {
            outcome = new Disabled();
        } else if (decided != TriggerMatcher.MATCHED) {
            outcome = new ConditionsFail();
        } else {
            outcome = blockedBy(trigger, event, messageId).<Outcome>map(ReentryBlocked::new)
                    .orElseGet(() -> new WouldWrite(message, preview.render(message)));
        }
        return new Result(conditions, outcome, guards.check(message, user, trigger));
    }

    /** The rule that would keep evaluate from writing a new message now: read, never taken. */
    private Optional<String> blockedBy(TriggerDefinition trigger, Event event, String messageId) {
        return switch (trigger.reentry()) {
            case Reentry.OncePer per -> reentry.covered(trigger.id(), event.userId(), event.id(), event.timestamp())
                    ? Optional.of(Reentry.wire(per)) : Optional.empty();
            case Reentry.Once once -> messages.find(messageId).isPresent() ? Optional.of(Reentry.wire(once)) : Optional.empty();
            case Reentry.Always always -> Optional.empty();
            case Reentry.Replace replace -> Optional.empty();
        };
    }
}
