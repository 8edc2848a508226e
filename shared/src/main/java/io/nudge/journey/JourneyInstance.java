package io.nudge.journey;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One user's way through one version of a journey, from one entry event. {@code seq} counts its writes: every
 * transition is a conditional write from the seq it read, so two writers (a replayed stream record, a slot firing and
 * an event arriving together) cannot both move it. {@code phase} says what is to happen at {@code step}: RUN it,
 * WAIT (for {@code dueAt} and, for a wait_for, the event {@code waitingFor}), or take the edge a wake chose — DUE
 * (time: a delay's next, a wait_for's timeoutNext) or RECEIVED (the awaited event, kept in {@code woke}).
 */
public record JourneyInstance(
        String id,
        String journeyId,
        int version,
        String userId,
        Status status,
        String step,
        Phase phase,
        long seq,
        ObjectNode entry,
        Optional<ObjectNode> woke,
        Optional<Instant> dueAt,
        Optional<String> waitingFor,
        List<PathEntry> path,
        Map<String, String> sends,
        Map<String, String> arms,
        Instant enteredAt,
        Optional<Instant> endedAt,
        Optional<String> endReason) {

    public enum Status { ACTIVE, COMPLETED, EXITED }

    public enum Phase { RUN, WAIT, DUE, RECEIVED, DONE }

    /** A step the instance entered, when, and when and why it left (next, branch, received, timeout, exit, conversion). */
    public record PathEntry(String step, Instant enteredAt, Optional<Instant> leftAt, Optional<String> left, Optional<String> detail) {
        public PathEntry {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(enteredAt, "enteredAt");
            Objects.requireNonNull(leftAt, "leftAt");
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(detail, "detail");
        }

        public PathEntry leave(Instant at, String how, Optional<String> why) {
            return new PathEntry(step, enteredAt, Optional.of(at), Optional.of(how), why);
        }
    }

    public JourneyInstance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(journeyId, "journeyId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(woke, "woke");
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(waitingFor, "waitingFor");
        path = List.copyOf(path);
        sends = Map.copyOf(sends);
        arms = Map.copyOf(arms);
        Objects.requireNonNull(enteredAt, "enteredAt");
        Objects.requireNonNull(endedAt, "endedAt");
        Objects.requireNonNull(endReason, "endReason");
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }

    /** The entry of the step it is at now (the last of the path). */
    public PathEntry current() {
        return path.get(path.size() - 1);
    }

    /** The same instance (same write) with the messages its send steps made. */
    JourneyInstance withSends(Map<String, String> sends) {
        return new JourneyInstance(id, journeyId, version, userId, status, step, phase, seq, entry, woke, dueAt, waitingFor, path,
                sends, arms, enteredAt, endedAt, endReason);
    }

    /** The same instance (same write) with the event that answered its wait, for the steps after it to read. */
    JourneyInstance withWoke(ObjectNode woke) {
        return new JourneyInstance(id, journeyId, version, userId, status, step, phase, seq, entry, Optional.of(woke), dueAt, waitingFor,
                path, sends, arms, enteredAt, endedAt, endReason);
    }

    /** The same instance (same write) with the arms its splits chose. */
    JourneyInstance withArms(Map<String, String> arms) {
        return new JourneyInstance(id, journeyId, version, userId, status, step, phase, seq, entry, woke, dueAt, waitingFor, path,
                sends, arms, enteredAt, endedAt, endReason);
    }

    /** The same instance, one write later, with the fields a transition changes. */
    JourneyInstance next(Status status, String step, Phase phase, Optional<ObjectNode> woke, Optional<Instant> dueAt,
            Optional<String> waitingFor, List<PathEntry> path, Map<String, String> sends, Map<String, String> arms,
            Optional<Instant> endedAt, Optional<String> endReason) {
        return new JourneyInstance(id, journeyId, version, userId, status, step, phase, seq + 1, entry, woke, dueAt, waitingFor,
                path, sends, arms, enteredAt, endedAt, endReason);
    }
}
