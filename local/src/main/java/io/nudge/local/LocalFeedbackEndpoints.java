package io.nudge.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.aws.AwsClients;
import io.nudge.feedback.PhoneOptIn;
import io.nudge.feedback.RetryLater;
import io.nudge.feedback.aws.SnsPhoneOptIn;
import io.nudge.functions.feedback.ProcessFeedbackHandler;
import io.nudge.json.Json;
import io.nudge.keys.ApiKey;
import io.nudge.keys.ApiKeys;
import io.nudge.keys.Scope;
import io.nudge.lambda.CloudWatchLogsJson;
import io.nudge.lambda.SnsEventJson;
import io.nudge.log.Log;
import io.nudge.wiring.Services;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Local runner only: hands process-feedback what SNS and CloudWatch Logs would, so bounces, complaints, receipts and
 * STOPs can be tried without AWS. Admin key required, as for the admin API.
 * <ul>
 *   <li>{@code POST /local/sns}: an SNS notification as SNS delivers it — the {@code Sns} object of a Lambda record,
 *       the body SNS posts to an HTTP subscription (either spelling of the field names), or a whole Lambda SNS event
 *       (the samples in events/). Signatures are not checked.</li>
 *   <li>{@code POST /local/cloudwatch-logs}: a subscription event {"awslogs":{"data":…}}, or its decoded document
 *       ({"messageType":…,"logEvents":[…]}), which is encoded as CloudWatch Logs would.</li>
 *   <li>{@code GET /local/outbox?limit=}: the newest outbox entries as a person would see them (the console's outbox
 *       page); 404 when the runner sends through AWS and has no outbox.</li>
 * </ul>
 * 200 with the function's result; 503 when the function failed transiently (SNS would retry it).
 */
final class LocalFeedbackEndpoints {
    static final String PREFIX = "/local/";
    private static final Log LOG = Log.of(LocalFeedbackEndpoints.class);

    record Response(int status, String body) {}

    private final ApiKeys keys;
    private final RequestStreamHandler processFeedback;
    private final boolean replay;
    private final Optional<LocalOutbox> outbox;

    LocalFeedbackEndpoints(ApiKeys keys, RequestStreamHandler processFeedback) {
        this(keys, processFeedback, false, Optional.empty());
    }

    /**
     * @param replay hand every notification over twice, as SNS's at-least-once delivery may
     * @param outbox the outbox the local channels write, when they do
     */
    LocalFeedbackEndpoints(ApiKeys keys, RequestStreamHandler processFeedback, boolean replay, Optional<LocalOutbox> outbox) {
        this.keys = keys;
        this.processFeedback = processFeedback;
        this.replay = replay;
        this.outbox = outbox;
    }

    /** process-feedback over the local stores; OptInPhoneNumber goes to SNS only when the runner sends through AWS. */
    static LocalFeedbackEndpoints over(Services services, LocalOptions options, Optional<Path> outboxDir) {
        PhoneOptIn optIn = options.channels() == LocalOptions.Channels.AWS
                ? new SnsPhoneOptIn(AwsClients.sns(System.getenv())) : PhoneOptIn.local();
        return new LocalFeedbackEndpoints(services.apiKeys(),
                new ProcessFeedbackHandler(services.feedback(optIn), services.deadLetters(), options.clock()), options.replay(),
                outboxDir.map(LocalOutbox::new));
    }

    /** @param headers lowercased names */
    Response handle(String method, String path, Map<String, String> headers, byte[] body) {
        return handle(method, path, "", headers, body);
    }

    /**
     * @param query the raw query string ("" for none)
     * @param headers lowercased names
     */
    Response handle(String method, String path, String query, Map<String, String> headers, byte[] body) {
        boolean sns = path.equals(PREFIX + "sns");
        boolean outboxPath = path.equals(PREFIX + "outbox");
        if (!sns && !outboxPath && !path.equals(PREFIX + "cloudwatch-logs")) {
            return error(404, "not_found", "local routes are POST /local/sns, POST /local/cloudwatch-logs and GET /local/outbox", null);
        }
        Optional<ApiKey> key = Optional.ofNullable(headers.get("authorization"))
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .flatMap(h -> keys.authenticate(h.substring(7).strip()));
        if (key.isEmpty()) {
            return error(401, "unauthorized", "send a valid API key as 'Authorization: Bearer <key>'", null);
        }
        if (!key.get().scope().allows(Scope.ADMIN)) {
            return error(403, "forbidden", "the local routes need an admin key", null);
        }
        if (outboxPath) {
            return outbox(method, query);
        }
        if (!method.toUpperCase(Locale.ROOT).equals("POST")) {
            return error(405, "method_not_allowed", path + " takes POST", null);
        }
        JsonNode json;
        try {
            json = Json.parse(new String(body, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            return error(400, "invalid_json", "the body is not JSON", "");
        }
        if (json == null || !json.isObject()) {
            return error(400, "invalid_body", "the body must be a JSON object", "");
        }
        JsonNode event;
        try {
            event = sns ? snsEvent(json) : logsEvent(json);
        } catch (IllegalArgumentException e) {
            return error(400, "invalid_body", e.getMessage(), "");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            byte[] payload = Json.write(event).getBytes(StandardCharsets.UTF_8);
            if (replay) {
                // the first delivery of two; the answer returned is the second's
                processFeedback.handleRequest(new ByteArrayInputStream(payload), new ByteArrayOutputStream(), null);
            }
            processFeedback.handleRequest(new ByteArrayInputStream(payload), out, null);
        } catch (RetryLater later) {
            return error(503, "retry_later", "process-feedback cannot apply it yet (" + later.getMessage() + "); SNS would retry", null);
        } catch (IOException | RuntimeException failure) {
            LOG.error("process-feedback failed", failure);
            return error(503, "retry_later", "process-feedback failed (" + failure.getClass().getSimpleName() + "); SNS would retry", null);
        }
        return new Response(200, out.toString(StandardCharsets.UTF_8));
    }

    private Response outbox(String method, String query) {
        if (!method.toUpperCase(Locale.ROOT).equals("GET")) {
            return error(405, "method_not_allowed", "/local/outbox takes GET", null);
        }
        if (outbox.isEmpty()) {
            return error(404, "not_found", "this runner sends through AWS: there is no outbox", null);
        }
        int limit = 50;
        for (String pair : query == null ? new String[0] : query.split("&")) {
            if (pair.startsWith("limit=")) {
                try {
                    limit = Integer.parseInt(pair.substring("limit=".length()));
                } catch (NumberFormatException e) {
                    limit = -1;
                }
                if (limit < 1 || limit > 500) {
                    return error(400, "invalid", "limit must be a number from 1 to 500", "limit");
                }
            }
        }
        return new Response(200, Json.write(outbox.get().newest(limit)));
    }

    private static JsonNode snsEvent(JsonNode body) {
        if (body.has("Records")) {
            if (!SnsEventJson.isSnsEvent(body)) {
                throw new IllegalArgumentException("Records must be SNS records (EventSource aws:sns with an Sns object)");
            }
            return body;
        }
        return SnsEventJson.wrap(body.path("Sns").isObject() ? body.get("Sns") : body);
    }

    private static JsonNode logsEvent(JsonNode body) {
        if (CloudWatchLogsJson.isLogsEvent(body)) {
            return body;
        }
        if (body.path("logEvents").isArray()) {
            return CloudWatchLogsJson.encode(body);
        }
        throw new IllegalArgumentException("expected {\"awslogs\":{\"data\":\"<base64 gzip>\"}} or a decoded document with logEvents");
    }

    private static Response error(int status, String code, String message, String field) {
        var error = Json.object();
        var details = error.putObject("error").put("code", code).put("message", message);
        if (field == null) {
            details.putNull("field");
        } else {
            details.put("field", field);
        }
        return new Response(status, Json.write(error));
    }
}
