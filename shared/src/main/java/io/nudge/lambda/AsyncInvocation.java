package io.nudge.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.log.Log;
import io.nudge.store.DeadLetterStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Invariant 6 for asynchronous invocations (SNS, CloudWatch Logs subscriptions, EventBridge Scheduler, direct
 * {@code InvocationType=Event}): each record is parsed and handled; one that can never succeed
 * ({@link PermanentFailure#isPermanent}) goes whole, with its reason, to the dead-letter table and the invocation
 * succeeds; a transient failure is thrown for Lambda to retry the whole payload, but only after the records after it
 * have run, so one record not ready yet does not hold the others back (handling a record twice is harmless).
 * The sibling of {@link StreamBatch}, which reports failures in batchItemFailures instead.
 */
public final class AsyncInvocation {
    private static final Log LOG = Log.of(AsyncInvocation.class);
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** What a record's body is: an SNS notification's Message, a CloudWatch Logs event's message, a whole invocation. */
    public enum Kind { SNS_MESSAGE, LOG_EVENT, INVOCATION }

    /**
     * One record of an invocation.
     *
     * @param id      its own id (SNS MessageId, log event id) for operators; may be empty
     * @param payload what its dead letter keeps: enough to replay it
     * @param body    the text to parse (may be null for a log event without a message)
     */
    public record Record(Kind kind, String id, String payload, String body) {}

    /** Handles one record; throws a permanent failure for a record that can never succeed, anything else to retry. */
    @FunctionalInterface
    public interface Work<T> {
        T handle(Record record);
    }

    /** What happened to one record (or to a whole invocation that is not made of records). */
    public sealed interface Handled<T> permits Done, Skipped, DeadLettered {}

    public record Done<T>(T value) implements Handled<T> {}

    /** Nothing to do: an SNS subscription confirmation, a CloudWatch Logs control message. */
    public record Skipped<T>(String why) implements Handled<T> {}

    public record DeadLettered<T>(String reason, DeadLetterStore.Put put) implements Handled<T> {}

    private final String source;
    private final DeadLetterStore deadLetters;
    private final Clock clock;

    public AsyncInvocation(String source, DeadLetterStore deadLetters, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * An SNS event (one record per notification) or a CloudWatch Logs subscription event (one per log event); anything
     * else is dead-lettered whole with {@code neither} as its reason.
     *
     * @throws RuntimeException the first transient failure, after every record has run
     */
    public <T> List<Handled<T>> records(String raw, String neither, Work<T> work) {
        JsonNode json = parse(raw);
        if (json == null) {
            return List.of(deadLetter("", "the invocation payload is not JSON", raw));
        }
        List<Handled<T>> handled = new ArrayList<>();
        RuntimeException retry = null;
        if (SnsEventJson.isSnsEvent(json)) {
            List<SnsEventJson.Notification> notifications = SnsEventJson.notifications(json);
            for (int i = 0; i < notifications.size(); i++) {
                SnsEventJson.Notification notification = notifications.get(i);
                if (!notification.type().equals("Notification")) {
                    handled.add(new Skipped<>("SNS " + notification.type())); // confirmations reach HTTP endpoints, never Lambda
                    continue;
                }
                // The event as received when it holds one notification (it always does from SNS); else this one alone.
                String payload = notifications.size() == 1 ? raw
                        : Json.write(Json.object().set("Records", Json.MAPPER.createArrayNode().add(json.get("Records").get(i))));
                Record record = new Record(Kind.SNS_MESSAGE, notification.messageId(), payload, notification.message().orElse(null));
                retry = firstOf(retry, handled, record, notification.message().isEmpty()
                        ? r -> { throw new PermanentFailure("the SNS notification has no Message"); } : work);
            }
        } else if (CloudWatchLogsJson.isLogsEvent(json)) {
            CloudWatchLogsJson.Data data;
            try {
                data = CloudWatchLogsJson.decode(json);
            } catch (PermanentFailure bad) {
                return List.of(deadLetter("", bad.getMessage(), raw));
            }
            if (data.control()) {
                return List.of(new Skipped<>("CloudWatch Logs control message")); // checking the destination is reachable
            }
            for (CloudWatchLogsJson.LogEvent event : data.logEvents()) {
                String payload = Json.write(Json.object().put("logGroup", data.logGroup()).put("logStream", data.logStream())
                        .put("id", event.id()).put("timestamp", event.timestamp()).put("message", event.message()));
                retry = firstOf(retry, handled, new Record(Kind.LOG_EVENT, event.id(), payload, event.message()), work);
            }
        } else {
            return List.of(deadLetter("", neither, raw));
        }
        if (retry != null) {
            throw retry;
        }
        return handled;
    }

    /** A whole invocation given as JSON text (EventBridge Scheduler's input): not JSON is dead-lettered, else as {@link #one}. */
    public <T> Handled<T> json(String raw, Function<JsonNode, T> work) {
        JsonNode json = parse(raw);
        if (json == null) {
            return deadLetter("", "the invocation payload is not JSON", raw);
        }
        return one(raw, () -> work.apply(json));
    }

    /**
     * A whole invocation as one record ({@code payload}: what its dead letter keeps, see {@link #payloadOf}).
     *
     * @throws RuntimeException a transient failure, for Lambda to retry
     */
    public <T> Handled<T> one(String payload, Supplier<T> work) {
        List<Handled<T>> handled = new ArrayList<>(1);
        RuntimeException retry = firstOf(null, handled, new Record(Kind.INVOCATION, "", payload, payload), r -> work.get());
        if (retry != null) {
            throw retry;
        }
        return handled.get(0);
    }

    /** The tally of what happened, written back as the function's result: each field counted, 0 when none. */
    public static <T> ObjectNode tally(List<Handled<T>> handled, Function<T, String> doneAs, String... fields) {
        ObjectNode tally = Json.object();
        for (String field : fields) {
            tally.put(field, 0);
        }
        for (Handled<T> one : handled) {
            String field = switch (one) {
                case Done<T> done -> doneAs.apply(done.value());
                case Skipped<T> skipped -> "ignored";
                case DeadLettered<T> deadLettered -> "deadLettered";
            };
            tally.put(field, tally.path(field).asInt() + 1);
        }
        return tally;
    }

    /** An invocation's input as JSON, or as text when it cannot be written as JSON (nested too deep): never a throw. */
    public static String payloadOf(java.util.Map<String, ?> input) {
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

    /** Runs one record; returns the first transient failure so far (the earlier one wins). */
    private <T> RuntimeException firstOf(RuntimeException earlier, List<Handled<T>> handled, Record record, Work<T> work) {
        try {
            try {
                handled.add(new Done<>(work.handle(record)));
            } catch (RuntimeException failure) {
                if (!PermanentFailure.isPermanent(failure)) {
                    throw failure;
                }
                handled.add(deadLetter(record.id(), failure.getMessage() == null ? failure.getClass().getSimpleName()
                        : failure.getMessage(), record.payload()));
            }
            return earlier;
        } catch (RuntimeException transientFailure) {
            LOG.error("record failed; Lambda retries the invocation", transientFailure, "source", source,
                    "recordId", loggable(record.id()), "exception", transientFailure.getClass().getName());
            return earlier == null ? transientFailure : earlier;
        }
    }

    private <T> DeadLettered<T> deadLetter(String recordId, String reason, String payload) {
        DeadLetterStore.Put put = deadLetters.put(source, recordId, reason, payload, clock.instant());
        LOG.warn("dead-lettered", "source", source, "recordId", loggable(recordId), "reason", reason, "deadLetter", put.id(),
                "alreadyKept", put instanceof DeadLetterStore.AlreadyKept);
        return new DeadLettered<>(reason, put);
    }

    private static JsonNode parse(String raw) {
        try {
            return Json.parse(raw);
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    /** AWS's record ids as they are; anything else (a hand-made local payload) only as a hash. */
    private static String loggable(String recordId) {
        return recordId.isEmpty() || SAFE_ID.matcher(recordId).matches() ? recordId
                : "sha256:" + Ids.sha256Hex(recordId).substring(0, 16);
    }
}
