package io.nudge.journey;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The journey's counters, moved by whoever wins the write that decides them (so a replay counts nothing twice):
 * entries, each step entered and left by which edge (to which step, or the end), instances ended where they were and
 * why, and conversions credited to the arms the instance took. Message counters of send steps are the messages' own
 * (their stats subject is the journey step).
 */
public interface JourneyCounters {
    JourneyCounters NONE = new JourneyCounters() {
        @Override
        public void entered(String journeyId, String step, Instant at) {
        }

        @Override
        public void moved(String journeyId, String from, String how, Optional<String> to, Instant at) {
        }

        @Override
        public void ended(String journeyId, String step, JourneyInstance.Status status, String reasonKind, Instant at) {
        }

        @Override
        public void converted(String journeyId, Map<String, String> arms, Instant at) {
        }
    };

    /** An instance entered the journey at its first step. */
    void entered(String journeyId, String step, Instant at);

    /** An instance left {@code from} by {@code how} (next, branch, received, timeout) to {@code to}, or to the end (empty). */
    void moved(String journeyId, String from, String how, Optional<String> to, Instant at);

    /**
     * An instance ended at {@code step}: COMPLETED (reasonKind exit or end) or EXITED (exit, conversion, replaced_by,
     * journey_deleted).
     */
    void ended(String journeyId, String step, JourneyInstance.Status status, String reasonKind, Instant at);

    /** A conversion, credited to the journey and to each split arm the instance took ({@code arms}: split step → arm). */
    void converted(String journeyId, Map<String, String> arms, Instant at);
}
