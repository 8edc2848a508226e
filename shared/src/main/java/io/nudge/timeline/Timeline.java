package io.nudge.timeline;

import io.nudge.model.Message;
import io.nudge.model.Times;
import io.nudge.store.EventStore;
import io.nudge.store.MessageStore;
import io.nudge.store.TimeKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A user's events and messages, newest first, a page at a time: two keys-only index queries (Events byUserTime,
 * Messages byUser, each newest first, {@code limit + 1} entries from where its stream stopped), merged by time, then
 * the chosen items read whole (BatchGetItem). The merge runs over index entries, not items, so that an entry left out
 * afterwards (an expired or erased event) never makes the other stream skip ahead: a page may then hold fewer than
 * {@code limit} entries, but none is lost or repeated. At the same instant a message comes before an event (the event
 * that made a message is older or as old). The cursor names where each stream stopped ({@link TimelineCursor}).
 */
public final class Timeline {
    public static final int MAX_LIMIT = 200;

    private final EventStore events;
    private final MessageStore messages;
    private final Optional<io.nudge.topics.TopicChoiceLog> choices;
    private final Clock clock;

    public Timeline(EventStore events, MessageStore messages, Clock clock) {
        this(events, messages, Optional.empty(), clock);
    }

    /** With a third stream: the person's topic choices (their log, by time). */
    public Timeline(EventStore events, MessageStore messages, Optional<io.nudge.topics.TopicChoiceLog> choices, Clock clock) {
        this.events = Objects.requireNonNull(events, "events");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.choices = Objects.requireNonNull(choices, "choices");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public sealed interface Entry {
        Instant at();
    }

    /** An event as stored, with its evaluation. */
    public record EventEntry(EventStore.Stored stored) implements Entry {
        @Override
        public Instant at() {
            return stored.event().receivedAt();
        }
    }

    public record MessageEntry(Message message) implements Entry {
        @Override
        public Instant at() {
            return message.createdAt();
        }
    }

    /** A change of the person's choice on a topic and channel. */
    public record ChoiceEntry(io.nudge.topics.TopicChoiceLog.Change change) implements Entry {
        @Override
        public Instant at() {
            return change.at();
        }
    }

    /** {@code next} is empty at the end of the timeline. */
    public record Page(String userId, List<Entry> entries, Optional<String> next) {
        public Page {
            entries = List.copyOf(entries);
        }
    }

    /**
     * @param cursor a {@link Page#next} of this user's timeline, or empty for the newest entries
     * @throws io.nudge.validation.InvalidInputException (field {@code cursor}) for a cursor that is not one of this user's
     */
    public Page page(String userId, int limit, Optional<String> cursor) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT + ": " + limit);
        }
        TimelineCursor from = cursor.map(c -> TimelineCursor.decode(c, userId)).orElse(TimelineCursor.start(userId));
        List<TimeKey> eventKeys = events.newestForUser(userId, from.events(), limit + 1);
        List<TimeKey> messageKeys = messages.newestForUser(userId, from.messages(), limit + 1);
        List<io.nudge.topics.TopicChoiceLog.Change> choiceList = choices.map(log -> log.newestFor(userId, from.choices(), limit + 1))
                .orElse(List.of());

        // Which stream each entry of the page comes from, in order (0: events, 1: messages, 2: topic choices).
        List<Integer> order = new ArrayList<>(limit);
        int e = 0;
        int m = 0;
        int c = 0;
        while (order.size() < limit && (e < eventKeys.size() || m < messageKeys.size() || c < choiceList.size())) {
            Instant eventAt = e < eventKeys.size() ? Times.parse(eventKeys.get(e).at()) : null;
            Instant messageAt = m < messageKeys.size() ? Times.parse(messageKeys.get(m).at()) : null;
            Instant choiceAt = c < choiceList.size() ? choiceList.get(c).at() : null;
            // newest first; at the same instant a message before an event (as before), a choice after both
            boolean event = eventAt != null && (messageAt == null || eventAt.isAfter(messageAt)) && (choiceAt == null || !choiceAt.isAfter(eventAt));
            boolean message = !event && messageAt != null && (choiceAt == null || !choiceAt.isAfter(messageAt));
            int stream = event ? 0 : message ? 1 : 2;
            order.add(stream);
            if (stream == 0) {
                e++;
            } else if (stream == 1) {
                m++;
            } else {
                c++;
            }
        }
        List<TimeKey> takenEvents = eventKeys.subList(0, e);
        List<TimeKey> takenMessages = messageKeys.subList(0, m);
        Map<String, EventStore.Stored> storedEvents = events.findAll(takenEvents.stream().map(TimeKey::id).toList(), clock.instant());
        Map<String, Message> storedMessages = new java.util.HashMap<>();
        for (Message message : messages.findAll(takenMessages.stream().map(TimeKey::id).toList())) {
            storedMessages.put(message.id(), message);
        }

        List<Entry> entries = new ArrayList<>(order.size());
        int ei = 0;
        int mi = 0;
        int ci = 0;
        for (int stream : order) {
            if (stream == 2) {
                entries.add(new ChoiceEntry(choiceList.get(ci++)));
            } else if (stream == 0) {
                EventStore.Stored stored = storedEvents.get(takenEvents.get(ei++).id());
                if (stored != null) {
                    entries.add(new EventEntry(stored));
                }
            } else {
                Message message = storedMessages.get(takenMessages.get(mi++).id());
                if (message != null) {
                    entries.add(new MessageEntry(message));
                }
            }
        }
        boolean more = e < eventKeys.size() || m < messageKeys.size() || c < choiceList.size();
        Optional<String> next = more ? Optional.of(new TimelineCursor(userId,
                e == 0 ? from.events() : Optional.of(eventKeys.get(e - 1)),
                m == 0 ? from.messages() : Optional.of(messageKeys.get(m - 1)),
                c == 0 ? from.choices() : Optional.of(choiceList.get(c - 1).key())).encode()) : Optional.empty();
        return new Page(userId, entries, next);
    }
}
