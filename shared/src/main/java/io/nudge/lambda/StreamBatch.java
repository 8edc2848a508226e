package io.nudge.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.nudge.json.Json;
import io.nudge.log.Log;
import io.nudge.store.DeadLetterStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Invariant 6 for DynamoDB streams: a record that can never succeed goes whole, with its reason, to the
 * dead-letter table and counts as done; a transient failure is reported in batchItemFailures, and since the
 * stream retries from that record on, processing stops there.
 */
public final class StreamBatch {
    private static final Log LOG = Log.of(StreamBatch.class);

    /** Handles one record's new image; throws {@link PermanentFailure} or IllegalArgumentException for bad records. */
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

    /**
     * @param beforeBatch work for the whole batch (refreshing cached definitions); if it fails transiently,
     *                    the batch is reported failed from its first record
     */
    public StreamsEventResponse process(DynamodbEvent event, Runnable beforeBatch, RecordHandler handler) {
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        List<DynamodbEvent.DynamodbStreamRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        if (records.isEmpty()) {
            return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
        }
        try {
            beforeBatch.run();
        } catch (RuntimeException transientFailure) {
            LOG.error("batch preparation failed; the stream retries the batch", transientFailure, "source", source);
            DynamodbEvent.DynamodbStreamRecord first = records.get(0);
            failures.add(StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(
                    first.getDynamodb() == null ? first.getEventID() : first.getDynamodb().getSequenceNumber()).build());
            return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
        }
        for (DynamodbEvent.DynamodbStreamRecord record : records) {
            String sequence = record.getDynamodb() == null ? record.getEventID() : record.getDynamodb().getSequenceNumber();
            try {
                if (record.getDynamodb() == null || record.getDynamodb().getNewImage() == null) {
                    throw new PermanentFailure("record has no NewImage");
                }
                handler.handle(StreamImages.toSdk(record.getDynamodb().getNewImage()));
            } catch (PermanentFailure | IllegalArgumentException | ClassCastException bad) {
                String reason = bad.getMessage() == null ? bad.getClass().getSimpleName() : bad.getMessage();
                try {
                    deadLetters.put(source, String.valueOf(record.getEventID()), reason, payload(record), clock.instant());
                    LOG.warn("record dead-lettered", "source", source, "eventID", record.getEventID(), "reason", reason);
                } catch (RuntimeException storeDown) {
                    LOG.error("could not dead-letter a record; retrying it", storeDown, "source", source);
                    failures.add(StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(sequence).build());
                    break;
                }
            } catch (RuntimeException transientFailure) {
                LOG.error("record failed; the stream retries from it", transientFailure, "source", source, "eventID", record.getEventID());
                failures.add(StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(sequence).build());
                break;
            }
        }
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
