package io.nudge.bench.jmh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.evaluate.EvaluationContext;
import io.nudge.json.Json;
import io.nudge.model.Event;
import io.nudge.model.UserProfile;
import io.nudge.trigger.TriggerDefinition;
import io.nudge.trigger.TriggerIndex;
import io.nudge.trigger.TriggerMatcher;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Trigger evaluation per event, single-threaded (one core): the in-memory part of EvaluateService.evaluate — index
 * lookups, the evaluation context, every candidate trigger's conditions — on events already parsed (as evaluate-triggers
 * gets them from the stream image) and from the raw JSON an app posts; beside it Jackson parsing the same bytes, the floor any JSON service pays. The DynamoDB reads
 * and writes around it are measured by the end-to-end and cost benchmarks.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TriggerEvaluationBenchmark {
    /** Events per benchmark invocation; scores are per event. */
    public static final int EVENTS = 1024;
    private static final int USERS = 200;

    @State(Scope.Benchmark)
    public static class Events {
        byte[][] raw;
        Event[] parsed;
        UserProfile[] users;

        @Setup
        public void setUp() {
            List<byte[]> bytes = Workload.rawEvents(EVENTS, USERS, 7);
            List<UserProfile> profiles = Workload.users(USERS, 11);
            raw = bytes.toArray(byte[][]::new);
            parsed = new Event[EVENTS];
            users = new UserProfile[EVENTS];
            for (int i = 0; i < EVENTS; i++) {
                parsed[i] = Workload.asStreamImage(Workload.parse(raw[i]));
                users[i] = profiles.get(Integer.parseInt(parsed[i].userId().substring("user-".length())));
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Triggers {
        @Param({"10", "100", "1000"})
        public int triggers;

        @Param({"ZIPF", "UNIFORM"})
        public Workload.Spread spread;

        TriggerIndex index;

        @Setup
        public void setUp() {
            index = TriggerIndex.of(Workload.triggers(triggers, spread, 3));
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void jacksonParse(Events events, Blackhole bh) throws IOException {
        for (byte[] raw : events.raw) {
            bh.consume(Json.MAPPER.readTree(raw));
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int evaluateParsed(Events events, Triggers triggers) {
        int matched = 0;
        for (int i = 0; i < EVENTS; i++) {
            matched += evaluate(triggers.index, events.parsed[i], events.users[i]);
        }
        return matched;
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int evaluateRaw(Events events, Triggers triggers) {
        int matched = 0;
        for (int i = 0; i < EVENTS; i++) {
            matched += evaluate(triggers.index, Workload.parse(events.raw[i]), events.users[i]);
        }
        return matched;
    }

    /** Before TriggerMatcher: every candidate's conditions tested in order with Condition.test (each walks its path). */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public int evaluateParsedBefore(Events events, Triggers triggers) {
        int matched = 0;
        for (int i = 0; i < EVENTS; i++) {
            Event event = events.parsed[i];
            List<TriggerDefinition> candidates = triggers.index.forEvent(event.name());
            if (!candidates.isEmpty() || !triggers.index.cancelledBy(event.name()).isEmpty()) {
                matched += Workload.matchCount(candidates, EvaluationContext.of(event, events.users[i]));
            }
        }
        return matched;
    }

    /** EvaluateService.evaluate without its I/O: same lookups, same context, the same compiled matcher. */
    public static int evaluate(TriggerIndex index, Event event, UserProfile user) {
        TriggerMatcher matcher = index.matcherFor(event.name());
        if (matcher.triggers().isEmpty() && index.cancelledBy(event.name()).isEmpty()) {
            return 0;
        }
        ObjectNode context = EvaluationContext.of(event, user);
        int matched = 0;
        for (int outcome : matcher.match(context)) {
            if (outcome == TriggerMatcher.MATCHED) {
                matched++;
            }
        }
        return matched;
    }
}
