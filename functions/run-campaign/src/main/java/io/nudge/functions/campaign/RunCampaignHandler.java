package io.nudge.functions.campaign;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.nudge.campaigns.CampaignRunService;
import io.nudge.campaigns.CampaignRunner;
import io.nudge.json.Json;
import io.nudge.log.Log;
import io.nudge.store.DeadLetterStore;
import io.nudge.wiring.CampaignRunSettings;
import io.nudge.wiring.LambdaEnvironment;
import io.nudge.wiring.Priming;
import io.nudge.wiring.Services;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * run-campaign: invoked by the campaign's EventBridge schedule ({"campaignId","runId":"<scheduled time>"}), by
 * ingest-api's POST /v1/campaigns/{id}/run, and by itself to continue a long run. All three are asynchronous
 * invocations: a transient failure throws (Lambda retries; the run resumes from its checkpoints), a bad input is
 * dead-lettered and answered normally.
 */
public final class RunCampaignHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    public static final List<String> ENVIRONMENT = LambdaEnvironment.RUN_CAMPAIGN_ENVIRONMENT;
    private static final Log LOG = Log.of(RunCampaignHandler.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_.:+-]{1,128}");

    static {
        // A run keeps scan segments × writes per segment requests in flight. The JDK's HTTP client (under the SDK's
        // UrlConnectionHttpClient) keeps only 5 idle connections per host unless told otherwise and closes the rest,
        // so most puts would pay a new TLS connection. Read once, when the keep-alive cache is first used.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections",
                    Integer.toString(CampaignRunService.DEFAULT_SCAN_SEGMENTS * (CampaignRunService.DEFAULT_PUT_CONCURRENCY + 1)));
        }
    }

    private final CampaignRunService runs;
    private final DeadLetterStore deadLetters;
    private final Clock clock;

    public RunCampaignHandler() {
        this(Priming.register(LambdaEnvironment.services(System.getenv())), System.getenv());
    }

    private RunCampaignHandler(Services services, Map<String, String> env) {
        this(services.campaignRun(LambdaEnvironment.campaignRunner(env), CampaignRunSettings.of(CampaignRunService.DEFAULT_SCAN_SEGMENTS)),
                services.deadLetters(), services.clock());
    }

    public RunCampaignHandler(CampaignRunService runs, DeadLetterStore deadLetters, Clock clock) {
        this.runs = runs;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Object campaignId = input == null ? null : input.get("campaignId");
        Object runId = input == null ? null : input.get("runId");
        if (!(campaignId instanceof String c) || !ID.matcher(c).matches() || !(runId instanceof String r) || !RUN_ID.matcher(r).matches()) {
            String payload = payload(input);
            deadLetters.put("run-campaign", Integer.toHexString(payload.hashCode()), "not a campaign run request", payload, clock.instant());
            LOG.warn("dead-lettered an invocation that is not a campaign run request");
            return Map.of("deadLettered", true);
        }
        CampaignRunner.Request request = new CampaignRunner.Request(c, r);
        CampaignRunService.Outcome outcome = runs.run(request,
                context == null ? () -> Long.MAX_VALUE : () -> context.getRemainingTimeInMillis());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("campaignId", c);
        result.put("runId", r);
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
                LOG.warn("campaign run skipped: not found", "campaign", c, "what", missing.what());
            }
            case CampaignRunService.Disabled disabled -> result.put("status", "disabled");
        }
        LOG.info("campaign run", result.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toArray());
        return result;
    }

    /** The input as JSON, or as text when it cannot be written as JSON (nested past Jackson's limit): never a throw. */
    private static String payload(Map<String, Object> input) {
        if (input == null) {
            return "";
        }
        try {
            return Json.write(input);
        } catch (RuntimeException unwritable) {
            String keys = String.join(",", input.keySet().stream().map(String::valueOf).limit(100).toList());
            return "{\"unwritable\":\"nested past " + Json.MAX_DEPTH + " levels or not JSON\",\"keys\":" + Json.write(keys) + "}";
        }
    }

    private static void tally(Map<String, Object> result, CampaignRunService.Tally tally) {
        result.put("scanned", tally.scanned());
        result.put("matched", tally.matched());
        result.put("messagesCreated", tally.messagesCreated());
        result.put("heldOut", tally.heldOut());
    }
}
