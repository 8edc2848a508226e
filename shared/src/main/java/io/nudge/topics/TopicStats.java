package io.nudge.topics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.stats.StatsStore;
import io.nudge.stats.Subject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A topic's numbers, kept as counters in the Stats table (subject {@code topic}): each change of a person's choice
 * adds to the day's {@code subscribed} or {@code unsubscribed} (and the same by source), and moves the explicit
 * totals ({@code explicit.subscribed}, {@code explicit.unsubscribed}: +1 for the new state, -1 for the old one), so
 * who chose what is never counted by scanning users. deliver and process-feedback count the topic's messages
 * {@code sent} and {@code complained}.
 */
public final class TopicStats {
    public static final String SENT = "sent";
    public static final String COMPLAINED = "complained";

    private final Optional<StatsStore> stats;
    private final Optional<TopicChoiceLog> log;

    private TopicStats(Optional<StatsStore> stats, Optional<TopicChoiceLog> log) {
        this.stats = stats;
        this.log = log;
    }

    /** The counters, and each change in the person's choice log. */
    public static TopicStats over(StatsStore stats, TopicChoiceLog log) {
        return new TopicStats(Optional.of(stats), Optional.of(log));
    }

    public static TopicStats none() {
        return new TopicStats(Optional.empty(), Optional.empty());
    }

    /**
     * {@code userId}'s choice on {@code topic} and {@code channel} was written as {@code after} (from {@code before};
     * none: the default): logged, and counted when the status changed.
     */
    public void choiceChanged(String userId, String topic, Channel channel, Optional<TopicStatus> before, TopicStatus after, String source,
            Instant at) {
        log.ifPresent(l -> l.append(userId, topic, channel, after, source, at));
        if (stats.isEmpty() || before.map(b -> b == after).orElse(false)) {
            return;
        }
        LocalDate day = at.atZone(ZoneOffset.UTC).toLocalDate();
        Subject subject = Subject.topic(topic);
        stats.get().add(subject, channel, day, after.wire(), 1);
        stats.get().add(subject, channel, day, after.wire() + "." + source, 1);
        stats.get().add(subject, channel, day, "explicit." + after.wire(), 1);
        before.ifPresent(b -> stats.get().add(subject, channel, day, "explicit." + b.wire(), -1));
    }

    /**
     * {@code GET /v1/stats/topics/{id}}: explicit choices by channel (all time), changes per day and by source in
     * {@code from}..{@code to}, and the topic's messages in that window with their unsubscribe and complaint rates.
     */
    public ObjectNode report(String topic, LocalDate from, LocalDate to) {
        ObjectNode json = Json.object();
        json.put("topicId", topic);
        json.put("from", from.toString());
        json.put("to", to.toString());
        json.put("note", "explicit counts the people who chose; people on the topic's default are not counted one by one");
        Map<String, long[]> explicit = new TreeMap<>();
        StatsStore store = stats.orElseThrow();
        for (StatsStore.DayCounts day : store.read(Subject.topic(topic), null, null)) {
            long[] counts = explicit.computeIfAbsent(day.channel().wire(), c -> new long[2]);
            counts[0] += day.counts().getOrDefault("explicit.subscribed", 0L);
            counts[1] += day.counts().getOrDefault("explicit.unsubscribed", 0L);
        }
        ObjectNode byChannel = json.putObject("explicit");
        explicit.forEach((channel, counts) -> byChannel.putObject(channel).put("subscribed", counts[0]).put("unsubscribed", counts[1]));
        var days = json.putArray("days");
        Map<String, Map<String, Long>> bySource = new TreeMap<>();
        long sent = 0;
        long complained = 0;
        long unsubscribedByLink = 0;
        for (StatsStore.DayCounts day : store.read(Subject.topic(topic), from, to)) {
            days.addObject().put("day", day.day().toString()).put("channel", day.channel().wire())
                    .put("subscribed", day.counts().getOrDefault("subscribed", 0L))
                    .put("unsubscribed", day.counts().getOrDefault("unsubscribed", 0L));
            for (Map.Entry<String, Long> count : day.counts().entrySet()) {
                String[] parts = count.getKey().split("\\.", 2);
                if (parts.length == 2 && (parts[0].equals("subscribed") || parts[0].equals("unsubscribed"))) {
                    bySource.computeIfAbsent(parts[0], k -> new TreeMap<>()).merge(parts[1], count.getValue(), Long::sum);
                }
            }
            sent += day.counts().getOrDefault(SENT, 0L);
            complained += day.counts().getOrDefault(COMPLAINED, 0L);
            unsubscribedByLink += day.counts().getOrDefault("unsubscribed.unsubscribe", 0L);
        }
        ObjectNode sources = json.putObject("bySource");
        bySource.forEach((status, counts) -> {
            ObjectNode s = sources.putObject(status);
            counts.forEach(s::put);
        });
        ObjectNode messages = json.putObject("messages");
        messages.put("sent", sent).put("complained", complained).put("unsubscribedByLink", unsubscribedByLink);
        if (sent > 0) {
            messages.put("unsubscribeRate", (double) unsubscribedByLink / sent).put("complaintRate", (double) complained / sent);
        }
        return json;
    }
}
