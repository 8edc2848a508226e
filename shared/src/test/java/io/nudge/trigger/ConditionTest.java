package io.nudge.trigger;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConditionTest {
    private static final ObjectNode CONTEXT = (ObjectNode) json("{'event':{'name':'purchase','properties':{'total':42.5,'plan':'pro',"
            + "'tags':['a','b'],'count':3,'ref':'utm_spring'}},'user':{'userId':'u1','attributes':{'tier':'gold'}}}");

    @ParameterizedTest(name = "{0} {1} {2} → {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "event.properties.plan|eq|'pro'|true",
            "event.properties.plan|eq|'free'|false",
            "event.properties.count|eq|3.0|true",
            "event.properties.plan|ne|'free'|true",
            "event.properties.missing|ne|'x'|true",
            "event.properties.total|gt|40|true",
            "event.properties.total|gt|42.5|false",
            "event.properties.total|gte|42.5|true",
            "event.properties.total|lt|'50'|false",
            "event.properties.count|lte|3|true",
            "event.properties.plan|in|['pro','team']|true",
            "event.properties.plan|not_in|['pro','team']|false",
            "event.properties.missing|not_in|['pro']|true",
            "event.properties.tags|contains|'b'|true",
            "event.properties.ref|contains|'spring'|true",
            "event.properties.ref|starts_with|'utm_'|true",
            "event.properties.plan|starts_with|'utm_'|false",
            "user.attributes.tier|eq|'gold'|true",
            "event.properties.plan|exists||true",
            "event.properties.nothing|exists||false",
            "event.properties.nothing|not_exists||true",
    })
    void operators_behave_as_documented(String path, String op, String value, boolean expected) {
        String valuePart = value == null ? "" : ",'value':" + value;
        Condition condition = TriggerParser.condition(json("{'path':'" + path + "','op':'" + op + "'" + valuePart + "}"), "/conditions/0");

        assertThat(condition.test(CONTEXT)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void numbers_compare_by_exact_decimal_value_even_where_doubles_cannot_tell() {
        ObjectNode context = (ObjectNode) json("{'event':{'properties':{}}}");
        ObjectNode properties = (ObjectNode) context.get("event").get("properties");
        properties.put("close", new java.math.BigDecimal("0.30000000000000000001"));
        properties.put("exact", new java.math.BigDecimal("0.3"));
        properties.put("big", 9_007_199_254_740_993L);

        assertThat(test(context, "{'path':'event.properties.close','op':'eq','value':0.3}")).isFalse();
        assertThat(test(context, "{'path':'event.properties.close','op':'gt','value':0.3}")).isTrue();
        assertThat(test(context, "{'path':'event.properties.exact','op':'eq','value':0.3}")).isTrue();
        assertThat(test(context, "{'path':'event.properties.exact','op':'in','value':[1,0.30]}")).isTrue();
        assertThat(test(context, "{'path':'event.properties.big','op':'gt','value':9007199254740992.0}")).isTrue();
        assertThat(test(context, "{'path':'event.properties.big','op':'lt','value':1.5}")).isFalse();
    }

    private static boolean test(ObjectNode context, String condition) {
        return TriggerParser.condition(json(condition), "/conditions/0").test(context);
    }
}
