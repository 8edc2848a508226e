package io.nudge.journey;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.stats.StatsReport;
import io.nudge.stats.StatsStore;
import io.nudge.stats.Subject;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET /v1/stats/journeys/{id}}: the journey's totals, each step's entries, edges and exits, each send step's
 * message counters and rates (as a trigger's), and each split arm's conversion. Steps are the current version's, in
 * document order, then any step only an older version had; counters are summed over versions by step id.
 */
public final class JourneyStatsReport {
    /** The key of {@code edges} for leaving to the end of the journey (a step without next, an exit step). */
    public static final String END = "end";

    private JourneyStatsReport() {}

    public static ObjectNode build(JourneyDefinition journey, JourneyStats.Flow flow, StatsStore stats, LocalDate from, LocalDate to) {
        ObjectNode json = Json.object();
        json.put("journeyId", journey.id());
        json.put("from", from == null ? null : from.toString());
        json.put("to", to == null ? null : to.toString());
        Set<String> stepIds = new LinkedHashSet<>(journey.steps().keySet());
        stepIds.addAll(flow.steps().keySet());

        long entered = 0;
        long completed = 0;
        Map<String, Long> exited = new TreeMap<>();
        ObjectNode steps = Json.object();
        for (String id : stepIds) {
            Map<String, Long> c = flow.steps().getOrDefault(id, Map.of());
            entered += c.getOrDefault("entries", 0L);
            ObjectNode step = steps.putObject(id);
            step.put("entered", flow.entered(id));
            ObjectNode left = step.putObject("left");
            ObjectNode edges = step.putObject("edges");
            ObjectNode stepExited = step.putObject("exited");
            for (Map.Entry<String, Long> e : c.entrySet()) {
                String name = e.getKey();
                long n = e.getValue();
                if (name.startsWith("left.")) {
                    left.put(name.substring(5), n);
                } else if (name.startsWith("to.")) {
                    add(edges, name.substring(3), n);
                } else if (name.equals("end")) {
                    add(edges, END, n);
                } else if (name.startsWith("exited.")) {
                    stepExited.put(name.substring(7), n);
                    exited.merge(name.substring(7), n, Long::sum);
                } else if (name.startsWith("completed.")) {
                    completed += n;
                }
            }
        }
        ObjectNode totals = json.putObject("totals");
        totals.put("entered", entered);
        totals.put("completed", completed);
        ObjectNode totalExited = totals.putObject("exited");
        exited.forEach(totalExited::put);
        totals.put("converted", flow.journey().getOrDefault("converted", 0L));
        json.set("steps", steps);

        ObjectNode messages = json.putObject("messages");
        ObjectNode arms = json.putObject("arms");
        journey.steps().forEach((id, step) -> {
            if (step instanceof JourneyStep.Send) {
                messages.set(id, messageCounts(stats, Subject.journeyStep(journey.id(), id), from, to));
            } else if (step instanceof JourneyStep.Split split) {
                ObjectNode splitArms = arms.putObject(id);
                for (JourneyStep.Split.Arm arm : split.arms()) {
                    // the instances that took the arm: the split's edge to the arm's next (arms sharing a next share it)
                    long took = flow.step(id, arm.next().map(n -> "to." + n).orElse("end"));
                    long converted = flow.journey().getOrDefault("arm." + id + "." + arm.id(), 0L);
                    ObjectNode a = splitArms.putObject(arm.id());
                    a.put("entered", took);
                    a.put("converted", converted);
                    a.put("conversionRate", took == 0 ? 0.0 : Math.round(converted * 10_000.0 / took) / 10_000.0);
                }
            }
        });
        return json;
    }

    /** A send step's message counters (a trigger report's totals) with their rates. */
    private static ObjectNode messageCounts(StatsStore stats, Subject subject, LocalDate from, LocalDate to) {
        Map<String, Long> totals = new TreeMap<>();
        for (StatsStore.DayCounts day : stats.read(subject, from, to)) {
            day.counts().forEach((k, v) -> totals.merge(k, v, Long::sum));
        }
        ObjectNode json = StatsReport.countsOf(totals);
        json.set("rates", StatsReport.ratesOf(totals));
        return json;
    }

    private static void add(ObjectNode object, String field, long n) {
        object.put(field, object.path(field).asLong(0) + n);
    }
}
