package io.nudge.campaigns;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.log.Log;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Times;
import io.nudge.model.UserProfile;
import io.nudge.segments.ActivityStore;
import io.nudge.segments.Segment;
import io.nudge.segments.SegmentEvaluator;
import io.nudge.segments.SegmentParser;
import io.nudge.segments.SegmentService;
import io.nudge.stats.Counter;
import io.nudge.stats.StatsStore;
import io.nudge.stats.Subject;
import io.nudge.store.DefinitionStore;
import io.nudge.store.MessageStore;
import io.nudge.store.UserStore;
import io.nudge.trigger.SendAt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * One campaign run: a parallel Scan of Users ({@code scanSegments} segments, pages of ≤ {@link #PAGE_SIZE}; only one
 * page per segment in memory), each user tested against the segment and assigned an arm. Outside the holdout a user
 * gets one message written with a conditional PutItem (id from campaign, run and user); the message is the assignment
 * record. A holdout user gets a conditional assignment record instead. A page's writes go out {@code putConcurrency}
 * at a time; then the page's counters ({@code assigned}, {@code triggered}, {@code scheduled} per arm) go to Stats in
 * one UpdateItem per arm (also when one of the page's writes failed), then the segment's cursor is checkpointed in the
 * State table. When the time left drops under
 * {@link #RESERVE}, the run stops after its current pages and continues through the {@link CampaignRunner} from the
 * checkpoints. Replays (Scheduler retries, double invokes, a resume after a crash that re-reads a page) create nothing
 * twice and count nothing twice: only the conditional writes this invocation won are counted (an SDK retry of a put
 * that had succeeded recognises its own item by the item's random {@code attempt}). A crash between a
 * page's writes and its counter update loses that page's counts (at most {@link #PAGE_SIZE} per segment), never a
 * message.
 */
public final class CampaignRunService {
    public static final int PAGE_SIZE = 100;
    public static final int DEFAULT_SCAN_SEGMENTS = 4;
    /** Writes in flight per scan segment: each waits ~5 ms on DynamoDB, so 8 keep a segment busy on AWS. */
    public static final int DEFAULT_PUT_CONCURRENCY = 8;
    /** Stop taking new pages with less than this left: a page takes well under a second per 100 users. */
    public static final Duration RESERVE = Duration.ofSeconds(60);
    static final Duration RECORD_RETENTION = Duration.ofDays(120);
    private static final Log LOG = Log.of(CampaignRunService.class);

    private final DynamoDbClient dynamo;
    private final String usersTable;
    private final String stateTable;
    private final DefinitionStore definitions;
    private final MessageStore messages;
    private final ActivityStore activity;
    private final StatsStore stats;
    private final CampaignRunner runner;
    private final Clock clock;
    private final int scanSegments;
    private final int putConcurrency;

    public CampaignRunService(DynamoDbClient dynamo, String usersTable, String stateTable, DefinitionStore definitions,
            MessageStore messages, ActivityStore activity, StatsStore stats, CampaignRunner runner, Clock clock, int scanSegments,
            int putConcurrency) {
        this.dynamo = dynamo;
        this.usersTable = usersTable;
        this.stateTable = stateTable;
        this.definitions = definitions;
        this.messages = messages;
        this.activity = activity;
        this.stats = stats;
        this.runner = runner;
        this.clock = clock;
        if (scanSegments < 1 || scanSegments > 64) {
            throw new IllegalArgumentException("scanSegments must be 1-64");
        }
        this.scanSegments = scanSegments;
        if (putConcurrency < 1 || putConcurrency > 64) {
            throw new IllegalArgumentException("putConcurrency must be 1-64");
        }
        this.putConcurrency = putConcurrency;
    }

    public sealed interface Outcome permits Completed, Continued, NotFound, Disabled {}

    /** Every segment of the scan is done (now, or by an earlier invocation). */
    public record Completed(Tally tally) implements Outcome {}

    /** Time ran out: the rest continues in a fresh invocation from the checkpoints. */
    public record Continued(Tally tally) implements Outcome {}

    public record NotFound(String what) implements Outcome {}

    public record Disabled() implements Outcome {}

    /** What this invocation did: users scanned, in the segment, messages created, holdout assignments created. */
    public record Tally(long scanned, long matched, long messagesCreated, long heldOut) {
        Tally plus(Tally o) {
            return new Tally(scanned + o.scanned, matched + o.matched, messagesCreated + o.messagesCreated, heldOut + o.heldOut);
        }
    }

    /** @param remainingMillis the invocation's time left (Lambda's Context.getRemainingTimeInMillis), read before each page */
    public Outcome run(CampaignRunner.Request request, LongSupplier remainingMillis) {
        Optional<CampaignDefinition> found = definitions.find(CampaignService.KIND, request.campaignId())
                .map(s -> CampaignParser.fromStored(s.id(), s.document()));
        if (found.isEmpty()) {
            return new NotFound("campaign " + request.campaignId());
        }
        CampaignDefinition campaign = found.get();
        if (!campaign.enabled()) {
            return new Disabled();
        }
        Optional<Segment> segment = definitions.find(SegmentService.KIND, campaign.segment())
                .map(s -> SegmentParser.parse(s.id(), s.document()));
        if (segment.isEmpty()) {
            return new NotFound("segment " + campaign.segment());
        }
        Instant runAt = clock.instant();
        Tally total = new Tally(0, 0, 0, 0);
        boolean stopped = false;
        // one pool for the walks, one for the page writes (walks wait on writes; writes wait on nothing)
        ExecutorService writers = putConcurrency == 1 ? null : Executors.newFixedThreadPool(scanSegments * putConcurrency,
                r -> Thread.ofPlatform().daemon().name("campaign-write").unstarted(r));
        try (ExecutorService walkers = Executors.newFixedThreadPool(scanSegments,
                r -> Thread.ofPlatform().daemon().name("campaign-scan").unstarted(r))) {
            List<Future<Walk>> walks = new ArrayList<>();
            for (int i = 0; i < scanSegments; i++) {
                int part = i;
                walks.add(walkers.submit(() -> walk(campaign, segment.get(), request, part, runAt, remainingMillis, writers)));
            }
            for (Future<Walk> f : walks) {
                Walk walk = f.get();
                total = total.plus(walk.tally);
                stopped |= walk.stopped;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof ExecutionException inner ? inner.getCause() : e.getCause();
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        } finally {
            if (writers != null) {
                writers.shutdownNow();
            }
        }
        if (stopped) {
            LOG.info("campaign run continues in a fresh invocation", "campaign", request.campaignId(), "scanned", total.scanned());
            runner.start(request);
            return new Continued(total);
        }
        return new Completed(total);
    }

    private record Walk(Tally tally, boolean stopped) {}

    private Walk walk(CampaignDefinition campaign, Segment segment, CampaignRunner.Request request, int part, Instant runAt,
            LongSupplier remainingMillis, ExecutorService writers) throws InterruptedException, ExecutionException {
        String checkpoint = "campaignrun#" + request.campaignId() + "#" + request.runId() + "#" + part + "/" + scanSegments;
        Tally tally = new Tally(0, 0, 0, 0);
        Optional<Map<String, AttributeValue>> cursor = readCheckpoint(checkpoint);
        if (cursor.isPresent() && cursor.get().containsKey("done")) {
            return new Walk(tally, false);
        }
        Map<String, AttributeValue> start = cursor.filter(c -> c.containsKey("lastKey"))
                .map(c -> Map.of("userId", c.get("lastKey"))).orElse(null);
        while (true) {
            if (remainingMillis.getAsLong() < RESERVE.toMillis()) {
                return new Walk(tally, true);
            }
            ScanResponse page = dynamo.scan(ScanRequest.builder().tableName(usersTable).segment(part).totalSegments(scanSegments)
                    .limit(PAGE_SIZE).exclusiveStartKey(start).build());
            PageCounts counts = new PageCounts();
            try {
                if (writers == null) {
                    for (Map<String, AttributeValue> item : page.items()) {
                        tally = tally.plus(process(campaign, segment, request, UserStore.profileOf(item), runAt, counts));
                    }
                } else {
                    tally = tally.plus(writeAll(page.items(), writers,
                            item -> process(campaign, segment, request, UserStore.profileOf(item), runAt, counts)));
                }
            } finally {
                // what this page created is counted even when one of its writes failed (the run is retried from
                // the checkpoint and will not create, nor count, those again)
                counts.flush(stats, campaign, clock.instant());
            }
            boolean last = !page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty();
            start = last ? null : page.lastEvaluatedKey();
            saveCheckpoint(checkpoint, last ? Optional.empty() : Optional.of(start.get("userId").s()));
            if (last) {
                return new Walk(tally, false);
            }
        }
    }

    /** Every item's writes, in flight together; waits for all of them, then throws the first failure if any. */
    private static Tally writeAll(List<Map<String, AttributeValue>> items, ExecutorService writers,
            java.util.function.Function<Map<String, AttributeValue>, Tally> write) throws InterruptedException, ExecutionException {
        List<Future<Tally>> done = new ArrayList<>(items.size());
        for (Map<String, AttributeValue> item : items) {
            done.add(writers.submit(() -> write.apply(item)));
        }
        Tally tally = new Tally(0, 0, 0, 0);
        ExecutionException failed = null;
        for (Future<Tally> f : done) {
            try {
                tally = tally.plus(f.get());
            } catch (ExecutionException e) {
                failed = failed == null ? e : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
        return tally;
    }

    /** What one page created, per arm and counter: written once the page's writes are done. */
    private static final class PageCounts {
        private final Map<String, Map<String, Long>> byArm = new HashMap<>();

        synchronized void add(String arm, String counter) {
            byArm.computeIfAbsent(arm, a -> new HashMap<>()).merge(counter, 1L, Long::sum);
        }

        synchronized void flush(StatsStore stats, CampaignDefinition campaign, Instant now) {
            byArm.forEach((arm, amounts) -> stats.add(Subject.campaignArm(campaign.id(), arm), campaign.channel(), now, amounts));
        }
    }

    private Tally process(CampaignDefinition campaign, Segment segment, CampaignRunner.Request request, UserProfile user, Instant runAt,
            PageCounts counts) {
        if (!SegmentEvaluator.test(segment, user, activity, runAt)) {
            return new Tally(1, 0, 0, 0);
        }
        String arm = Arms.assign(campaign.id(), user.userId(), campaign.holdoutPercent(), campaign.variants());
        Instant now = clock.instant();
        if (arm.equals(CampaignDefinition.HOLDOUT)) {
            if (holdOut(campaign, request, user.userId(), runAt)) {
                counts.add(arm, "assigned");
                remember(campaign, request, user.userId(), arm, runAt);
            }
            return new Tally(1, 1, 0, 1);
        }
        String template = campaign.variants().stream().filter(v -> v.id().equals(arm)).findFirst().orElseThrow().template();
        Instant due = campaign.sendAtLocalTime()
                .map(t -> new SendAt(t, campaign.defaultZone()).next(now, user.timezone().map(ZoneId::of).orElse(campaign.defaultZone())))
                .orElse(now);
        boolean scheduled = due.isAfter(now.plus(messages.slotWidth()));
        MessageStatus status = scheduled ? MessageStatus.SCHEDULED : MessageStatus.READY;
        String reason = scheduled ? "send_at" : "campaign";
        ObjectNode context = Json.object();
        context.putObject("campaign").put("id", campaign.id()).put("runId", request.runId()).put("arm", arm);
        campaign.topic().ifPresent(topic -> context.put("topic", topic));
        Message message = new Message(messageId(campaign.id(), request.runId(), user.userId()), user.userId(), campaign.id(),
                request.runId(), campaign.channel(), campaign.priority(), template, status,
                scheduled ? Optional.of(reason) : Optional.empty(), context, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), scheduled ? Optional.of(due) : Optional.empty(), now, List.of(new HistoryEntry(status, reason, now)));
        boolean created = messages.createIfAbsent(message, attempt());
        if (created) {
            counts.add(arm, "assigned");
            counts.add(arm, Counter.TRIGGERED.wire());
            if (scheduled) {
                counts.add(arm, Counter.SCHEDULED.wire());
            }
            remember(campaign, request, user.userId(), arm, runAt);
        }
        return new Tally(1, 1, created ? 1 : 0, 0);
    }

    public static String messageId(String campaignId, String runId, String userId) {
        return Ids.derive("campaign", campaignId, runId, userId);
    }

    /**
     * The holdout's assignment record {@code assign#<campaign>#<run>#<user>} (the arm): users outside the holdout have
     * their message instead.
     *
     * @return true when this call created it (count it), false when a replay found it
     */
    private boolean holdOut(CampaignDefinition campaign, CampaignRunner.Request request, String userId, Instant runAt) {
        long expires = runAt.plus(RECORD_RETENTION).getEpochSecond();
        String attempt = attempt();
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(stateTable)
                    .item(Map.of("pk", s(CampaignAssignments.holdoutKey(campaign.id(), request.runId(), userId)),
                            "arm", s(CampaignDefinition.HOLDOUT), "at", s(Times.format(runAt)), "expiresAt", n(expires), "attempt", s(attempt)))
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build());
            return true;
        } catch (ConditionalCheckFailedException replay) {
            // an SDK retry of this very put (it had succeeded) finds its own attempt: still ours to count
            return replay.hasItem() && replay.item().containsKey("attempt") && attempt.equals(replay.item().get("attempt").s());
        }
    }

    /** Unique per write: tells this call's own item (an SDK retry after a timeout) from an earlier invocation's. */
    private static String attempt() {
        return Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    }

    /**
     * For a campaign with a goal, {@code campaignuser#<campaign>#<user>} (arm, the latest run's time and goal window),
     * read when a goal event arrives. Written after the user's message or holdout record was created.
     */
    private void remember(CampaignDefinition campaign, CampaignRunner.Request request, String userId, String arm, Instant runAt) {
        if (campaign.goal().isEmpty()) {
            return;
        }
        Instant until = runAt.plus(campaign.goal().get().window());
        dynamo.putItem(PutItemRequest.builder().tableName(stateTable)
                .item(Map.of("pk", s(CampaignAssignments.goalKey(campaign.id(), userId)), "arm", s(arm), "runId", s(request.runId()),
                        "from", n(runAt.toEpochMilli()), "until", n(until.toEpochMilli()),
                        "expiresAt", n(until.plus(Duration.ofDays(1)).getEpochSecond())))
                .build());
    }

    private Optional<Map<String, AttributeValue>> readCheckpoint(String pk) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(stateTable)
                .key(Map.of("pk", s(pk))).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private void saveCheckpoint(String pk, Optional<String> lastKey) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(pk));
        lastKey.ifPresentOrElse(k -> item.put("lastKey", s(k)), () -> item.put("done", AttributeValue.fromBool(true)));
        item.put("at", s(Times.format(clock.instant())));
        item.put("expiresAt", n(clock.instant().plus(RECORD_RETENTION).getEpochSecond()));
        dynamo.putItem(PutItemRequest.builder().tableName(stateTable).item(item).build());
    }
}
