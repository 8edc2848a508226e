package io.nudge.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.trigger.Condition;
import io.nudge.trigger.TriggerDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A prototype of what evaluation could do instead of walking every condition's path anew: per event name, the distinct
 * paths its triggers' conditions read are numbered once, when the index is built; per event each path is resolved at
 * most once (lazily) and each condition only compares ({@link Condition#holds}). Same result as the plain loop — the
 * first failing condition still decides — which the smoke test checks. Not used by Nudge yet: EvaluateService would
 * call it (see bench/results/jmh.md).
 */
public final class PathSharingMatcher {
    private record Compiled(List<TriggerDefinition> triggers, int[][] pathOfCondition, Condition[] representative) {}

    private final Map<String, Compiled> byEvent = new HashMap<>();

    public PathSharingMatcher(Map<String, List<TriggerDefinition>> triggersByEvent) {
        triggersByEvent.forEach((event, triggers) -> {
            Map<List<String>, Integer> paths = new HashMap<>();
            List<Condition> representatives = new ArrayList<>();
            int[][] pathOf = new int[triggers.size()][];
            for (int t = 0; t < triggers.size(); t++) {
                List<Condition> conditions = triggers.get(t).conditions();
                pathOf[t] = new int[conditions.size()];
                for (int c = 0; c < conditions.size(); c++) {
                    Condition condition = conditions.get(c);
                    Integer id = paths.get(condition.segments());
                    if (id == null) {
                        id = representatives.size();
                        paths.put(condition.segments(), id);
                        representatives.add(condition);
                    }
                    pathOf[t][c] = id;
                }
            }
            byEvent.put(event, new Compiled(List.copyOf(triggers), pathOf, representatives.toArray(Condition[]::new)));
        });
    }

    public int matchCount(String eventName, ObjectNode context) {
        Compiled compiled = byEvent.get(eventName);
        if (compiled == null) {
            return 0;
        }
        int paths = compiled.representative().length;
        JsonNode[] values = new JsonNode[paths];
        boolean[] resolved = new boolean[paths];
        int matched = 0;
        for (int t = 0; t < compiled.triggers().size(); t++) {
            TriggerDefinition trigger = compiled.triggers().get(t);
            if (!trigger.enabled()) {
                continue;
            }
            List<Condition> conditions = trigger.conditions();
            int[] pathOf = compiled.pathOfCondition()[t];
            boolean all = true;
            for (int c = 0; c < conditions.size(); c++) {
                int p = pathOf[c];
                if (!resolved[p]) {
                    values[p] = compiled.representative()[p].resolve(context);
                    resolved[p] = true;
                }
                if (!conditions.get(c).holds(values[p])) {
                    all = false;
                    break;
                }
            }
            if (all) {
                matched++;
            }
        }
        return matched;
    }
}
