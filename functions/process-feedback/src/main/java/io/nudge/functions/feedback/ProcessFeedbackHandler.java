package io.nudge.functions.feedback;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.feedback.Feedback;
import io.nudge.feedback.FeedbackParser;
import io.nudge.feedback.FeedbackResult;
import io.nudge.feedback.FeedbackService;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.lambda.CloudWatchLogsJson;
import io.nudge.lambda.PermanentFailure;
import io.nudge.lambda.SnsEventJson;
import io.nudge.log.Log;
import io.nudge.store.DeadLetterStore;
import io.nudge.wiring.LambdaEnvironment;
import io.nudge.wiring.Priming;
import io.nudge.wiring.Services;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Two inputs, one function: SNS (SES events from the configuration set's event destination; inbound SMS from the
 * two-way number's topic) and a CloudWatch Logs subscription (SMS delivery receipts). Both invoke asynchronously with
 * one payload, so (invariant 6): a transient failure is thrown and Lambda retries, then sends the event to the
 * on-failure destination; a payload that can never be applied (unparseable, no such message) is dead-lettered whole
 * with its reason, and the invocation succeeds.
 */
public final class ProcessFeedbackHandler implements RequestStreamHandler {
    /** The tables only: OptInPhoneNumber needs no configuration. */
    public static final List<String> ENVIRONMENT = LambdaEnvironment.COMMON_ENVIRONMENT;
    static final String SOURCE = "process-feedback";
    private static final Log LOG = Log.of(ProcessFeedbackHandler.class);
    private static final java.util.regex.Pattern SAFE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final FeedbackService feedback;
    private final DeadLetterStore deadLetters;
    private final Clock clock;

    public ProcessFeedbackHandler() {
        this(Priming.register(LambdaEnvironment.services(System.getenv())), System.getenv());
    }

    private ProcessFeedbackHandler(Services services, Map<String, String> env) {
        this(LambdaEnvironment.feedback(services, env), services.deadLetters(), services.clock());
    }

    public ProcessFeedbackHandler(FeedbackService feedback, DeadLetterStore deadLetters, Clock clock) {
        this.feedback = feedback;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    /** What one invocation did, written back as the function's result. */
    private static final class Tally {
        int applied;
        int duplicates;
        int ignored;
        int deadLettered;

        ObjectNode json() {
            return Json.object().put("applied", applied).put("duplicates", duplicates).put("ignored", ignored)
                    .put("deadLettered", deadLettered);
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String raw = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        Tally tally = new Tally();
        JsonNode json;
        try {
            json = Json.parse(raw);
        } catch (JsonProcessingException notJson) {
            deadLetter(Ids.sha256Hex(raw), "the invocation payload is not JSON", raw, tally);
            output.write(Json.write(tally.json()).getBytes(StandardCharsets.UTF_8));
            return;
        }
        // A transient failure of one notification (its message not indexed yet) must not keep the ones after it
        // from being applied: the rest run first, then it is thrown for Lambda to retry (applying twice is harmless).
        RuntimeException retry = null;
        if (SnsEventJson.isSnsEvent(json)) {
            for (SnsEventJson.Notification notification : SnsEventJson.notifications(json)) {
                if (!notification.type().equals("Notification")) {
                    tally.ignored++; // subscription confirmations reach HTTP endpoints, never Lambda
                    continue;
                }
                String recordId = notification.messageId().isEmpty() ? Ids.sha256Hex(raw) : notification.messageId();
                retry = firstOf(retry, () -> apply(recordId, () -> FeedbackParser.fromSnsMessage(notification.message()
                        .orElseThrow(() -> new PermanentFailure("the SNS notification has no Message"))), raw, tally));
            }
        } else if (CloudWatchLogsJson.isLogsEvent(json)) {
            CloudWatchLogsJson.Data data;
            try {
                data = CloudWatchLogsJson.decode(json);
            } catch (PermanentFailure bad) {
                deadLetter(Ids.sha256Hex(raw), bad.getMessage(), raw, tally);
                output.write(Json.write(tally.json()).getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (data.control()) {
                tally.ignored++; // CloudWatch Logs checking that the destination is reachable
            }
            for (CloudWatchLogsJson.LogEvent event : data.control() ? List.<CloudWatchLogsJson.LogEvent>of() : data.logEvents()) {
                String payload = Json.write(Json.object().put("logGroup", data.logGroup()).put("logStream", data.logStream())
                        .put("id", event.id()).put("timestamp", event.timestamp()).put("message", event.message()));
                retry = firstOf(retry, () -> apply(event.id().isEmpty() ? Ids.sha256Hex(payload) : event.id(),
                        () -> FeedbackParser.fromSmsDeliveryLog(event.message()), payload, tally));
            }
        } else {
            deadLetter(Ids.sha256Hex(raw), "neither an SNS event nor a CloudWatch Logs subscription event", raw, tally);
        }
        if (retry != null) {
            throw retry;
        }
        output.write(Json.write(tally.json()).getBytes(StandardCharsets.UTF_8));
    }

    private static RuntimeException firstOf(RuntimeException earlier, Runnable work) {
        try {
            work.run();
            return earlier;
        } catch (RuntimeException transientFailure) {
            return earlier == null ? transientFailure : earlier;
        }
    }

    /** Parses and applies one notification; permanent trouble is dead-lettered, anything else propagates (retry). */
    private void apply(String recordId, Supplier<Feedback> parse, String payload, Tally tally) {
        FeedbackResult result;
        try {
            result = feedback.apply(parse.get());
        } catch (RuntimeException bad) {
            if (!PermanentFailure.isPermanent(bad)) {
                LOG.error("feedback failed; Lambda retries it", bad, "recordId", loggable(recordId), "exception", bad.getClass().getSimpleName());
                throw bad;
            }
            deadLetter(recordId, bad.getMessage() == null ? bad.getClass().getSimpleName() : bad.getMessage(), payload, tally);
            return;
        }
        switch (result) {
            case FeedbackResult.Applied applied -> tally.applied++;
            case FeedbackResult.Duplicate duplicate -> tally.duplicates++;
            case FeedbackResult.Ignored ignored -> tally.ignored++; // SES Send events mostly: one per email, not worth a log line
            case FeedbackResult.Unmatched unmatched -> deadLetter(recordId, unmatched.reason(), payload, tally);
        }
    }

    /** AWS's record ids as they are; anything else (a hand-made local payload) only as a hash. */
    private static String loggable(String recordId) {
        return SAFE_ID.matcher(recordId).matches() ? recordId : "sha256:" + Ids.sha256Hex(recordId).substring(0, 16);
    }

    private void deadLetter(String recordId, String reason, String payload, Tally tally) {
        deadLetters.put(SOURCE, recordId, reason, payload, clock.instant());
        LOG.warn("feedback dead-lettered", "source", SOURCE, "recordId", loggable(recordId), "reason", reason);
        tally.deadLettered++;
    }
}
