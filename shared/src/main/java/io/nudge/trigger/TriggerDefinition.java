package io.nudge.trigger;

import io.nudge.model.Channel;
import io.nudge.model.Priority;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Objects;

/**
 * "When {event} happens and every condition holds, send {template} on {channel}" — after {delay}, at the next
 * {sendAt} local time, unless a {cancelOn} event comes first, and as often as {reentry} allows; it converted when
 * the user does the {conversion} event within its window.
 */
public record TriggerDefinition(
        String id,
        String event,
        List<Condition> conditions,
        Channel channel,
        String template,
        Priority priority,
        boolean enabled,
        Duration delay,
        List<CancelRule> cancelOn,
        Reentry reentry,
        Optional<SendAt> sendAt,
        QuietHoursSetting quietHours,
        Optional<Integer> frequencyCap,
        Optional<ConversionGoal> conversion,
        Optional<String> topic) {
    public TriggerDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(event, "event");
        conditions = List.copyOf(conditions);
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(delay, "delay");
        cancelOn = List.copyOf(cancelOn);
        Objects.requireNonNull(reentry, "reentry");
        Objects.requireNonNull(sendAt, "sendAt");
        Objects.requireNonNull(quietHours, "quietHours");
        Objects.requireNonNull(frequencyCap, "frequencyCap");
        Objects.requireNonNull(conversion, "conversion");
        Objects.requireNonNull(topic, "topic");
    }

    /** Without a topic (triggers from before topics, tests). */
    public TriggerDefinition(String id, String event, List<Condition> conditions, Channel channel, String template, Priority priority,
            boolean enabled, Duration delay, List<CancelRule> cancelOn, Reentry reentry, Optional<SendAt> sendAt, QuietHoursSetting quietHours,
            Optional<Integer> frequencyCap, Optional<ConversionGoal> conversion) {
        this(id, event, conditions, channel, template, priority, enabled, delay, cancelOn, reentry, sendAt, quietHours, frequencyCap,
                conversion, Optional.empty());
    }

    /** Sent at once: no delay and no send-time rule. */
    public boolean immediate() {
        return delay.isZero() && sendAt.isEmpty();
    }
}
