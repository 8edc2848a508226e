package io.nudge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.bench.jmh.TriggerEvaluationBenchmark;
import io.nudge.bench.jmh.Workload;
import io.nudge.evaluate.EvaluationContext;
import io.nudge.model.Event;
import io.nudge.model.UserProfile;
import io.nudge.trigger.TriggerIndex;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Smoke test: the benchmark workload parses with the real parser and evaluates (the benchmarks run only from bench/run). */
class WorkloadTest {
    @Test
    void triggers_parse_and_some_events_match_on_both_event_shapes() {
        TriggerIndex index = Workload.index(100, Workload.Spread.ZIPF, 3);
        List<byte[]> raw = Workload.rawEvents(200, 20, 7);
        List<UserProfile> users = Workload.users(20, 11);
        int fromJson = 0;
        int fromImage = 0;
        for (byte[] bytes : raw) {
            Event event = Workload.parse(bytes);
            UserProfile user = users.get(Integer.parseInt(event.userId().substring("user-".length())));
            fromJson += Workload.matchCount(index.forEvent(event.name()), EvaluationContext.of(event, user));
            Event image = Workload.asStreamImage(event);
            fromImage += Workload.matchCount(index.forEvent(image.name()), EvaluationContext.of(image, user));
        }
        assertThat(fromJson).isPositive();
        assertThat(fromImage).as("numbers read back from DynamoDB compare like the JSON ones").isEqualTo(fromJson);
    }

    @Test
    void the_benchmarked_evaluation_matches_as_many_triggers_as_the_plain_loop() {
        TriggerIndex index = TriggerIndex.of(Workload.triggers(300, Workload.Spread.ZIPF, 5));
        List<UserProfile> users = Workload.users(20, 11);
        for (byte[] bytes : Workload.rawEvents(300, 20, 9)) {
            Event event = Workload.asStreamImage(Workload.parse(bytes));
            UserProfile user = users.get(Integer.parseInt(event.userId().substring("user-".length())));
            assertThat(TriggerEvaluationBenchmark.evaluate(index, event, user))
                    .isEqualTo(Workload.matchCount(index.forEvent(event.name()), EvaluationContext.of(event, user)));
        }
    }
}
