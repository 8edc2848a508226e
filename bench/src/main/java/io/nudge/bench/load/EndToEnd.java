package io.nudge.bench.load;

import io.nudge.bench.Bench;

public final class EndToEnd {
    private EndToEnd() {}

    public static void run(Bench.Options options) throws Exception {
        throw new UnsupportedOperationException("not yet");
    }
}
