package io.nudge.bench;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.api.ApiRequest;
import io.nudge.api.ApiResponse;
import io.nudge.api.NudgeApi;
import io.nudge.json.Json;
import io.nudge.lambda.StreamEventJson;
import io.nudge.lambda.StreamImages;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Small helpers shared by the benchmarks: calling the API in-process, and stream events as Lambda delivers them. */
public final class Fixture {
    private static final AtomicLong SEQUENCE = new AtomicLong(1_000_000);

    private Fixture() {}

    /** Calls the API as the HTTP API would, and fails loudly on anything but a 2xx. */
    public static JsonNode call(NudgeApi api, String key, String method, String path, String body) {
        ApiResponse response = api.handle(new ApiRequest(method, path, Map.of("authorization", "Bearer " + key, "content-type", "application/json"),
                Map.of(), Optional.ofNullable(body).map(b -> b.getBytes(StandardCharsets.UTF_8))));
        if (response.status() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " → " + response.status() + " " + response.body());
        }
        try {
            return response.body() == null || response.body().isEmpty() ? Json.object() : Json.parse(response.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One INSERT record per item, as a DynamoDB stream with NEW_IMAGE delivers it to Lambda. */
    public static DynamodbEvent streamEvent(List<Map<String, AttributeValue>> items) {
        List<DynamodbEvent.DynamodbStreamRecord> records = new java.util.ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            StreamRecord stream = new StreamRecord();
            stream.setNewImage(StreamImages.toLambda(item));
            stream.setSequenceNumber(Long.toString(SEQUENCE.incrementAndGet()));
            stream.setStreamViewType(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType.NEW_IMAGE);
            DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
            record.setEventID("bench-" + stream.getSequenceNumber());
            record.setEventName("INSERT");
            record.setEventVersion("1.1");
            record.setEventSource("aws:dynamodb");
            record.setAwsRegion("us-east-1");
            record.setEventSourceARN("arn:aws:dynamodb:us-east-1:000000000000:table/bench/stream/2026-01-01T00:00:00.000");
            record.setDynamodb(stream);
            records.add(record);
        }
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(records);
        return event;
    }

    public static String streamEventJson(List<Map<String, AttributeValue>> items) {
        return StreamEventJson.toJson(streamEvent(items));
    }
}
