package io.nudge.store;

import static io.nudge.store.AttributeValues.s;

import io.nudge.ids.Ids;
import io.nudge.model.Times;
import io.nudge.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Records that can never succeed (bad shape, unknown reference), kept whole with the reason, so the
 * handler can return success for them without losing anything. Keyed by a SHA-256 of source and payload
 * ({@link #idOf}), written only if absent: a replay of the same payload keeps the first (its reason and time), and two
 * different payloads never share a key (a 32-bit {@code String.hashCode} once let them overwrite each other).
 *
 * <p>A DynamoDB item holds at most 400 KB, and a bad record can be bigger (a 1 MB SNS message): such a payload is kept
 * gzipped ({@code payloadGzip}), and one that is still too big keeps its first {@value #TRUNCATED_CHARS} characters
 * with its size and SHA-256 ({@code payloadTruncated}), so storing it never fails and the record is never retried.
 *
 * <p>A payload can name people (a bounce names its recipient, a Messages record carries {@code to}), so every dead
 * letter expires ({@code expiresAt}, the table's TTL attribute) after the retention, and erasure finds and deletes
 * the ones that mention a user ({@link #mentioning}).
 */
public final class DeadLetterStore {
    private static final int MAX_PLAIN_BYTES = 300_000;
    private static final int TRUNCATED_CHARS = 100_000;
    private static final int MAX_TEXT = 1_000;
    /** Beyond this many search strings the Scan filter expression grows too long: match client-side only. */
    private static final int MAX_FILTER_VALUES = 40;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration retention;

    /** @param retention how long a dead letter is kept: {@code expiresAt} = its time + this */
    public DeadLetterStore(DynamoDbClient dynamo, String table, Duration retention) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.table = Objects.requireNonNull(table, "table");
        this.retention = Objects.requireNonNull(retention, "retention");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive, not " + retention);
        }
    }

    /** A dead letter without its payload: what erasure deletes and export lists. */
    public record DeadLetter(String id, String source, String recordId, String reason, String at, Optional<Instant> expiresAt) {}

    /** What a put did: kept now, or the same source and payload was already kept (the first stays as it was). */
    public sealed interface Put permits Kept, AlreadyKept {
        String id();
    }

    public record Kept(String id) implements Put {}

    public record AlreadyKept(String id) implements Put {}

    /** The dead letter's key: SHA-256 (hex) of its source and payload, so nothing else has to name it. */
    static String idOf(String source, String payload) {
        return Ids.sha256Hex(source + '\u0000' + payload);
    }

    /**
     * @param recordId the record's own id (SNS MessageId, stream eventID, log event id), kept for operators only;
     *                 empty when there is none. The key is {@link #idOf} source and payload.
     */
    public Put put(String source, String recordId, String reason, String payload, Instant at) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(payload, "payload");
        String id = idOf(source, payload);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(id));
        item.put("source", s(source));
        if (recordId != null && !recordId.isEmpty()) {
            item.put("recordId", s(cap(recordId)));
        }
        item.put("reason", s(cap(reason)));
        item.put("at", s(Times.format(at)));
        item.put("expiresAt", AttributeValues.n(at.plus(retention).getEpochSecond()));
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
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item).conditionExpression("attribute_not_exists(id)").build());
            return new Kept(id);
        } catch (ConditionalCheckFailedException alreadyKept) {
            return new AlreadyKept(id);
        }
    }

    /**
     * The dead letters whose payload, record id or reason mentions the user: {@code userId} as a JSON string token
     * ({@code "u1"}, also as it appears JSON-escaped inside a string such as an SNS {@code Message}: {@code \"u1\"}),
     * so {@code u1} does not match {@code u10}; or one of {@code addresses} as a substring, emails (anything with an
     * {@code @}) ignoring case. A paginated, consistent Scan: the table holds only rare records, and they expire.
     * The Scan's filter returns only items that may match ({@code contains} on payload, record id and reason: the id
     * tokens, phone numbers, and for emails just {@code "@"}, since {@code contains} cannot ignore case), and every
     * returned item is matched exactly here. Gzipped payloads cannot be filtered server-side: they are all fetched
     * and inflated here.
     */
    public List<DeadLetter> mentioning(String userId, Collection<String> addresses) {
        Objects.requireNonNull(userId, "userId");
        Matcher matcher = new Matcher(userId, addresses);
        Map<String, String> names = new LinkedHashMap<>();
        for (String name : List.of("id", "source", "recordId", "reason", "at", "expiresAt", "payload", "payloadGzip")) {
            names.put("#" + name, name);
        }
        ScanRequest.Builder scan = ScanRequest.builder().tableName(table).consistentRead(true)
                .projectionExpression(String.join(", ", names.keySet()));
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        List<String> variants = List.copyOf(matcher.serverSideVariants());
        if (variants.size() <= MAX_FILTER_VALUES) {
            List<String> terms = new ArrayList<>();
            terms.add("attribute_exists(#payloadGzip)");
            for (int i = 0; i < variants.size(); i++) {
                values.put(":v" + i, s(variants.get(i)));
                for (String field : List.of("#payload", "#recordId", "#reason")) {
                    terms.add("contains(" + field + ", :v" + i + ")");
                }
            }
            scan.filterExpression(String.join(" OR ", terms)).expressionAttributeValues(values);
        }
        scan.expressionAttributeNames(names);
        List<DeadLetter> found = new ArrayList<>();
        Map<String, AttributeValue> from = null;
        do {
            ScanResponse page = dynamo.scan(scan.exclusiveStartKey(from).build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (matcher.matches(text(item, "recordId")) || matcher.matches(text(item, "reason")) || matcher.matches(payloadOf(item))) {
                    found.add(new DeadLetter(item.get("id").s(), text(item, "source"), text(item, "recordId"), text(item, "reason"),
                            text(item, "at"), Optional.ofNullable(item.get("expiresAt")).map(n -> Instant.ofEpochSecond(Long.parseLong(n.n())))));
                }
            }
            from = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (from != null);
        return found;
    }

    /** Deletes one dead letter; false when it was already gone (a second erasure). */
    public boolean delete(String id) {
        Map<String, AttributeValue> old = dynamo.deleteItem(DeleteItemRequest.builder().tableName(table)
                .key(Map.of("id", s(id))).returnValues(ReturnValue.ALL_OLD).build()).attributes();
        return old != null && !old.isEmpty();
    }

    /** What identifies a user in a dead letter; see {@link #mentioning}. */
    private static final class Matcher {
        private final Set<String> exact = new LinkedHashSet<>();
        private final Set<String> ignoringCase = new LinkedHashSet<>();
        private final Set<String> variants = new LinkedHashSet<>();

        Matcher(String userId, Collection<String> addresses) {
            String quoted = Json.write(userId);
            String escaped = Json.write(quoted);
            exact.add(quoted);
            exact.add(escaped.substring(1, escaped.length() - 1));
            variants.addAll(exact);
            for (String address : addresses) {
                if (address == null || address.isBlank()) {
                    continue;
                }
                if (address.contains("@")) {
                    ignoringCase.add(address.toLowerCase(Locale.ROOT));
                    // contains() is case-sensitive: "@" is the one part of every spelling of every email
                    variants.add("@");
                } else {
                    exact.add(address);
                    variants.add(address);
                }
            }
        }

        Set<String> serverSideVariants() {
            return variants;
        }

        boolean matches(String text) {
            if (text == null || text.isEmpty()) {
                return false;
            }
            for (String needle : exact) {
                if (text.contains(needle)) {
                    return true;
                }
            }
            if (!ignoringCase.isEmpty()) {
                String lower = text.toLowerCase(Locale.ROOT);
                for (String needle : ignoringCase) {
                    if (lower.contains(needle)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? "" : value.s();
    }

    private static String payloadOf(Map<String, AttributeValue> item) {
        AttributeValue gzipped = item.get("payloadGzip");
        if (gzipped != null && gzipped.b() != null) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.b().asByteArray()))) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException corrupt) {
                return ""; // written by put() above; cannot be unreadable short of a damaged table
            }
        }
        return text(item, "payload");
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
