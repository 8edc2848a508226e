package io.nudge.feedback;

import java.util.Objects;

/**
 * AWS keeps its own SMS opt-out list: a number that texted STOP gets nothing from SNS until it is opted in again
 * with {@code OptInPhoneNumber}, which AWS allows once per 30 days per number. This port makes that call.
 * Infrastructure failures (throttling, timeouts) are thrown, so the feedback is retried; a refusal is an answer.
 */
public interface PhoneOptIn {
    Result optIn(String e164);

    sealed interface Result {
        record OptedIn() implements Result {}

        /** AWS said no (most often: already opted in within the last 30 days), in its words. */
        record Refused(String reason) implements Result {
            public Refused {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    /** Local mode with outbox channels: there is no AWS opt-out list to leave. */
    static PhoneOptIn local() {
        return number -> new Result.OptedIn();
    }
}
