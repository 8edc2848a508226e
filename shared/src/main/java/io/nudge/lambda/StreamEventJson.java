package io.nudge.lambda;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A DynamoDB stream event read from the raw JSON Lambda delivers (for a stream handler that also takes other
 * payloads), and the batch response written back. Only the fields Nudge reads are kept.
 */
public final class StreamEventJson {
    private StreamEventJson() {}

    public static boolean isStreamEvent(JsonNode json) {
        return json.has("Records") && json.get("Records").isArray();
    }

    public static DynamodbEvent parse(JsonNode json) {
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        for (JsonNode r : json.get("Records")) {
            DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
            record.setEventID(r.path("eventID").asText(null));
            record.setEventName(r.path("eventName").asText(null));
            record.setEventSource(r.path("eventSource").asText(null));
            record.setEventVersion(r.path("eventVersion").asText(null));
            record.setAwsRegion(r.path("awsRegion").asText(null));
            record.setEventSourceARN(r.path("eventSourceARN").asText(null));
            JsonNode d = r.get("dynamodb");
            if (d != null && d.isObject()) {
                StreamRecord stream = new StreamRecord();
                stream.setSequenceNumber(d.path("SequenceNumber").asText(null));
                if (d.has("Keys")) {
                    stream.setKeys(image(d.get("Keys")));
                }
                if (d.has("NewImage")) {
                    stream.setNewImage(image(d.get("NewImage")));
                }
                record.setDynamodb(stream);
            }
            records.add(record);
        }
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(records);
        return event;
    }

    private static Map<String, AttributeValue> image(JsonNode json) {
        Map<String, AttributeValue> image = new HashMap<>();
        json.properties().forEach(e -> image.put(e.getKey(), value(e.getValue())));
        return image;
    }

    private static AttributeValue value(JsonNode json) {
        AttributeValue value = new AttributeValue();
        if (json.has("S")) {
            value.setS(json.get("S").asText());
        } else if (json.has("N")) {
            value.setN(json.get("N").asText());
        } else if (json.has("BOOL")) {
            value.setBOOL(json.get("BOOL").asBoolean());
        } else if (json.has("NULL")) {
            value.setNULL(true);
        } else if (json.has("M")) {
            value.setM(image(json.get("M")));
        } else if (json.has("L")) {
            List<AttributeValue> list = new ArrayList<>();
            json.get("L").forEach(item -> list.add(value(item)));
            value.setL(list);
        } else if (json.has("SS")) {
            List<String> list = new ArrayList<>();
            json.get("SS").forEach(item -> list.add(item.asText()));
            value.setSS(list);
        } else if (json.has("NS")) {
            List<String> list = new ArrayList<>();
            json.get("NS").forEach(item -> list.add(item.asText()));
            value.setNS(list);
        } else {
            value.setNULL(true);
        }
        return value;
    }

    /** The JSON Lambda would deliver for {@code event} (the local runner feeds stream handlers this way). */
    public static String toJson(DynamodbEvent event) {
        ObjectNode json = Json.object();
        ArrayNode records = json.putArray("Records");
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            ObjectNode r = records.addObject();
            r.put("eventID", record.getEventID());
            r.put("eventName", record.getEventName());
            r.put("eventVersion", record.getEventVersion());
            r.put("eventSource", record.getEventSource());
            r.put("awsRegion", record.getAwsRegion());
            r.put("eventSourceARN", record.getEventSourceARN());
            ObjectNode d = r.putObject("dynamodb");
            StreamRecord stream = record.getDynamodb();
            d.put("SequenceNumber", stream.getSequenceNumber());
            if (stream.getKeys() != null) {
                d.set("Keys", imageJson(stream.getKeys()));
            }
            if (stream.getNewImage() != null) {
                d.set("NewImage", imageJson(stream.getNewImage()));
            }
            d.put("StreamViewType", "NEW_IMAGE");
        }
        return Json.write(json);
    }

    private static ObjectNode imageJson(Map<String, AttributeValue> image) {
        ObjectNode json = Json.object();
        image.forEach((k, v) -> json.set(k, valueJson(v)));
        return json;
    }

    private static ObjectNode valueJson(AttributeValue v) {
        ObjectNode json = Json.object();
        if (v.getS() != null) {
            json.put("S", v.getS());
        } else if (v.getN() != null) {
            json.put("N", v.getN());
        } else if (v.getBOOL() != null) {
            json.put("BOOL", v.getBOOL());
        } else if (v.getM() != null) {
            json.set("M", imageJson(v.getM()));
        } else if (v.getL() != null) {
            ArrayNode list = json.putArray("L");
            v.getL().forEach(item -> list.add(valueJson(item)));
        } else if (v.getSS() != null) {
            ArrayNode list = json.putArray("SS");
            v.getSS().forEach(list::add);
        } else if (v.getNS() != null) {
            ArrayNode list = json.putArray("NS");
            v.getNS().forEach(list::add);
        } else {
            json.put("NULL", true);
        }
        return json;
    }

    /** Reads a handler's batch response back. */
    public static StreamsEventResponse readResponse(JsonNode json) {
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        json.path("batchItemFailures").forEach(f -> failures.add(StreamsEventResponse.BatchItemFailure.builder()
                .withItemIdentifier(f.path("itemIdentifier").asText()).build()));
        return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
    }

    /** {"batchItemFailures":[{"itemIdentifier":"…"}]}, as Lambda reads it. */
    public static String write(StreamsEventResponse response) {
        ObjectNode json = Json.object();
        ArrayNode failures = json.putArray("batchItemFailures");
        for (StreamsEventResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
            failures.addObject().put("itemIdentifier", failure.getItemIdentifier());
        }
        return Json.write(json);
    }
}
