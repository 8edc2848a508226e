package io.nudge.journey;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.model.Channel;
import io.nudge.model.Priority;
import io.nudge.trigger.Condition;
import io.nudge.trigger.QuietHoursSetting;
import io.nudge.trigger.SendAt;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a journey. {@code next} is empty where the step ends the journey. A send does not wait for delivery;
 * a delay and the timeout of a wait_for park the instance in a time slot, as delayed messages are.
 */
public sealed interface JourneyStep {
    /** The steps this one can go to, in the document's order (for validation and the console's graph). */
    List<String> successors();

    record Send(Channel channel, String template, Priority priority, QuietHoursSetting quietHours,
            Optional<Integer> frequencyCap, Optional<String> topic, Optional<String> next) implements JourneyStep {
        /** Without a topic. */
        public Send(Channel channel, String template, Priority priority, QuietHoursSetting quietHours, Optional<Integer> frequencyCap,
                Optional<String> next) {
            this(channel, template, priority, quietHours, frequencyCap, Optional.empty(), next);
        }

        public Send {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(template, "template");
            Objects.requireNonNull(priority, "priority");
            Objects.requireNonNull(quietHours, "quietHours");
            Objects.requireNonNull(frequencyCap, "frequencyCap");
            Objects.requireNonNull(next, "next");
        }

        @Override
        public List<String> successors() {
            return next.stream().toList();
        }
    }

    record Delay(Duration duration, Optional<SendAt> sendAt, Optional<String> next) implements JourneyStep {
        public Delay {
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(sendAt, "sendAt");
            Objects.requireNonNull(next, "next");
        }

        @Override
        public List<String> successors() {
            return next.stream().toList();
        }
    }

    /**
     * Waits for an event of the same user named {@code event} whose properties at each {@code match} path equal the
     * entry event's; {@code next} when it comes, {@code timeoutNext} when {@code timeout} passes first.
     */
    record WaitFor(String event, List<List<String>> match, Duration timeout, Optional<String> next,
            Optional<String> timeoutNext) implements JourneyStep {
        public WaitFor {
            Objects.requireNonNull(event, "event");
            match = match.stream().map(List::copyOf).toList();
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(timeoutNext, "timeoutNext");
        }

        @Override
        public List<String> successors() {
            return java.util.stream.Stream.concat(next.stream(), timeoutNext.stream()).toList();
        }
    }

    /** Ordered branches: the first whose conditions all hold wins, else {@code defaultNext}. */
    record Branch(List<Path> branches, Optional<String> defaultNext) implements JourneyStep {
        public Branch {
            branches = List.copyOf(branches);
            Objects.requireNonNull(defaultNext, "defaultNext");
        }

        public record Path(List<Condition> conditions, Optional<String> next) {
            public Path {
                conditions = List.copyOf(conditions);
                Objects.requireNonNull(next, "next");
            }
        }

        @Override
        public List<String> successors() {
            return java.util.stream.Stream.concat(branches.stream().flatMap(b -> b.next().stream()), defaultNext.stream()).toList();
        }
    }

    /** A weighted split, deterministic per user (and instance): the same user in the same instance takes the same arm. */
    record Split(List<Arm> arms) implements JourneyStep {
        public Split {
            arms = List.copyOf(arms);
        }

        public record Arm(String id, int weight, Optional<String> next) {
            public Arm {
                Objects.requireNonNull(id, "id");
                Objects.requireNonNull(next, "next");
            }
        }

        @Override
        public List<String> successors() {
            return arms.stream().flatMap(a -> a.next().stream()).toList();
        }
    }

    /** Sets profile attributes (a JSON null clears one). */
    record UpdateUser(Map<String, JsonNode> attributes, Optional<String> next) implements JourneyStep {
        public UpdateUser {
            attributes = Map.copyOf(attributes);
            Objects.requireNonNull(next, "next");
        }

        @Override
        public List<String> successors() {
            return next.stream().toList();
        }
    }

    record Exit() implements JourneyStep {
        @Override
        public List<String> successors() {
            return List.of();
        }
    }
}
