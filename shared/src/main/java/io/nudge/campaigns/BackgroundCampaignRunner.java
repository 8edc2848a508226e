package io.nudge.campaigns;

import io.nudge.log.Log;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** The local runner's stand-in for an asynchronous invocation: the run goes to a background executor. */
public final class BackgroundCampaignRunner implements CampaignRunner {
    private static final Log LOG = Log.of(BackgroundCampaignRunner.class);
    private final Executor executor;
    private volatile Consumer<Request> target;

    public BackgroundCampaignRunner(Executor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** Set once the run-campaign handler exists (it needs this runner to continue itself). */
    public void target(Consumer<Request> target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    @Override
    public void start(Request request) {
        Consumer<Request> t = Objects.requireNonNull(target, "target not set");
        executor.execute(() -> {
            try {
                t.accept(request);
            } catch (RuntimeException e) {
                LOG.error("campaign run failed", e, "campaign", request.campaignId());
            }
        });
    }
}
