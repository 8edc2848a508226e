package io.nudge.local;

/**
 * How long an end-to-end test waits for asynchronous work (stream → handler) before failing. Generous, because the
 * wait ends as soon as the condition holds and a shared 2-core machine can be slow; it never stands in for a delay.
 */
final class ItTime {
    static final long DEADLINE_SECONDS = 60;

    private ItTime() {}
}
