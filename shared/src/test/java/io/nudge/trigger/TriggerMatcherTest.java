package io.nudge.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.model.Channel;
import io.nudge.model.Priority;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The compiled matcher against the plain rule (each trigger's conditions tested in order with Condition.test, the
 * first failing one decides), over generated triggers and contexts: every operator, values of every JSON type,
 * numbers as ints, longs beyond 2^53, BigDecimals a double cannot tell apart and doubles, shared and missing paths.
 */
class TriggerMatcherTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String[] PATHS = {"event.properties.a", "event.properties.b", "event.properties.c",
            "event.properties.o.x", "event.properties.missing", "user.attributes.a", "user.locale", "event.name"};
    private static final String[] TEXTS = {"pro", "free", "", "Pro", "pr", "utm_spring", "1", "3"};

    @Test
    void compiled_matching_decides_exactly_as_testing_each_condition_in_order() {
        SplittableRandom random = new SplittableRandom(20261124);
        int compared = 0;
        int matched = 0;
        for (int round = 0; round < 300; round++) {
            List<TriggerDefinition> triggers = new ArrayList<>();
            for (int t = 0, n = 1 + random.nextInt(40); t < n; t++) {
                triggers.add(trigger("t" + t, random));
            }
            TriggerMatcher matcher = TriggerMatcher.of(triggers);
            for (int e = 0; e < 30; e++) {
                ObjectNode context = context(random);
                int[] outcomes = matcher.match(context);
                assertThat(outcomes).hasSize(triggers.size());
                for (int t = 0; t < triggers.size(); t++) {
                    int expected = reference(triggers.get(t), context);
                    assertThat(outcomes[t]).as("trigger %s on %s", triggers.get(t).conditions(), context).isEqualTo(expected);
                    compared++;
                    matched += expected == TriggerMatcher.MATCHED ? 1 : 0;
                }
            }
        }
        // The generator must exercise both outcomes, not only failures.
        assertThat(compared).isGreaterThan(50_000);
        assertThat(matched).isGreaterThan(compared / 50);
    }

    @Test
    void the_index_hands_out_one_matcher_per_event_name_in_trigger_order() {
        SplittableRandom random = new SplittableRandom(7);
        TriggerDefinition a = trigger("a", random);
        TriggerDefinition b = trigger("b", random);
        TriggerIndex index = TriggerIndex.of(List.of(a, b));

        assertThat(index.matcherFor("purchase").triggers()).containsExactly(a, b);
        assertThat(index.matcherFor("nothing").triggers()).isEmpty();
        assertThat(index.matcherFor("nothing").match(F.objectNode())).isEmpty();
    }

    /** The rule before compilation: EvaluateService's loop over Condition.test. */
    private static int reference(TriggerDefinition trigger, ObjectNode context) {
        if (!trigger.enabled()) {
            return TriggerMatcher.DISABLED;
        }
        for (int i = 0; i < trigger.conditions().size(); i++) {
            if (!trigger.conditions().get(i).test(context)) {
                return i;
            }
        }
        return TriggerMatcher.MATCHED;
    }

    private static TriggerDefinition trigger(String id, SplittableRandom random) {
        List<Condition> conditions = new ArrayList<>();
        for (int i = 0, n = random.nextInt(5); i < n; i++) {
            String path = PATHS[random.nextInt(PATHS.length)];
            Operator op = Operator.values()[random.nextInt(Operator.values().length)];
            JsonNode value = switch (op) {
                case EXISTS, NOT_EXISTS -> null;
                case IN, NOT_IN -> random.nextInt(6) == 0 ? value(random) : array(random);
                default -> value(random);
            };
            conditions.add(new Condition(path, Arrays.asList(path.split("\\.")), op, value));
        }
        return new TriggerDefinition(id, "purchase", conditions, Channel.EMAIL, "tpl", Priority.MARKETING,
                random.nextInt(10) != 0, Duration.ZERO, List.of(), new Reentry.Always(), Optional.empty(),
                new QuietHoursSetting.Default(), Optional.empty(), Optional.empty());
    }

    private static ObjectNode context(SplittableRandom random) {
        ObjectNode context = F.objectNode();
        ObjectNode event = context.putObject("event");
        event.put("name", "purchase");
        ObjectNode properties = event.putObject("properties");
        for (String key : new String[] {"a", "b", "c"}) {
            if (random.nextInt(6) != 0) {
                properties.set(key, random.nextInt(4) == 0 ? array(random) : value(random));
            }
        }
        if (random.nextBoolean()) {
            properties.putObject("o").set("x", value(random));
        } else if (random.nextBoolean()) {
            properties.set("o", value(random));
        }
        ObjectNode user = context.putObject("user");
        user.putObject("attributes").set("a", value(random));
        if (random.nextBoolean()) {
            user.put("locale", random.nextBoolean() ? "en-GB" : "de-DE");
        }
        return context;
    }

    private static ArrayNode array(SplittableRandom random) {
        ArrayNode array = F.arrayNode();
        for (int i = 0, n = random.nextInt(4); i < n; i++) {
            array.add(value(random));
        }
        return array;
    }

    /** Values that collide often: small texts and numbers in every representation, and the odd null, boolean, object. */
    private static JsonNode value(SplittableRandom random) {
        return switch (random.nextInt(12)) {
            case 0, 1, 2 -> F.textNode(TEXTS[random.nextInt(TEXTS.length)]);
            case 3 -> F.numberNode(random.nextInt(5));
            case 4 -> F.numberNode((long) random.nextInt(5));
            case 5 -> F.numberNode(random.nextInt(5) + (random.nextBoolean() ? 0.0 : 0.5));
            case 6 -> F.numberNode(new BigDecimal(random.nextInt(5) + (random.nextBoolean() ? ".0" : ".5")));
            case 7 -> F.numberNode(random.nextBoolean() ? new BigDecimal("0.30000000000000000001") : new BigDecimal("0.3"));
            case 8 -> random.nextBoolean() ? F.numberNode(9_007_199_254_740_993L) : F.numberNode(9_007_199_254_740_992.0);
            case 9 -> random.nextBoolean() ? F.numberNode(new BigInteger("9007199254740993")) : F.numberNode(0.3);
            case 10 -> random.nextBoolean() ? F.nullNode() : F.booleanNode(random.nextBoolean());
            default -> {
                ObjectNode object = F.objectNode();
                object.put("x", TEXTS[random.nextInt(TEXTS.length)]);
                yield object;
            }
        };
    }
}
