package io.nudge.segments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.store.DefinitionStore;
import io.nudge.store.UserStore;
import io.nudge.validation.InvalidInputException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** Saving, reading, deleting and previewing segments. */
public final class SegmentService {
    public static final String KIND = "segment";
    /** Users read for a preview at most: a preview is a bounded sample, never a full scan of a large table. */
    static final int PREVIEW_SAMPLE = 2_000;
    static final int PREVIEW_IDS = 10;

    private final DefinitionStore store;
    private final DynamoDbClient dynamo;
    private final String usersTable;
    private final ActivityStore activity;
    private final Clock clock;

    public SegmentService(DefinitionStore store, DynamoDbClient dynamo, String usersTable, ActivityStore activity, Clock clock) {
        this.store = store;
        this.dynamo = dynamo;
        this.usersTable = usersTable;
        this.activity = activity;
        this.clock = clock;
    }

    public record Saved(ObjectNode document, boolean created) {}

    public Saved put(String id, JsonNode body) {
        SegmentParser.parse(id, body);
        ObjectNode doc = SegmentParser.toJson(id, body);
        return new Saved(doc, store.put(KIND, id, doc, clock.instant()));
    }

    public Optional<ObjectNode> get(String id) {
        return store.find(KIND, id).map(DefinitionStore.Stored::document);
    }

    public Optional<Segment> find(String id) {
        return store.find(KIND, id).map(s -> SegmentParser.parse(s.id(), s.document()));
    }

    public List<ObjectNode> list() {
        return store.list(KIND).stream().map(DefinitionStore.Stored::document).toList();
    }

    /** A segment still used by a campaign or a trigger is not deleted. */
    public boolean delete(String id) {
        List<String> users = new ArrayList<>();
        store.list("campaign").stream().filter(c -> id.equals(c.document().path("segment").asText()))
                .forEach(c -> users.add("campaign " + c.id()));
        store.list(DefinitionStore.TRIGGER).stream()
                .filter(t -> t.document().path("conditions").findValuesAsText("segment").contains(id))
                .forEach(t -> users.add("trigger " + t.id()));
        if (!users.isEmpty()) {
            throw new InvalidInputException("segment_in_use", "id",
                    "segment " + id + " is used by " + String.join(", ", users) + "; change or delete them first");
        }
        return store.delete(KIND, id);
    }

    /**
     * @param estimatedSize matched share of the sample × the table's item count (DescribeTable's count, which
     *                      DynamoDB refreshes about every six hours); exact when the sample covered the whole table
     */
    public record Preview(String segmentId, long estimatedSize, boolean exact, int sampled, int matchedInSample,
            long tableItemCount, List<String> sampleUserIds) {}

    public Optional<Preview> preview(String id) {
        Optional<Segment> segment = find(id);
        if (segment.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        int sampled = 0;
        int matched = 0;
        List<String> ids = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        boolean complete = false;
        while (sampled < PREVIEW_SAMPLE) {
            ScanResponse page = dynamo.scan(ScanRequest.builder().tableName(usersTable).limit(Math.min(500, PREVIEW_SAMPLE - sampled))
                    .exclusiveStartKey(start).build());
            for (Map<String, AttributeValue> item : page.items()) {
                sampled++;
                var user = UserStore.profileOf(item);
                if (SegmentEvaluator.test(segment.get(), user, activity, now)) {
                    matched++;
                    if (ids.size() < PREVIEW_IDS) {
                        ids.add(user.userId());
                    }
                }
            }
            if (!page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty()) {
                complete = true;
                break;
            }
            start = page.lastEvaluatedKey();
        }
        long itemCount = dynamo.describeTable(DescribeTableRequest.builder().tableName(usersTable).build()).table().itemCount();
        long estimate = complete || sampled == 0 ? matched : Math.round((double) matched / sampled * Math.max(itemCount, sampled));
        return Optional.of(new Preview(id, estimate, complete, sampled, matched, itemCount, List.copyOf(ids)));
    }
}
