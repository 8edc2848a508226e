package io.nudge.campaigns;

import io.nudge.lambda.PermanentFailure;
import io.nudge.log.Log;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * run-campaign's input and result ({"campaignId","runId":"&lt;scheduled time&gt;"} in; the outcome and its tally out),
 * as the campaign's EventBridge schedule, POST /v1/campaigns/{id}/run and a continuing run send them.
 */
public final class CampaignRunInvocation {
    private static final Log LOG = Log.of(CampaignRunInvocation.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_.:+-]{1,128}");

    private CampaignRunInvocation() {}

    /** @throws PermanentFailure when the input is not a campaign run request: retrying would not change it */
    public static CampaignRunner.Request request(Map<String, ?> input) {
        Object campaignId = input == null ? null : input.get("campaignId");
        Object runId = input == null ? null : input.get("runId");
        if (!(campaignId instanceof String c) || !ID.matcher(c).matches() || !(runId instanceof String r) || !RUN_ID.matcher(r).matches()) {
            throw new PermanentFailure("not a campaign run request");
        }
        return new CampaignRunner.Request(c, r);
    }

    /** The function's result for this outcome, also logged. */
    public static Map<String, Object> result(CampaignRunner.Request request, CampaignRunService.Outcome outcome) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("campaignId", request.campaignId());
        result.put("runId", request.runId());
        switch (outcome) {
            case CampaignRunService.Completed done -> {
                result.put("status", "completed");
                tally(result, done.tally());
            }
            case CampaignRunService.Continued more -> {
                result.put("status", "continued");
                tally(result, more.tally());
            }
            case CampaignRunService.NotFound missing -> {
                result.put("status", "not_found");
                LOG.warn("campaign run skipped: not found", "campaign", request.campaignId(), "what", missing.what());
            }
            case CampaignRunService.Disabled disabled -> result.put("status", "disabled");
        }
        LOG.info("campaign run", result.entrySet().stream().flatMap(e -> Stream.of(e.getKey(), e.getValue())).toArray());
        return result;
    }

    private static void tally(Map<String, Object> result, CampaignRunService.Tally tally) {
        result.put("scanned", tally.scanned());
        result.put("matched", tally.matched());
        result.put("messagesCreated", tally.messagesCreated());
        result.put("heldOut", tally.heldOut());
    }
}
