package io.nudge.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.nudge.json.Json;
import io.nudge.log.Log;
import io.nudge.store.DeadLetterStore;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Invariant 6 for DynamoDB streams: a record that can never succeed goes whole, with its reason, to the
 * dead-letter table and counts as done; a transient failure is reported in batchItemFailures.
 *
 * <p>Records are I/O-bound, so a batch runs concurrently: records with the same ordering key (the user, for
 * evaluation) one after the other, different keys side by side. The stream retries from the lowest failed sequence
 * number, so only that one is reported; later records that succeeded run again, which conditional writes make harmless.
 */
public final class StreamBatch {
    private static final Log LOG = Log.of(StreamBatch.class);
    private static final int PARALLELISM = 16;

    /** Handles one record's new image; throws {@link PermanentFailure} for a record that can never succeed. */
    @FunctionalInterface
    public interface RecordHandler {
        void handle(Map<String, AttributeValue> newImage);
    }

    private final String source;
    private final DeadLetterStore deadLetters;
    private final Clock clock;

    public StreamBatch(String source, DeadLetterStore deadLetters, Clock clock) {
        this.source = source;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    /** Every record in order, one at a time. */
    public StreamsEventResponse process(DynamodbEvent event, Runnable beforeBatch, RecordHandler handler) {
        return process(event, beforeBatch, image -> "", handler);
    }

    /**
     * @param beforeBatch work for the whole batch (refreshing cached definitions); if it fails transiently,
     *                    the batch is reported failed from its first record
     * @param orderingKey records with equal keys keep their stream order; others may run concurrently
     */
    public StreamsEventResponse process(DynamodbEvent event, Runnable beforeBatch,
            Function<Map<String, AttributeValue>, String> orderingKey, RecordHandler handler) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        if (records.isEmpty()) {
            return response(Optional.empty());
        }
        try {
            beforeBatch.run();
        } catch (RuntimeException transientFailure) {
            LOG.error("batch preparation failed; the stream retries the batch", transientFailure, "source", source);
            return response(Optional.of(sequenceOf(records.get(0))));
        }
        Map<String, List<DynamodbEvent.DynamodbStreamRecord>> groups = new LinkedHashMap<>();
        for (DynamodbEvent.DynamodbStreamRecord record : records) {
            groups.computeIfAbsent(keyOf(record, orderingKey), k -> new ArrayList<>()).add(record);
        }
        if (groups.size() == 1) {
            return response(runGroup(records, handler));
        }
        List<String> failed = new ArrayList<>();
        try (ExecutorService workers = Executors.newFixedThreadPool(Math.min(PARALLELISM, groups.size()), Thread.ofVirtual().factory())) {
            List<Future<Optional<String>>> results = new ArrayList<>();
            for (List<DynamodbEvent.DynamodbStreamRecord> group : groups.values()) {
                results.add(workers.submit(() -> runGroup(group, handler)));
            }
            for (Future<Optional<String>> result : results) {
                result.get().ifPresent(failed::add);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return response(Optional.of(sequenceOf(records.get(0))));
        } catch (ExecutionException e) {
            LOG.error("a record group failed unexpectedly", e.getCause(), "source", source);
            return response(Optional.of(sequenceOf(records.get(0))));
        }
        return response(failed.stream().min(Comparator.comparing(StreamBatch::numeric)));
    }

    /** Runs one group in order; returns the sequence number it stopped at, if a record failed transiently. */
    private Optional<String> runGroup(List<DynamodbEvent.DynamodbStreamRecord> group, RecordHandler handler) {
        for (DynamodbEvent.DynamodbStreamRecord record : group) {
            try {
                if (record.getDynamodb() == null || record.getDynamodb().getNewImage() == null) {
                    throw new PermanentFailure("record has no NewImage");
                }
                handler.handle(StreamImages.toSdk(record.getDynamodb().getNewImage()));
            } catch (RuntimeException failure) {
                if (!PermanentFailure.isPermanent(failure)) {
                    LOG.error("record failed; the stream retries from it", failure, "source", source, "eventID", record.getEventID(),
                            "exception", failure.getClass().getSimpleName());
                    return Optional.of(sequenceOf(record));
                }
                String reason = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
                try {
                    deadLetters.put(source, String.valueOf(record.getEventID()), reason, payload(record), clock.instant());
                    LOG.warn("record dead-lettered", "source", source, "eventID", record.getEventID(), "reason", reason);
                } catch (RuntimeException storeDown) {
                    LOG.error("could not dead-letter a record; retrying it", storeDown, "source", source);
                    return Optional.of(sequenceOf(record));
                }
            }
        }
        return Optional.empty();
    }

    private static String keyOf(DynamodbEvent.DynamodbStreamRecord record, Function<Map<String, AttributeValue>, String> orderingKey) {
        if (record.getDynamodb() == null || record.getDynamodb().getNewImage() == null) {
            return "";
        }
        try {
            String key = orderingKey.apply(StreamImages.toSdk(record.getDynamodb().getNewImage()));
            return key == null ? "" : key;
        } catch (RuntimeException badShape) {
            return ""; // the handler will dead-letter it; keep it in the default group
        }
    }

    private static String sequenceOf(DynamodbEvent.DynamodbStreamRecord record) {
        return record.getDynamodb() == null || record.getDynamodb().getSequenceNumber() == null
                ? record.getEventID() : record.getDynamodb().getSequenceNumber();
    }

    private static BigInteger numeric(String sequence) {
        try {
            return new BigInteger(sequence);
        } catch (RuntimeException notNumeric) {
            return BigInteger.ZERO;
        }
    }

    private static StreamsEventResponse response(Optional<String> failedFrom) {
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        failedFrom.ifPresent(s -> failures.add(StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(s).build()));
        return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
    }

    private static String payload(DynamodbEvent.DynamodbStreamRecord record) {
        try {
            return Json.write(record);
        } catch (RuntimeException unserialisable) {
            return String.valueOf(record);
        }
    }
}
