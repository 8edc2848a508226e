package io.nudge.store;

import static io.nudge.store.AttributeValues.s;

import io.nudge.ids.Ids;
import io.nudge.model.Times;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Records that can never succeed (bad shape, unknown reference), kept whole with the reason, so the
 * handler can return success for them without losing anything. Keyed by source + record id: a replay overwrites itself.
 *
 * <p>A DynamoDB item holds at most 400 KB, and a bad record can be bigger (a 1 MB SNS message): such a payload is kept
 * gzipped ({@code payloadGzip}), and one that is still too big keeps its first {@value #TRUNCATED_CHARS} characters
 * with its size and SHA-256 ({@code payloadTruncated}), so storing it never fails and the record is never retried.
 */
public final class DeadLetterStore {
    private static final int MAX_PLAIN_BYTES = 300_000;
    private static final int TRUNCATED_CHARS = 100_000;
    private static final int MAX_TEXT = 1_000;

    private final DynamoDbClient dynamo;
    private final String table;

    public DeadLetterStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public void put(String source, String recordId, String reason, String payload, Instant at) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(Ids.derive("dlq", source, recordId)));
        item.put("source", s(source));
        item.put("recordId", s(cap(recordId)));
        item.put("reason", s(cap(reason)));
        item.put("at", s(Times.format(at)));
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_PLAIN_BYTES) {
            item.put("payload", s(payload));
        } else {
            byte[] gzipped = gzip(bytes);
            if (gzipped.length <= MAX_PLAIN_BYTES) {
                item.put("payloadGzip", AttributeValue.fromB(SdkBytes.fromByteArray(gzipped)));
            } else {
                item.put("payload", s(payload.substring(0, TRUNCATED_CHARS)));
                item.put("payloadTruncated", AttributeValue.fromBool(true));
                item.put("payloadBytes", AttributeValue.fromN(Integer.toString(bytes.length)));
                item.put("payloadSha256", s(Ids.sha256Hex(payload)));
            }
        }
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(item).build());
    }

    private static String cap(String text) {
        String value = text == null ? "" : text;
        return value.length() <= MAX_TEXT ? value : value.substring(0, MAX_TEXT) + "…";
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
