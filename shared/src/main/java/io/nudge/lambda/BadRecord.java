package io.nudge.lambda;

/**
 * A stored item, stream image or delivered payload that does not parse: thrown only at the parsing boundary (the
 * stores' {@code fromItem}, the feedback and event parsers), wrapping what the parser hit. Permanent: every retry
 * would read the same bytes. The reason names the record kind and the failure's class, never the record's content.
 */
public final class BadRecord extends PermanentFailure {
    public BadRecord(String reason) {
        super(reason);
    }

    public BadRecord(String reason, Throwable cause) {
        super(reason + ": " + cause.getClass().getSimpleName(), cause);
    }
}
