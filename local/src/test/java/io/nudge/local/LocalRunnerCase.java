package io.nudge.local;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the end-to-end tests that drive a local runner in this JVM: a data folder per test, the runner, a client
 * of it that follows a restart, and the runner closed after each test.
 */
abstract class LocalRunnerCase {
    @TempDir
    Path data;
    LocalRunner runner;
    ItClient api;

    /** Starts the ITs' runner ({@link ItClient#options}) on this test's data folder. */
    LocalRunner startRunner() throws Exception {
        return startRunner(ItClient.options(data).build());
    }

    /** Starts a runner (again, after a close) with these options; {@link #api} then talks to it. */
    LocalRunner startRunner(LocalOptions options) throws Exception {
        runner = LocalRunner.start(options);
        api = new ItClient(runner);
        return runner;
    }

    @AfterEach
    void closeRunner() {
        if (runner != null) {
            runner.close();
            runner = null;
        }
    }
}
