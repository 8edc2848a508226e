package io.nudge.journey;

import io.nudge.trigger.Condition;
import io.nudge.validation.InvalidInputException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks of a journey as a graph, in the order a reader fixes them: every step named exists, no cycle, every step
 * reachable, at most a year of waiting on any path, and condition paths that read what is there when they run.
 * Each failure names the field (a JSON pointer) and the steps involved.
 */
final class JourneyGraphCheck {
    private record Edge(String from, String pointer, String to) {}

    private final String start;
    private final Map<String, JourneyStep> steps;
    private final Map<String, List<Edge>> edges = new HashMap<>();

    private JourneyGraphCheck(String start, Map<String, JourneyStep> steps) {
        this.start = start;
        this.steps = steps;
        steps.forEach((id, step) -> edges.put(id, edgesOf(id, step)));
    }

    static void check(String start, Map<String, JourneyStep> steps) {
        new JourneyGraphCheck(start, steps).run();
    }

    private void run() {
        if (!steps.containsKey(start)) {
            throw new InvalidInputException("unknown_step", "/start", "start names step " + start + ", which is not in /steps");
        }
        for (String id : steps.keySet()) {
            for (Edge e : edges.get(id)) {
                if (!steps.containsKey(e.to())) {
                    throw new InvalidInputException("unknown_step", e.pointer(), e.pointer() + " names step " + e.to() + ", which is not in /steps");
                }
            }
        }
        List<String> order = topologicalOrder();
        Set<String> reachable = reachableFrom(List.of(start));
        for (String id : steps.keySet()) {
            if (!reachable.contains(id)) {
                throw new InvalidInputException("unreachable_step", "/steps/" + JourneyParser.escape(id),
                        "no path from start (" + start + ") reaches step " + id);
            }
        }
        checkWaiting(order);
        checkConditions(order);
    }

    /** Depth-first over every step in document order; a back edge is a cycle, reported with the steps on it. */
    private List<String> topologicalOrder() {
        Map<String, Integer> state = new HashMap<>(); // 1 on the stack, 2 done
        List<String> postOrder = new ArrayList<>();
        for (String root : steps.keySet()) {
            if (state.containsKey(root)) {
                continue;
            }
            Deque<String> path = new ArrayDeque<>();
            visit(root, state, path, postOrder);
        }
        Collections.reverse(postOrder);
        return postOrder;
    }

    private void visit(String id, Map<String, Integer> state, Deque<String> path, List<String> postOrder) {
        state.put(id, 1);
        path.addLast(id);
        for (Edge e : edges.get(id)) {
            Integer s = state.get(e.to());
            if (s == null) {
                visit(e.to(), state, path, postOrder);
            } else if (s == 1) {
                List<String> cycle = new ArrayList<>(path);
                cycle = new ArrayList<>(cycle.subList(cycle.indexOf(e.to()), cycle.size()));
                cycle.add(e.to());
                throw new InvalidInputException("cycle", e.pointer(),
                        "journeys are acyclic: steps " + String.join(" → ", cycle) + " form a cycle");
            }
        }
        path.removeLast();
        state.put(id, 2);
        postOrder.add(id);
    }

    private Set<String> reachableFrom(List<String> roots) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            String id = todo.pop();
            if (seen.add(id)) {
                edges.get(id).forEach(e -> todo.push(e.to()));
            }
        }
        return seen;
    }

    /** The longest waiting (delays and wait_for timeouts) to the end of each step; the first over a year is named. */
    private void checkWaiting(List<String> order) {
        Map<String, Duration> waited = new HashMap<>();
        for (String id : order) {
            waited.putIfAbsent(id, Duration.ZERO);
            JourneyStep step = steps.get(id);
            Duration own = switch (step) {
                case JourneyStep.Delay d -> d.duration();
                case JourneyStep.WaitFor w -> w.timeout();
                default -> Duration.ZERO;
            };
            Duration total = waited.get(id).plus(own);
            if (total.compareTo(JourneyParser.MAX_WAITING) > 0) {
                String field = step instanceof JourneyStep.Delay ? "duration" : "timeout";
                throw new InvalidInputException("too_long", "/steps/" + JourneyParser.escape(id) + "/" + field,
                        "a path through step " + id + " waits " + total.toDays() + " days; a journey waits at most 365 days on any path");
            }
            for (Edge e : edges.get(id)) {
                waited.merge(e.to(), total, (a, b) -> a.compareTo(b) >= 0 ? a : b);
            }
        }
    }

    /**
     * {@code steps.<id>} must name a send step passed on every path from start to the branch (it dominates it), so the
     * value is there whichever way the user came; {@code event.*} needs a wait_for before the branch on some path.
     */
    private void checkConditions(List<String> order) {
        Map<String, Set<String>> dominators = new HashMap<>();
        Map<String, List<String>> predecessors = new HashMap<>();
        edges.values().forEach(out -> out.forEach(e -> predecessors.computeIfAbsent(e.to(), k -> new ArrayList<>()).add(e.from())));
        for (String id : order) {
            Set<String> dom = null;
            for (String p : predecessors.getOrDefault(id, List.of())) {
                if (dom == null) {
                    dom = new HashSet<>(dominators.get(p));
                } else {
                    dom.retainAll(dominators.get(p));
                }
            }
            if (id.equals(start) || dom == null) {
                dom = new HashSet<>();
            }
            dom.add(id);
            dominators.put(id, dom);
        }
        List<String> afterWaits = new ArrayList<>();
        steps.forEach((id, step) -> {
            if (step instanceof JourneyStep.WaitFor) {
                edges.get(id).forEach(e -> afterWaits.add(e.to()));
            }
        });
        Set<String> afterWait = reachableFrom(afterWaits);
        steps.forEach((id, step) -> {
            if (!(step instanceof JourneyStep.Branch branch)) {
                return;
            }
            for (int i = 0; i < branch.branches().size(); i++) {
                List<Condition> conditions = branch.branches().get(i).conditions();
                for (int j = 0; j < conditions.size(); j++) {
                    String pointer = "/steps/" + JourneyParser.escape(id) + "/branches/" + i + "/conditions/" + j + "/path";
                    List<String> path = conditions.get(j).segments();
                    if (path.get(0).equals("steps")) {
                        String read = path.get(1);
                        if (!(steps.get(read) instanceof JourneyStep.Send) || read.equals(id) || !dominators.get(id).contains(read)) {
                            throw new InvalidInputException("step_not_before", pointer, "path " + conditions.get(j).path()
                                    + " must name a send step that every path from start passes before step " + id);
                        }
                    } else if (path.get(0).equals("event") && !afterWait.contains(id)) {
                        throw new InvalidInputException("no_waking_event", pointer, "path " + conditions.get(j).path()
                                + " reads the event that woke a wait_for step, and no wait_for step leads to step " + id
                                + "; use entry.* for the entry event");
                    }
                }
            }
        });
    }

    private static List<Edge> edgesOf(String id, JourneyStep step) {
        String at = "/steps/" + JourneyParser.escape(id);
        List<Edge> out = new ArrayList<>();
        switch (step) {
            case JourneyStep.Send s -> s.next().ifPresent(n -> out.add(new Edge(id, at + "/next", n)));
            case JourneyStep.Delay d -> d.next().ifPresent(n -> out.add(new Edge(id, at + "/next", n)));
            case JourneyStep.WaitFor w -> {
                w.next().ifPresent(n -> out.add(new Edge(id, at + "/next", n)));
                w.timeoutNext().ifPresent(n -> out.add(new Edge(id, at + "/timeoutNext", n)));
            }
            case JourneyStep.Branch b -> {
                for (int i = 0; i < b.branches().size(); i++) {
                    String pointer = at + "/branches/" + i + "/next";
                    b.branches().get(i).next().ifPresent(n -> out.add(new Edge(id, pointer, n)));
                }
                b.defaultNext().ifPresent(n -> out.add(new Edge(id, at + "/default", n)));
            }
            case JourneyStep.Split s -> {
                for (int i = 0; i < s.arms().size(); i++) {
                    String pointer = at + "/arms/" + i + "/next";
                    s.arms().get(i).next().ifPresent(n -> out.add(new Edge(id, pointer, n)));
                }
            }
            case JourneyStep.UpdateUser u -> u.next().ifPresent(n -> out.add(new Edge(id, at + "/next", n)));
            case JourneyStep.Exit e -> { }
        }
        return out;
    }
}
