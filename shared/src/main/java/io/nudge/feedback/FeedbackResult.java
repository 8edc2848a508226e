package io.nudge.feedback;

import java.util.List;
import java.util.Objects;

/** What applying one piece of feedback did. Retryable trouble is thrown ({@link RetryLater} or an SDK exception). */
public sealed interface FeedbackResult {

    /** It changed something: {@code effects} name each change (status, suppression, consent, counter, note), never an address. */
    record Applied(String subject, List<String> effects) implements FeedbackResult {
        public Applied {
            Objects.requireNonNull(subject, "subject");
            effects = List.copyOf(effects);
        }
    }

    /** This notification was applied before: nothing changed now. */
    record Duplicate(String subject) implements FeedbackResult {}

    /** Nothing to do, by design (an SES Send event, feedback on a message that was never sent, …). */
    record Ignored(String why) implements FeedbackResult {}

    /** No message it could belong to, and there never will be: permanent, dead-lettered. */
    record Unmatched(String reason) implements FeedbackResult {}
}
