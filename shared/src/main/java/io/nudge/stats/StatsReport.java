package io.nudge.stats;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Totals, per-day rows and the rates people read, from the counters. */
public final class StatsReport {
    private StatsReport() {}

    public static ObjectNode build(Subject subject, LocalDate from, LocalDate to, List<StatsStore.DayCounts> days) {
        Map<String, Long> totals = new TreeMap<>();
        Map<LocalDate, Map<String, Long>> perDay = new TreeMap<>();
        ObjectNode byChannel = Json.object();
        for (StatsStore.DayCounts day : days) {
            day.counts().forEach((k, v) -> {
                totals.merge(k, v, Long::sum);
                perDay.computeIfAbsent(day.day(), d -> new TreeMap<>()).merge(k, v, Long::sum);
            });
            ObjectNode channel = byChannel.has(day.channel().wire()) ? (ObjectNode) byChannel.get(day.channel().wire())
                    : byChannel.putObject(day.channel().wire());
            day.counts().forEach((k, v) -> channel.put(k, channel.path(k).asLong(0) + v));
        }
        ObjectNode json = Json.object();
        json.put(subject.kind().name().toLowerCase(java.util.Locale.ROOT) + "Id", subject.id());
        json.put("from", from == null ? null : from.toString());
        json.put("to", to == null ? null : to.toString());
        json.set("totals", counts(totals));
        json.set("rates", rates(totals));
        json.set("channels", byChannel);
        ArrayNode rows = json.putArray("days");
        perDay.forEach((day, counts) -> {
            ObjectNode row = rows.addObject();
            row.put("day", day.toString());
            row.set("counts", counts(counts));
            row.set("rates", rates(counts));
        });
        return json;
    }

    /** The counts object of a report's totals and day rows, for counters added up elsewhere (the overview). */
    public static ObjectNode countsOf(Map<String, Long> counts) {
        return counts(counts);
    }

    /** The rates object of a report's totals and day rows. */
    public static ObjectNode ratesOf(Map<String, Long> counts) {
        return rates(counts);
    }

    private static ObjectNode counts(Map<String, Long> counts) {
        ObjectNode json = Json.object();
        for (Counter c : Counter.values()) {
            json.put(c.wire(), counts.getOrDefault(c.wire(), 0L));
        }
        ObjectNode suppressed = json.putObject("suppressed");
        counts.forEach((k, v) -> {
            if (k.startsWith("suppressed.")) {
                suppressed.put(k.substring("suppressed.".length()), v);
            }
        });
        return json;
    }

    /** Delivery, bounce and conversion per sent; open, click-through and complaint per delivered (as mailbox providers count). */
    private static ObjectNode rates(Map<String, Long> c) {
        long sent = c.getOrDefault("sent", 0L);
        long delivered = c.getOrDefault("delivered", 0L);
        ObjectNode json = Json.object();
        json.put("delivery", ratio(delivered, sent));
        json.put("open", ratio(c.getOrDefault("opened", 0L), delivered));
        json.put("clickThrough", ratio(c.getOrDefault("clicked", 0L), delivered));
        json.put("conversion", ratio(c.getOrDefault("converted", 0L), sent));
        json.put("bounce", ratio(c.getOrDefault("bounced", 0L), sent));
        json.put("complaint", ratio(c.getOrDefault("complained", 0L), delivered));
        return json;
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0.0 : Math.round(part * 10_000.0 / whole) / 10_000.0;
    }
}
