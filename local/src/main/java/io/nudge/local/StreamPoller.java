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
 * What a Lambda event source mapping does, for one table's stream: read each shard in order, drop records the
 * filter rejects, hand the rest to the handler as a {@link DynamodbEvent}, retry from the first reported
 * failure a bounded number of times, and checkpoint (persisted) so a restart resumes where it stopped.
 */
final class StreamPoller implements Runnable {
    private static final Log LOG = Log.of(StreamPoller.class);
    static final int MAX_RETRY_ATTEMPTS = 5;
    private static final int BATCH_SIZE = 100;
    private static final long IDLE_MILLIS = 10;
    private static final long SHARD_REFRESH_MILLIS = 1_000;

    private final String name;
    private final String table;
    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;
    private final Checkpoints checkpoints;
    private final Predicate<Record> filter;
    private final RequestHandler<DynamodbEvent, StreamsEventResponse> handler;
    private final Map<String, String> iterators = new HashMap<>();
    private final java.util.Set<String> closedAndRead = new java.util.HashSet<>();
    private volatile boolean running = true;
    private String streamArn;
    private long lastShardRefresh;

    StreamPoller(String name, String table, DynamoDbClient dynamo, DynamoDbStreamsClient streams, Checkpoints checkpoints,
            Predicate<Record> filter, RequestHandler<DynamodbEvent, StreamsEventResponse> handler) {
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

    @Override
    public void run() {
        while (running) {
            try {
                if (!pollOnce()) {
                    Thread.sleep(IDLE_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.error("stream poll failed; retrying", e, "poller", name);
                iterators.clear();
                sleepQuietly(500);
            }
        }
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
            } catch (ExpiredIteratorException | TrimmedDataAccessException e) {
                iterators.put(shardId, iteratorFor(shardId));
                continue;
            }
            List<Record> records = response.records();
            if (!records.isEmpty()) {
                any = true;
                deliver(records);
                checkpoints.put(checkpointKey(shardId), records.get(records.size() - 1).dynamodb().sequenceNumber());
            }
            if (response.nextShardIterator() == null) {
                iterators.remove(shardId);
                closedAndRead.add(shardId);
            } else {
                iterators.put(shardId, response.nextShardIterator());
            }
        }
        return any;
    }

    private void deliver(List<Record> records) throws InterruptedException {
        List<Record> selected = records.stream().filter(filter).toList();
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
        List<Shard> shards = streams.describeStream(DescribeStreamRequest.builder().streamArn(streamArn).build())
                .streamDescription().shards();
        for (Shard shard : shards) {
            if (!iterators.containsKey(shard.shardId()) && !finished(shard)) {
                iterators.put(shard.shardId(), iteratorFor(shard.shardId()));
            }
        }
    }

    /** A closed shard whose last record we have processed needs no iterator. */
    private boolean finished(Shard shard) {
        String end = shard.sequenceNumberRange().endingSequenceNumber();
        if (end == null) {
            return false;
        }
        Optional<String> done = checkpoints.get(checkpointKey(shard.shardId()));
        return done.isPresent() && done.get().equals(end) || closedAndRead.contains(shard.shardId());
    }

    private String iteratorFor(String shardId) {
        Optional<String> checkpoint = checkpoints.get(checkpointKey(shardId));
        GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder().streamArn(streamArn).shardId(shardId);
        if (checkpoint.isPresent()) {
            request.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(checkpoint.get());
        } else {
            request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
        }
        return streams.getShardIterator(request.build()).shardIterator();
    }

    private String checkpointKey(String shardId) {
        return table + "/" + shardId;
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
