package io.nudge.outbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.messages.MessageSource;
import io.nudge.model.Channel;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stream-out events about a message, built the same way by the change that causes them and by the retry that
 * finds the change already applied: the id is derived from the message and the event's cause, never from the time
 * it is built.
 */
public final class MessageEvents {
    /** The statuses that are events, and theirs. */
    private static final Map<MessageStatus, OutboundType> STATUS_EVENTS = Map.of(
            MessageStatus.SENT, OutboundType.MESSAGE_SENT,
            MessageStatus.DELIVERED, OutboundType.MESSAGE_DELIVERED,
            MessageStatus.BOUNCED, OutboundType.MESSAGE_BOUNCED,
            MessageStatus.COMPLAINED, OutboundType.MESSAGE_COMPLAINED,
            MessageStatus.FAILED, OutboundType.MESSAGE_FAILED,
            MessageStatus.SUPPRESSED, OutboundType.MESSAGE_SUPPRESSED);

    private MessageEvents() {}

    public static Optional<OutboundType> typeOf(MessageStatus status) {
        return Optional.ofNullable(STATUS_EVENTS.get(status));
    }

    /**
     * {@code message} moved to {@code status} at {@code at} for {@code reason}. {@code to} is where it went (the
     * claim's address); only an email address or phone number is kept, and only subscriptions that ask see it.
     */
    public static Optional<OutboundEvent> statusChanged(Message message, MessageStatus status, Optional<String> reason,
            Optional<String> providerMessageId, Optional<String> to, Instant at) {
        return typeOf(status).map(type -> {
            ObjectNode data = Json.object();
            data.put("status", status.name());
            reason.ifPresent(r -> data.put("reason", scrub(r, to)));
            providerMessageId.ifPresent(p -> data.put("providerMessageId", p));
            data.put("templateId", message.templateId());
            data.put("priority", message.priority().name().toLowerCase(java.util.Locale.ROOT));
            return build(message, type, Ids.derive("outbound", type.wire(), message.id()), at, data, personal(message.channel(), to));
        });
    }

    /**
     * The events of the statuses in {@code statuses} that {@code message}'s history holds (the first entry of each),
     * as their change made them: how a retry repairs a record it may have failed to write.
     */
    public static List<OutboundEvent> fromHistory(Message message, java.util.Set<MessageStatus> statuses) {
        java.util.List<OutboundEvent> found = new java.util.ArrayList<>();
        java.util.Set<MessageStatus> seen = java.util.EnumSet.noneOf(MessageStatus.class);
        for (HistoryEntry entry : message.history()) {
            if (statuses.contains(entry.status()) && seen.add(entry.status())) {
                Optional<String> provider = entry.status() == MessageStatus.SENT && message.channel() != Channel.WEBHOOK
                        ? message.providerMessageId() : Optional.empty();
                Optional<String> reason = entry.status() == MessageStatus.SENT && message.channel() != Channel.WEBHOOK
                        ? Optional.empty() : Optional.ofNullable(entry.reason());
                statusChanged(message, entry.status(), reason, provider, message.to(), entry.at()).ifPresent(found::add);
            }
        }
        return found;
    }

    /** One open or click notification; {@code cause} is what tells it from the others (the feedback ledger's key). */
    public static OutboundEvent engaged(Message message, OutboundType type, String cause, Optional<String> link, Instant at) {
        ObjectNode data = Json.object();
        link.ifPresent(l -> data.put("url", io.nudge.feedback.Redact.link(l)));
        return build(message, type, Ids.derive("outbound", type.wire(), message.id(), cause), at, data, Optional.empty());
    }

    /** The message's conversion: {@code eventName} / {@code eventId} is the goal event. One per message. */
    public static OutboundEvent converted(Message message, String eventName, String eventId, Instant at) {
        ObjectNode data = Json.object();
        data.put("event", eventName);
        data.put("eventId", eventId);
        return build(message, OutboundType.MESSAGE_CONVERTED, Ids.derive("outbound", OutboundType.MESSAGE_CONVERTED.wire(), message.id()),
                at, data, Optional.empty());
    }

    /**
     * A reason without the address it may quote: an SMTP diagnostic or a carrier's words (already redacted when parsed),
     * or a webhook endpoint's answer, which nobody redacted.
     */
    static String scrub(String reason, Optional<String> to) {
        String text = to.filter(a -> !a.isBlank()).map(a -> reason.replace(a, "<address>")).orElse(reason);
        return io.nudge.feedback.Redact.words(text);
    }

    private static Optional<String> personal(Channel channel, Optional<String> to) {
        return channel == Channel.EMAIL || channel == Channel.SMS ? to : Optional.empty();
    }

    private static OutboundEvent build(Message message, OutboundType type, String id, Instant at, ObjectNode data,
            Optional<String> address) {
        MessageSource source = MessageSource.of(message);
        Optional<String> trigger = source.kind() == MessageSource.Kind.TRIGGER ? Optional.ofNullable(message.triggerId()) : Optional.empty();
        Optional<String> campaign = source.kind() == MessageSource.Kind.CAMPAIGN ? Optional.of(source.id()) : Optional.empty();
        Optional<String> journey = source.kind() == MessageSource.Kind.JOURNEY ? Optional.of(source.id()) : Optional.empty();
        return new OutboundEvent(id, type, at, message.userId(), Optional.of(message.id()), trigger, campaign, journey,
                Optional.of(message.channel()), data, address);
    }
}
