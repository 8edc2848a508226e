package io.nudge.wiring;

import io.nudge.campaigns.CampaignRunService;

/**
 * How parallel run-campaign reads and writes.
 *
 * @param scanSegments parallel Scan segments over the Users table
 * @param putConcurrency writes in flight per scan segment
 */
public record CampaignRunSettings(int scanSegments, int putConcurrency) {
    public CampaignRunSettings {
        if (scanSegments < 1 || scanSegments > 64) {
            throw new IllegalArgumentException("scanSegments must be 1-64, not " + scanSegments);
        }
        if (putConcurrency < 1 || putConcurrency > 64) {
            throw new IllegalArgumentException("putConcurrency must be 1-64, not " + putConcurrency);
        }
    }

    /** With {@link CampaignRunService#DEFAULT_PUT_CONCURRENCY} writes in flight per segment. */
    public static CampaignRunSettings of(int scanSegments) {
        return new CampaignRunSettings(scanSegments, CampaignRunService.DEFAULT_PUT_CONCURRENCY);
    }

    public CampaignRunSettings putConcurrency(int writes) {
        return new CampaignRunSettings(scanSegments, writes);
    }
}
