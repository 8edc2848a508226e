package io.nudge.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.nudge.lambda.StreamImages;
import io.nudge.log.Log;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * What a Lambda event source mapping does, for one table's stream: read each shard in order (a child shard only
 * after its parent is drained), drop records the filter rejects, hand the rest to the handler as a
 * {@link DynamodbEvent}, retry from the first reported failure a bounded number of times, and checkpoint (persisted,
 * per poller) so a restart resumes where it stopped.
 *
 * <p>With {@code replay} on (a test switch) every batch is handed over twice, first reversed, then in order, as
 * at-least-once delivery may do.
 */
final class StreamPoller implements Runnable {
    private static final Log LOG = Log.of(StreamPoller.class);
    static final int MAX_RETRY_ATTEMPTS = 5;
    private static final int BATCH_SIZE = 100;
    private static final long IDLE_MILLIS = 10;
    /**
     * An idle poller backs off to this between polls. DynamoDB Local's GetRecords takes longer as its stream grows (it
     * keeps records 24 h): an idle poller asking 100 times a second took most of its one SQLite thread once a large
     * campaign had gone through.
     */
    static final long MAX_IDLE_MILLIS = 200;
    /** When writes are announced ({@link TableWrites}), an idle poller is woken by them: this is only a safety net. */
    static final long MAX_IDLE_OBSERVED_MILLIS = 1_000;
    private static final long SHARD_REFRESH_MILLIS = 1_000;

    private final String name;
    private final String table;
    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;
    private final Checkpoints checkpoints;
    private final TableWrites writes;
    private final Predicate<Record> filter;
    private final RequestHandler<DynamodbEvent, StreamsEventResponse> handler;
    private final Map<String, String> iterators = new HashMap<>();
    private final java.util.Set<String> closedAndRead = new java.util.HashSet<>();
    /** Shards that answered "closed" once: read once more from the checkpoint before believing it (see pollOnce). */
    private final java.util.Set<String> closing = new java.util.HashSet<>();
    private final boolean replay;
    private volatile boolean running = true;
    private String streamArn;
    private long lastShardRefresh;

    StreamPoller(String name, String table, DynamoDbClient dynamo, DynamoDbStreamsClient streams, Checkpoints checkpoints,
            Predicate<Record> filter, RequestHandler<DynamodbEvent, StreamsEventResponse> handler) {
        this(name, table, dynamo, streams, checkpoints, TableWrites.unobserved(), filter, handler, false);
    }

    StreamPoller(String name, String table, DynamoDbClient dynamo, DynamoDbStreamsClient streams, Checkpoints checkpoints,
            TableWrites writes, Predicate<Record> filter, RequestHandler<DynamodbEvent, StreamsEventResponse> handler, boolean replay) {
        this.replay = replay;
        this.writes = writes;
        this.name = name;
        this.table = table;
        this.dynamo = dynamo;
        this.streams = streams;
        this.checkpoints = checkpoints;
        this.filter = filter;
        this.handler = handler;
    }

    void stop() {
        running = false;
    }

    String name() {
        return name;
    }

    @Override
    public void run() {
        long idle = IDLE_MILLIS;
        long maxIdle = writes.observed() ? MAX_IDLE_OBSERVED_MILLIS : MAX_IDLE_MILLIS;
        while (running) {
            try {
                // noted before the read: a write landing while we read wakes the wait below at once
                long seen = writes.count(table);
                if (pollOnce()) {
                    idle = IDLE_MILLIS;
                } else {
                    checkpoints.flush(checkpointOwner());
                    writes.await(table, seen, idle);
                    idle = nextIdle(idle, maxIdle);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.error("stream poll failed; retrying", e, "poller", name);
                // Resume every shard from this poller's own checkpoint (records after it are handed over again).
                iterators.clear();
                closing.clear();
                lastShardRefresh = 0;
                sleepQuietly(500);
            }
        }
        try {
            checkpoints.flush(checkpointOwner());
        } catch (RuntimeException e) {
            LOG.warn("last checkpoint not written; the last records will be handed over again", "poller", name, "errorType", e.getClass().getName());
        }
    }

    /** The wait after another empty poll: doubled, up to {@link #MAX_IDLE_MILLIS}. */
    static long nextIdle(long idle) {
        return nextIdle(idle, MAX_IDLE_MILLIS);
    }

    static long nextIdle(long idle, long max) {
        return Math.min(max, idle * 2);
    }

    /** @return true when any records were read */
    boolean pollOnce() throws InterruptedException {
        refreshShards();
        boolean any = false;
        for (Map.Entry<String, String> entry : new ArrayList<>(iterators.entrySet())) {
            String shardId = entry.getKey();
            GetRecordsResponse response;
            try {
                response = streams.getRecords(GetRecordsRequest.builder().shardIterator(entry.getValue()).limit(BATCH_SIZE).build());
            } catch (ExpiredIteratorException e) {
                iterators.put(shardId, iteratorFor(shardId));
                continue;
            } catch (TrimmedDataAccessException e) {
                // Without a checkpoint this is DynamoDB Local's TRIM_HORIZON iterator taken while the shard was empty
                // (it points before the first record written later): harmless. With one, records older than the
                // stream keeps (24 h) are gone. Either way, go on from the oldest record left.
                if (checkpoint(shardId).isPresent()) {
                    LOG.warn("stream records trimmed before they were read", "poller", name, "shard", shardId);
                }
                iterators.put(shardId, streams.getShardIterator(GetShardIteratorRequest.builder().streamArn(streamArn)
                        .shardId(shardId).shardIteratorType(ShardIteratorType.TRIM_HORIZON).build()).shardIterator());
                continue;
            }
            List<Record> records = response.records();
            if (!records.isEmpty()) {
                any = true;
                deliver(records);
                checkpoints.advance(checkpointKey(shardId), records.get(records.size() - 1).dynamodb().sequenceNumber());
            }
            if (response.nextShardIterator() == null) {
                // DynamoDB Local decides "closed" after reading the records: a record written between that read and
                // the shard's roll-over would be skipped. The shard is sealed now, so one more read from the
                // checkpoint is complete.
                if (closing.add(shardId)) {
                    iterators.put(shardId, iteratorFor(shardId));
                } else {
                    iterators.remove(shardId);
                    closing.remove(shardId);
                    closedAndRead.add(shardId);
                    lastShardRefresh = 0; // its children may start now
                }
            } else {
                iterators.put(shardId, response.nextShardIterator());
            }
        }
        return any;
    }

    private void deliver(List<Record> records) throws InterruptedException {
        List<Record> selected = records.stream().filter(filter).toList();
        if (replay && !selected.isEmpty()) {
            // The first, out-of-order delivery: whatever it does, the in-order one below must find it harmless.
            try {
                handler.handleRequest(toEvent(selected.reversed()), null);
            } catch (RuntimeException e) {
                LOG.warn("replayed batch failed; delivering it again in order", "poller", name, "errorType", e.getClass().getName());
            }
        }
        int attempt = 0;
        while (!selected.isEmpty()) {
            StreamsEventResponse response;
            try {
                response = handler.handleRequest(toEvent(selected), null);
            } catch (RuntimeException e) {
                LOG.error("handler threw; retrying the whole batch", e, "poller", name);
                response = failedFrom(selected.get(0));
            }
            List<StreamsEventResponse.BatchItemFailure> failures = response == null || response.getBatchItemFailures() == null
                    ? List.of() : response.getBatchItemFailures();
            if (failures.isEmpty()) {
                return;
            }
            if (++attempt > MAX_RETRY_ATTEMPTS) {
                // Lambda's on-failure destination: metadata only, never the record.
                LOG.warn("giving up on records after retries", "poller", name, "records", selected.size(),
                        "firstSequence", selected.get(0).dynamodb().sequenceNumber());
                return;
            }
            String first = failures.stream().map(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                    .min(String::compareTo).orElse(selected.get(0).dynamodb().sequenceNumber());
            java.math.BigInteger from = new java.math.BigInteger(first);
            selected = selected.stream().filter(r -> new java.math.BigInteger(r.dynamodb().sequenceNumber()).compareTo(from) >= 0).toList();
            Thread.sleep(Math.min(2_000, 50L << attempt));
        }
    }

    private static StreamsEventResponse failedFrom(Record record) {
        return StreamsEventResponse.builder().withBatchItemFailures(List.of(StreamsEventResponse.BatchItemFailure.builder()
                .withItemIdentifier(record.dynamodb().sequenceNumber()).build())).build();
    }

    private void refreshShards() {
        long now = System.currentTimeMillis();
        if (streamArn != null && now - lastShardRefresh < SHARD_REFRESH_MILLIS) {
            return;
        }
        lastShardRefresh = now;
        if (streamArn == null) {
            streamArn = dynamo.describeTable(DescribeTableRequest.builder().tableName(table).build()).table().latestStreamArn();
        }
        List<Shard> shards = describeAllShards();
        java.util.Set<String> listed = new java.util.HashSet<>();
        shards.forEach(shard -> listed.add(shard.shardId()));
        for (Shard shard : shards) {
            if (!iterators.containsKey(shard.shardId()) && !finished(shard) && parentDone(shard, listed, shards)) {
                iterators.put(shard.shardId(), iteratorFor(shard.shardId()));
            }
        }
    }

    private List<Shard> describeAllShards() {
        List<Shard> all = new ArrayList<>();
        String last = null;
        do {
            var description = streams.describeStream(DescribeStreamRequest.builder().streamArn(streamArn)
                    .exclusiveStartShardId(last).build()).streamDescription();
            all.addAll(description.shards());
            last = description.lastEvaluatedShardId();
        } while (last != null);
        return all;
    }

    /**
     * Lambda reads a child shard only after its parent: records of one item keep their order across a roll-over
     * (an exception event is evaluated after the event it cancels). A parent no longer listed has expired.
     */
    private boolean parentDone(Shard shard, java.util.Set<String> listed, List<Shard> shards) {
        String parent = shard.parentShardId();
        if (parent == null || !listed.contains(parent)) {
            return true;
        }
        return shards.stream().filter(s -> s.shardId().equals(parent)).findFirst().map(this::finished).orElse(true);
    }

    /** A closed shard whose last record we have processed needs no iterator. */
    private boolean finished(Shard shard) {
        String end = shard.sequenceNumberRange().endingSequenceNumber();
        if (end == null) {
            return false;
        }
        if (closedAndRead.contains(shard.shardId())) {
            return true;
        }
        Optional<String> done = checkpoint(shard.shardId());
        return done.isPresent() && done.get().equals(end);
    }

    private String iteratorFor(String shardId) {
        Optional<String> checkpoint = checkpoint(shardId);
        GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder().streamArn(streamArn).shardId(shardId);
        if (checkpoint.isPresent()) {
            request.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(checkpoint.get());
        } else {
            request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
        }
        return streams.getShardIterator(request.build()).shardIterator();
    }

    /**
     * Each poller keeps its own checkpoints: two pollers read the Messages stream (deliver, schedule-sends), and one
     * that resumed from the other's position would skip what lies between.
     */
    private String checkpointKey(String shardId) {
        return checkpointOwner() + table + "/" + shardId;
    }

    private String checkpointOwner() {
        return name + "@";
    }

    private Optional<String> checkpoint(String shardId) {
        Optional<String> own = checkpoints.get(checkpointKey(shardId));
        // A data folder from before per-poller checkpoints: resume where that run left off rather than from the start.
        return own.isPresent() ? own : checkpoints.get(table + "/" + shardId);
    }

    private DynamodbEvent toEvent(List<Record> records) {
        List<DynamodbEvent.DynamodbStreamRecord> converted = new ArrayList<>(records.size());
        for (Record record : records) {
            var streamRecord = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord();
            streamRecord.setKeys(StreamImages.toLambda(record.dynamodb().keys()));
            if (record.dynamodb().hasNewImage()) {
                streamRecord.setNewImage(StreamImages.toLambda(record.dynamodb().newImage()));
            }
            streamRecord.setSequenceNumber(record.dynamodb().sequenceNumber());
            streamRecord.setSizeBytes(record.dynamodb().sizeBytes());
            streamRecord.setStreamViewType(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType.valueOf(record.dynamodb().streamViewTypeAsString()));
            if (record.dynamodb().approximateCreationDateTime() != null) {
                streamRecord.setApproximateCreationDateTime(Date.from(record.dynamodb().approximateCreationDateTime()));
            }
            DynamodbEvent.DynamodbStreamRecord lambdaRecord = new DynamodbEvent.DynamodbStreamRecord();
            lambdaRecord.setEventID(record.eventID());
            lambdaRecord.setEventName(record.eventNameAsString());
            lambdaRecord.setEventVersion(record.eventVersion());
            lambdaRecord.setEventSource("aws:dynamodb");
            lambdaRecord.setAwsRegion(record.awsRegion());
            lambdaRecord.setDynamodb(streamRecord);
            lambdaRecord.setEventSourceARN(streamArn);
            converted.add(lambdaRecord);
        }
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(converted);
        return event;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
