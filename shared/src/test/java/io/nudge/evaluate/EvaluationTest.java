package io.nudge.evaluate;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.trigger.Operator;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    @Test
    void a_not_matched_decision_prints_without_the_users_value() {
        Evaluation.NotMatched decision = new Evaluation.NotMatched("vip", 0, "user.email", Operator.EQ, Optional.of(json("'x'")),
                Evaluation.Actual.of(json("'ada@example.com'")));

        assertThat(decision.toString()).doesNotContain("ada@example.com").contains("Value[STRING]");
        assertThat(Evaluation.Actual.of(null)).isEqualTo(new Evaluation.Missing());
    }
}
