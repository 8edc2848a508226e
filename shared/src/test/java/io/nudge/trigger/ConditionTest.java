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
}
