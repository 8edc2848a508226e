package io.nudge.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The conditions of every trigger one event name fires, compiled when the index is built, so that evaluating an event
 * walks each distinct path once and then only compares. Per event: each path (and its prefixes, so "event.properties"
 * is walked once) is resolved at most once, lazily, into its JSON node, its text and its number as a double; each
 * distinct condition (path, operator, value) is decided at most once, shared by every trigger that has it; deciding is
 * a switch over a precompiled kind (equal doubles, and any case not specialised here, go to {@link Condition#holds},
 * the exact rule). The result is the same as testing each trigger's conditions in order with {@link Condition#test}:
 * the first failing condition decides (TriggerMatcherTest compares the two over generated triggers and contexts).
 */
public final class TriggerMatcher {
    /** In {@link #match}'s result: every condition held. */
    public static final int MATCHED = -1;
    /** In {@link #match}'s result: the trigger is disabled; its conditions were not looked at. */
    public static final int DISABLED = -2;

    private static final TriggerMatcher NONE = new TriggerMatcher(List.of());

    // Value kinds of a resolved path.
    private static final byte UNRESOLVED = 0;
    private static final byte ABSENT = 1;
    private static final byte TEXT = 2;
    private static final byte NUMBER = 3;
    private static final byte OTHER = 4;

    // Compiled condition kinds.
    private static final int GENERIC = 0;
    private static final int EXISTS = 1;
    private static final int NOT_EXISTS = 2;
    private static final int EQ_TEXT = 3;
    private static final int NE_TEXT = 4;
    private static final int IN_TEXT = 5;
    private static final int NOT_IN_TEXT = 6;
    private static final int CMP_NUMBER = 7;
    private static final int EQ_NUMBER = 8;
    private static final int NE_NUMBER = 9;
    private static final int STARTS_WITH = 10;
    private static final int CONTAINS_TEXT = 11;

    private final List<TriggerDefinition> triggers;
    private final boolean[] enabled;
    /** Per trigger, the first index into {@link #conditionOf}; {@code start[t + 1]} ends it. */
    private final int[] start;
    /** The distinct condition (path, operator, value) at each position; equal conditions share one result per event. */
    private final int[] conditionOf;
    private final Compiled[] compiled;
    /** Each distinct path and each of its prefixes: the parent's number (-1 for the context itself) and the last segment. */
    private final int[] parentOf;
    private final String[] segmentOf;

    /** One distinct condition, compiled. */
    private static final class Compiled {
        final Condition condition;
        final int path;
        final int kind;
        final String text;
        final Set<String> texts;
        final double number;
        /** For CMP_NUMBER: which orders hold (bit 0: less, bit 1: greater). */
        final int accepts;

        Compiled(Condition condition, int path) {
            this.condition = condition;
            this.path = path;
            JsonNode value = condition.value();
            boolean textValue = value != null && value.isTextual();
            boolean numberValue = value != null && value.isNumber();
            boolean arrayValue = value != null && value.isArray();
            kind = kindOf(condition.op(), textValue, numberValue, arrayValue);
            text = textValue ? value.textValue() : null;
            number = numberValue ? value.doubleValue() : 0;
            accepts = switch (condition.op()) {
                case GT, GTE -> 2;
                case LT, LTE -> 1;
                default -> 0;
            };
            Set<String> set = new HashSet<>();
            if (arrayValue) {
                for (JsonNode element : value) {
                    if (element.isTextual()) {
                        set.add(element.textValue());
                    }
                }
            }
            texts = Set.copyOf(set);
        }
    }

    private TriggerMatcher(List<TriggerDefinition> triggers) {
        this.triggers = List.copyOf(triggers);
        int count = this.triggers.size();
        enabled = new boolean[count];
        start = new int[count + 1];
        Map<List<String>, Integer> paths = new HashMap<>();
        List<Integer> parents = new ArrayList<>();
        List<String> segments = new ArrayList<>();
        Map<Condition, Integer> distinct = new HashMap<>();
        List<Compiled> compiledList = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            TriggerDefinition trigger = this.triggers.get(t);
            enabled[t] = trigger.enabled();
            start[t] = positions.size();
            for (Condition condition : trigger.conditions()) {
                Integer id = distinct.get(condition);
                if (id == null) {
                    id = compiledList.size();
                    distinct.put(condition, id);
                    compiledList.add(new Compiled(condition, pathNumber(condition.segments(), paths, parents, segments)));
                }
                positions.add(id);
            }
        }
        start[count] = positions.size();
        conditionOf = positions.stream().mapToInt(Integer::intValue).toArray();
        compiled = compiledList.toArray(Compiled[]::new);
        parentOf = parents.stream().mapToInt(Integer::intValue).toArray();
        segmentOf = segments.toArray(String[]::new);
    }

    /** Numbers a path and, first, its prefixes, so that paths sharing a prefix ("event.properties") walk it once. */
    private static int pathNumber(List<String> path, Map<List<String>, Integer> paths, List<Integer> parents, List<String> segments) {
        Integer known = paths.get(path);
        if (known != null) {
            return known;
        }
        int parent = path.size() == 1 ? -1 : pathNumber(path.subList(0, path.size() - 1), paths, parents, segments);
        int number = parents.size();
        parents.add(parent);
        segments.add(path.get(path.size() - 1));
        paths.put(List.copyOf(path), number);
        return number;
    }

    /** One matcher for the triggers an event name fires, in their order. */
    public static TriggerMatcher of(List<TriggerDefinition> triggers) {
        return triggers.isEmpty() ? NONE : new TriggerMatcher(triggers);
    }

    public static TriggerMatcher none() {
        return NONE;
    }

    /** The triggers, in the order of {@link #match}'s result. */
    public List<TriggerDefinition> triggers() {
        return triggers;
    }

    /**
     * For each trigger (in {@link #triggers()} order): {@link #MATCHED}, {@link #DISABLED}, or the index of its first
     * condition that does not hold in {@code context}.
     */
    public int[] match(ObjectNode context) {
        int count = triggers.size();
        int[] result = new int[count];
        if (count == 0) {
            return result;
        }
        Values values = new Values(parentOf.length);
        // 0: not yet evaluated for this event; 1: holds; 2: does not.
        byte[] memo = new byte[compiled.length];
        for (int t = 0; t < count; t++) {
            if (!enabled[t]) {
                result[t] = DISABLED;
                continue;
            }
            int outcome = MATCHED;
            for (int i = start[t], end = start[t + 1]; i < end; i++) {
                int c = conditionOf[i];
                byte known = memo[c];
                if (known == 0) {
                    known = holds(compiled[c], values, context) ? (byte) 1 : (byte) 2;
                    memo[c] = known;
                }
                if (known == 2) {
                    outcome = i - start[t];
                    break;
                }
            }
            result[t] = outcome;
        }
        return result;
    }

    /** The values of the paths for one event, each resolved on first use. */
    private final class Values {
        final byte[] kinds;
        final JsonNode[] nodes;
        final String[] texts;
        final double[] numbers;

        Values(int paths) {
            kinds = new byte[paths];
            nodes = new JsonNode[paths];
            texts = new String[paths];
            numbers = new double[paths];
        }

        JsonNode node(int p, ObjectNode context) {
            if (kinds[p] == UNRESOLVED) {
                resolve(p, context);
            }
            return nodes[p];
        }

        byte kind(int p, ObjectNode context) {
            if (kinds[p] == UNRESOLVED) {
                resolve(p, context);
            }
            return kinds[p];
        }

        private void resolve(int p, ObjectNode context) {
            JsonNode parent = parentOf[p] < 0 ? context : node(parentOf[p], context);
            JsonNode node = parent == null ? null : parent.get(segmentOf[p]);
            nodes[p] = node;
            if (node == null || node.isNull() || node.isMissingNode()) {
                kinds[p] = ABSENT;
            } else if (node.isTextual()) {
                kinds[p] = TEXT;
                texts[p] = node.textValue();
            } else if (node.isNumber()) {
                kinds[p] = NUMBER;
                numbers[p] = node.doubleValue();
            } else {
                kinds[p] = OTHER;
            }
        }
    }

    private static boolean holds(Compiled c, Values values, ObjectNode context) {
        int p = c.path;
        byte valueKind = values.kind(p, context);
        return holds(c, valueKind, values.nodes[p], values.texts[p], values.numbers[p]);
    }

    private static boolean holds(Compiled c, byte valueKind, JsonNode node, String actualText, double actualNumber) {
        switch (c.kind) {
            case EXISTS:
                return valueKind != ABSENT;
            case NOT_EXISTS:
                return valueKind == ABSENT;
            case EQ_TEXT:
                return valueKind == TEXT ? c.text.equals(actualText) : valueKind == OTHER && c.condition.holds(node);
            case NE_TEXT:
                return valueKind == TEXT ? !c.text.equals(actualText) : valueKind != OTHER || c.condition.holds(node);
            case IN_TEXT:
                return valueKind == TEXT ? c.texts.contains(actualText) : valueKind != ABSENT && c.condition.holds(node);
            case NOT_IN_TEXT:
                return valueKind == TEXT ? !c.texts.contains(actualText) : valueKind == ABSENT || c.condition.holds(node);
            case STARTS_WITH:
                return valueKind == TEXT && actualText.startsWith(c.text);
            case CONTAINS_TEXT:
                if (valueKind == TEXT) {
                    return actualText.contains(c.text);
                }
                if (valueKind == OTHER && node.isArray()) {
                    // An element equals a text value only when it is the same text.
                    for (int i = 0, n = node.size(); i < n; i++) {
                        JsonNode element = node.get(i);
                        if (element.isTextual() && element.textValue().equals(c.text)) {
                            return true;
                        }
                    }
                    return false;
                }
                return valueKind == OTHER && c.condition.holds(node);
            case CMP_NUMBER:
                if (valueKind != NUMBER) {
                    return false;
                }
                if (actualNumber < c.number) {
                    return (c.accepts & 1) != 0;
                }
                if (actualNumber > c.number) {
                    return (c.accepts & 2) != 0;
                }
                return c.condition.holds(node);
            case EQ_NUMBER:
                if (valueKind != NUMBER) {
                    return valueKind == OTHER && c.condition.holds(node);
                }
                return !(actualNumber < c.number || actualNumber > c.number) && c.condition.holds(node);
            case NE_NUMBER:
                if (valueKind != NUMBER) {
                    return valueKind != OTHER || c.condition.holds(node);
                }
                return actualNumber < c.number || actualNumber > c.number || c.condition.holds(node);
            default:
                return c.condition.holds(node);
        }
    }

    /**
     * The specialised kind where the shortcut is exactly {@link Condition#holds}: text values compare by
     * {@code String.equals} against a textual actual value (a number or a text never equals the other); numbers by
     * double where the doubles differ (double conversion keeps order), exactly on a tie. Everything else is GENERIC.
     */
    private static int kindOf(Operator op, boolean textValue, boolean numberValue, boolean arrayValue) {
        return switch (op) {
            case EXISTS -> EXISTS;
            case NOT_EXISTS -> NOT_EXISTS;
            case EQ -> textValue ? EQ_TEXT : numberValue ? EQ_NUMBER : GENERIC;
            case NE -> textValue ? NE_TEXT : numberValue ? NE_NUMBER : GENERIC;
            case IN -> arrayValue ? IN_TEXT : GENERIC;
            case NOT_IN -> arrayValue ? NOT_IN_TEXT : GENERIC;
            case GT, GTE, LT, LTE -> numberValue ? CMP_NUMBER : GENERIC;
            case STARTS_WITH -> textValue ? STARTS_WITH : GENERIC;
            case CONTAINS -> textValue ? CONTAINS_TEXT : GENERIC;
        };
    }
}
