package io.nudge.local;

import static io.nudge.store.AttributeValues.s;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.aws.AwsClients;
import io.nudge.campaigns.BackgroundCampaignRunner;
import io.nudge.campaigns.CampaignRunner;
import io.nudge.config.Tables;
import io.nudge.definitions.DefinitionService;
import io.nudge.functions.campaign.RunCampaignHandler;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.stats.Subject;
import io.nudge.store.MessageStore;
import io.nudge.store.TableDefinitions;
import io.nudge.wiring.CampaignRunSettings;
import io.nudge.wiring.Services;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Measurement, not a test of behaviour; run on purpose with {@code bench/run campaign [--users N]} (see bench/README.md).
 * In the local runner (its DynamoDB Local; deliver stopped unless {@code --with-deliver}): seed N users with BatchWriteItem (not
 * measured), then raw conditional PutItem/s of campaign-message items into a copy of the Messages table, then a
 * campaign run through run-campaign's handler, continued by itself through {@link BackgroundCampaignRunner} whenever a
 * simulated Lambda time budget runs low, with every DynamoDB call of run-campaign metered (ReturnConsumedCapacity) and
 * the heap sampled after a full GC every few seconds. Writes bench/results/campaign.md.
 */
@EnabledIfSystemProperty(named = "nudge.bench", matches = "true")
class CampaignThroughputBench {
    private static final int SAMPLE_SECONDS = 5;

    @TempDir
    Path data;

    @Test
    void campaign_to_n_users_in_the_local_runner() throws Exception {
        int users = Integer.getInteger("nudge.bench.users", 100_000);
        int budgetSeconds = Integer.getInteger("nudge.bench.invocationSeconds", 120);
        int rawSeconds = Integer.getInteger("nudge.bench.rawSeconds", 30);
        int maxMinutes = Integer.getInteger("nudge.bench.maxMinutes", 120);
        boolean withDeliver = Boolean.getBoolean("nudge.bench.withDeliver");
        Path out = Path.of(System.getProperty("nudge.bench.out", "../bench/results/campaign.md")).toAbsolutePath().normalize();
        Path root = out.getParent().getParent().getParent();
        String loadBefore = loadAverage();
        Instant started = Instant.now();
        try (LocalRunner runner = LocalRunner.start(LocalOptions.builder().dataDir(data).inMemory(true).port(0).dynamoPort(java.util.Optional.of(0))
                .apiKey("bench-key").emailFrom("Acme <hello@acme.test>").build())) {
            Services local = runner.services();
            if (!withDeliver) {
                runner.stopDeliveryPipeline();
            }
            long t0 = System.nanoTime();
            seedUsers(local.dynamo(), local.tables().users(), users);
            double seedSeconds = (System.nanoTime() - t0) / 1e9;
            DefinitionService definitions = new DefinitionService(local.definitions(), Clock.systemUTC());
            definitions.putTemplate("digest_a", Json.parse("{\"channel\":\"email\",\"subject\":\"Your week A\",\"text\":\"T\"}"));
            definitions.putTemplate("digest_b", Json.parse("{\"channel\":\"email\",\"subject\":\"Your week B\",\"text\":\"T\"}"));
            local.segments().put("pro", Json.parse("{\"all\":[{\"path\":\"user.attributes.plan\",\"op\":\"eq\",\"value\":\"pro\"}]}"));
            // the weekly digest's shape (examples/campaigns/weekly_digest.json): A/B 50/50, 10% holdout, a 7-day goal
            local.campaigns(new io.nudge.testing.RecordingScheduler(), r -> { }).put("digest", Json.parse(
                    "{\"segment\":\"pro\",\"channel\":\"email\",\"holdout\":10,\"priority\":\"marketing\","
                            + "\"goal\":{\"event\":\"purchase_completed\",\"within\":\"P7D\"},"
                            + "\"variants\":[{\"id\":\"A\",\"template\":\"digest_a\",\"weight\":50},{\"id\":\"B\",\"template\":\"digest_b\",\"weight\":50}]}"));

            int writers = LocalRunner.CAMPAIGN_SCAN_SEGMENTS * LocalRunner.CAMPAIGN_PUT_CONCURRENCY;
            Meter rawMeter = new Meter();
            DynamoDbClient rawClient = AwsClients.dynamoDbAt(runner.dynamoEndpoint().orElseThrow(), System.getenv(), List.of(rawMeter));
            Raw rawBefore = rawConditionalPuts(rawClient, writers, rawSeconds, "raw-");

            Meter meter = new Meter();
            DynamoDbClient metered = AwsClients.dynamoDbAt(runner.dynamoEndpoint().orElseThrow(), System.getenv(), List.of(meter));
            Services services = Services.builder(metered, local.tables()).clock(Clock.systemUTC()).slotWidth(LocalRunner.SLOT_WIDTH).build();
            ExecutorService async = Executors.newFixedThreadPool(2, r -> Thread.ofPlatform().daemon().name("run-campaign").unstarted(r));
            BackgroundCampaignRunner background = new BackgroundCampaignRunner(async);
            RunCampaignHandler handler = new RunCampaignHandler(services.campaignRun(background, CampaignRunSettings.of(LocalRunner.CAMPAIGN_SCAN_SEGMENTS).putConcurrency(LocalRunner.CAMPAIGN_PUT_CONCURRENCY)), services.deadLetters(), Clock.systemUTC());
            List<Map<String, Object>> invocations = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> done = new CompletableFuture<>();
            background.target(request -> {
                try {
                    Map<String, Object> result = handler.handleRequest(Map.of("campaignId", request.campaignId(), "runId", request.runId()),
                            new BudgetContext(budgetSeconds * 1000L));
                    invocations.add(result);
                    if (!"continued".equals(result.get("status"))) {
                        done.complete(null);
                    }
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });

            Sampler sampler = new Sampler(meter);
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("bench-sampler").unstarted(r));
            sampler.sample(0);
            Map<String, long[]> histogramBefore = histogram();
            long t1 = System.nanoTime();
            timer.scheduleAtFixedRate(() -> sampler.cpu(), 1, 1, TimeUnit.SECONDS);
            timer.scheduleAtFixedRate(() -> sampler.sample((System.nanoTime() - t1) / 1e9), SAMPLE_SECONDS, SAMPLE_SECONDS, TimeUnit.SECONDS);
            background.start(new CampaignRunner.Request("digest", "bench"));
            boolean stopped = false;
            try {
                done.get(maxMinutes, TimeUnit.MINUTES);
            } catch (java.util.concurrent.TimeoutException timeUp) {
                stopped = true; // report what was done so far: the figures are rates, the units per recipient
            }
            double runSeconds = (System.nanoTime() - t1) / 1e9;
            Meter.Line messagePuts = meter.lines.getOrDefault(Meter.MESSAGE, new Meter.Line());
            Meter.Line holdoutPuts = meter.lines.getOrDefault(Meter.HOLDOUT, new Meter.Line());
            timer.shutdownNow();
            timer.awaitTermination(10, TimeUnit.SECONDS);
            sampler.cpu();
            sampler.sample(runSeconds);
            Map<String, long[]> histogramAfter = histogram();
            if (stopped) {
                async.shutdownNow();
            } else {
                async.shutdown();
            }
            String loadAfter = loadAverage();
            // again after the run, into a fresh table: the machine's load may have changed while the campaign ran
            Raw rawAfter = rawConditionalPuts(rawClient, writers, rawSeconds, "raw-after-");

            long scanned = stopped ? meter.scanned.get() : sum(invocations, "scanned");
            long created = stopped ? messagePuts.calls.get() : sum(invocations, "messagesCreated");
            long heldOut = stopped ? holdoutPuts.calls.get() : sum(invocations, "heldOut");
            long matched = stopped ? created + heldOut : sum(invocations, "matched");
            if (!stopped) {
                assertThat(scanned).as("every user scanned once").isEqualTo(users);
                assertThat(created + heldOut).isEqualTo(matched);
            }
            Map<String, Map<String, Long>> arms = new TreeMap<>();
            for (String arm : List.of("A", "B", "holdout")) {
                Map<String, Long> counts = new TreeMap<>();
                local.stats().read(Subject.campaignArm("digest", arm), null, null)
                        .forEach(d -> d.counts().forEach((k, v) -> counts.merge(k, v, Long::sum)));
                arms.put(arm, counts);
            }
            long assigned = arms.values().stream().mapToLong(c -> c.getOrDefault("assigned", 0L)).sum();
            if (!stopped) {
                assertThat(assigned).as("assigned counters add up to the users in the segment").isEqualTo(matched);
            }

            Result result = new Result(users, seedSeconds, runSeconds, scanned, matched, created, heldOut, invocations.size(),
                    budgetSeconds, writers, rawBefore, rawAfter, sampler, meter.snapshot(), rawMeter.snapshot(), arms, loadBefore, loadAfter, started,
                    growth(histogramBefore, histogramAfter), stopped, maxMinutes, withDeliver);
            String report = Report.markdown(result, root);
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
            System.out.println(report);
        }
    }

    private static long sum(List<Map<String, Object>> invocations, String key) {
        synchronized (invocations) {
            return invocations.stream().mapToLong(m -> ((Number) m.getOrDefault(key, 0L)).longValue()).sum();
        }
    }

    /** Live objects per class (GC.class_histogram through the DiagnosticCommand MBean): class → {instances, bytes}. */
    static Map<String, long[]> histogram() {
        Map<String, long[]> byClass = new HashMap<>();
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
            Matcher m = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)").matcher(String.valueOf(text));
            while (m.find()) {
                byClass.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
            }
        } catch (javax.management.JMException e) {
            System.err.println("no class histogram: " + e);
        }
        return byClass;
    }

    /** The classes whose live bytes grew most between the two histograms. */
    static List<String> growth(Map<String, long[]> before, Map<String, long[]> after) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), new long[] {e.getValue()[0] - before.getOrDefault(e.getKey(), new long[2])[0],
                        e.getValue()[1] - before.getOrDefault(e.getKey(), new long[2])[1]}))
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(8)
                .map(e -> String.format(Locale.ROOT, "| %s | %+,d | %+.1f |", e.getKey(), e.getValue()[0], e.getValue()[1] / 1048576.0))
                .toList();
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (java.io.IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f (1 min)", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** Users with a plan and no address (deliver suppresses their messages at once, no outbox files); a third are free. */
    private static void seedUsers(DynamoDbClient dynamo, String table, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> done = new ArrayList<>();
        for (int start = 0; start < count; start += 25) {
            int from = start;
            done.add(pool.submit(() -> {
                List<WriteRequest> batch = new ArrayList<>();
                for (int i = from; i < Math.min(count, from + 25); i++) {
                    Map<String, AttributeValue> item = new HashMap<>();
                    item.put("userId", s(String.format(Locale.ROOT, "user-%07d", i)));
                    item.put("attributes", AttributeValue.fromM(Map.of("plan", s(i % 3 == 2 ? "free" : "pro"), "firstName", s("Ada"))));
                    item.put("timezone", s("Europe/Berlin"));
                    item.put("consent", AttributeValue.fromM(Map.of()));
                    item.put("createdAt", s("2026-11-01T00:00:00.000Z"));
                    item.put("updatedAt", s("2026-11-01T00:00:00.000Z"));
                    item.put("revision", AttributeValue.fromN("1"));
                    batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
                }
                Map<String, List<WriteRequest>> left = Map.of(table, batch);
                while (!left.isEmpty()) {
                    var response = dynamo.batchWriteItem(BatchWriteItemRequest.builder().requestItems(left).build());
                    left = response.hasUnprocessedItems() && response.unprocessedItems().values().stream().anyMatch(l -> !l.isEmpty())
                            ? response.unprocessedItems() : Map.of();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
    }

    record Raw(long puts, double seconds, int threads) {
        double perSecond() {
            return puts / seconds;
        }
    }

    /**
     * DynamoDB Local's ceiling for what run-campaign does per recipient: conditional PutItem (attribute_not_exists) of
     * the same campaign message item, into a table defined like Messages (same key, indexes and stream), from as many
     * threads as run-campaign has writes in flight.
     */
    private static Raw rawConditionalPuts(DynamoDbClient dynamo, int threads, int seconds, String prefix) throws Exception {
        Tables tables = Tables.withPrefix(prefix);
        CreateTableRequest messages = TableDefinitions.all(tables).stream().filter(t -> t.tableName().equals(tables.messages()))
                .findFirst().orElseThrow();
        dynamo.createTable(messages);
        MessageStore store = new MessageStore(dynamo, tables.messages(), Duration.ofSeconds(1));
        Instant now = Instant.now();
        AtomicLong puts = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int worker = w;
            workers.add(Thread.ofPlatform().start(() -> {
                for (long i = worker; System.nanoTime() < end; i += threads) {
                    String user = String.format(Locale.ROOT, "user-%07d", i);
                    var context = Json.object();
                    context.putObject("campaign").put("id", "digest").put("runId", "bench").put("arm", "A");
                    Message m = new Message(io.nudge.campaigns.CampaignRunService.messageId("digest", "raw", user), user, "digest", "bench",
                            Channel.EMAIL, Priority.MARKETING, "digest_a", MessageStatus.READY, Optional.empty(), context, Optional.empty(),
                            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), now,
                            List.of(new HistoryEntry(MessageStatus.READY, "campaign", now)));
                    Map<String, AttributeValue> item = new HashMap<>(store.toItem(m));
                    item.keySet().removeAll(List.of("pendingUser", "pendingSort")); // as run-campaign writes a READY message
                    dynamo.putItem(PutItemRequest.builder().tableName(tables.messages()).item(item)
                            .conditionExpression("attribute_not_exists(id)").build());
                    puts.incrementAndGet();
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return new Raw(puts.get(), (System.nanoTime() - start) / 1e9, threads);
    }

    /** Heap used after a full GC, users scanned and load average every few seconds; CPU of run-campaign's threads. */
    static final class Sampler {
        record Sample(double seconds, long scanned, long heapUsed, String load) {}

        final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        final long heapMax = Runtime.getRuntime().maxMemory();
        private final Meter meter;
        private final Map<Long, Long> cpuByThread = new ConcurrentHashMap<>();
        private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

        Sampler(Meter meter) {
            this.meter = meter;
        }

        void sample(double seconds) {
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            samples.add(new Sample(seconds, meter.scanned.get(), used, loadAverage()));
            System.out.printf(Locale.ROOT, "bench campaign: %.0f s, %,d users scanned, heap after GC %d MiB, load %s%n", seconds,
                    meter.scanned.get(), used >> 20, loadAverage());
        }

        /** The latest CPU time of each thread of run-campaign (scan walkers, page writers, invocations). */
        void cpu() {
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info != null && (info.getThreadName().startsWith("campaign-") || info.getThreadName().equals("run-campaign"))) {
                    long ns = threads.getThreadCpuTime(info.getThreadId());
                    if (ns > 0) {
                        cpuByThread.merge(info.getThreadId(), ns, Math::max);
                    }
                }
            }
        }

        double cpuSeconds() {
            return cpuByThread.values().stream().mapToLong(Long::longValue).sum() / 1e9;
        }
    }

    /**
     * Asks every DynamoDB call for its consumed capacity (INDEXES: table and each index) and adds it up under a name
     * for what the call is for. A failed conditional write reports nothing but is charged: counted as 1 WCU.
     */
    static final class Meter implements ExecutionInterceptor {
        static final class Line {
            final AtomicLong calls = new AtomicLong();
            final DoubleAdder read = new DoubleAdder();
            final DoubleAdder write = new DoubleAdder();
            final Map<String, DoubleAdder> split = new ConcurrentHashMap<>();
        }

        static final String MESSAGE = "message: conditional PutItem (Messages)";
        static final String HOLDOUT = "PutItem holdout assignment, conditional (State)";
        final Map<String, Line> lines = new ConcurrentHashMap<>();
        final AtomicLong scanned = new AtomicLong();

        Map<String, Line> snapshot() {
            return new TreeMap<>(lines);
        }

        @Override
        public SdkRequest modifyRequest(software.amazon.awssdk.core.interceptor.Context.ModifyRequest context, ExecutionAttributes attributes) {
            ReturnConsumedCapacity indexes = ReturnConsumedCapacity.INDEXES;
            return switch (context.request()) {
                case GetItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
                case PutItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
                case UpdateItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
                case QueryRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
                case ScanRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
                default -> context.request();
            };
        }

        @Override
        public void afterExecution(software.amazon.awssdk.core.interceptor.Context.AfterExecution context, ExecutionAttributes attributes) {
            SdkResponse response = context.response();
            ConsumedCapacity consumed = switch (response) {
                case GetItemResponse r -> r.consumedCapacity();
                case PutItemResponse r -> r.consumedCapacity();
                case UpdateItemResponse r -> r.consumedCapacity();
                case QueryResponse r -> r.consumedCapacity();
                case ScanResponse r -> r.consumedCapacity();
                default -> null;
            };
            if (response instanceof ScanResponse r) {
                scanned.addAndGet(r.count());
            }
            Line line = lines.computeIfAbsent(name(context.request()), k -> new Line());
            line.calls.incrementAndGet();
            if (consumed == null) {
                return;
            }
            double units = consumed.capacityUnits() == null ? 0 : consumed.capacityUnits();
            (isWrite(context.request()) ? line.write : line.read).add(units);
            if (consumed.table() != null && consumed.table().capacityUnits() != null) {
                line.split.computeIfAbsent("table", k -> new DoubleAdder()).add(consumed.table().capacityUnits());
            }
            if (consumed.globalSecondaryIndexes() != null) {
                consumed.globalSecondaryIndexes().forEach((index, c) ->
                        line.split.computeIfAbsent(index, k -> new DoubleAdder()).add(c.capacityUnits() == null ? 0 : c.capacityUnits()));
            }
        }

        @Override
        public void onExecutionFailure(software.amazon.awssdk.core.interceptor.Context.FailedExecution context, ExecutionAttributes attributes) {
            if (context.exception() instanceof ConditionalCheckFailedException) {
                Line line = lines.computeIfAbsent(name(context.request()) + " (condition failed)", k -> new Line());
                line.calls.incrementAndGet();
                line.write.add(1);
            }
        }

        private static boolean isWrite(SdkRequest request) {
            return request instanceof PutItemRequest || request instanceof UpdateItemRequest;
        }

        /** What the call is for: the names the report uses. */
        static String name(SdkRequest request) {
            return switch (request) {
                case PutItemRequest r when r.tableName().endsWith("Messages") -> MESSAGE;
                case PutItemRequest r -> "PutItem " + stateKind(r.item()) + " (" + table(r.tableName()) + ")";
                case UpdateItemRequest r when r.tableName().endsWith("Stats") -> "arm counters: one UpdateItem ADD per arm and page (Stats)";
                case UpdateItemRequest r -> "UpdateItem (" + table(r.tableName()) + ")";
                case GetItemRequest r -> "GetItem " + stateKind(r.key()) + (Boolean.TRUE.equals(r.consistentRead()) ? ", strong" : ", eventual")
                        + " (" + table(r.tableName()) + ")";
                case QueryRequest r -> "Query (" + table(r.tableName()) + ")";
                case ScanRequest r -> "Scan a page of Users (eventual, ≤ 100 items)";
                default -> request.getClass().getSimpleName().replace("Request", "");
            };
        }

        private static String table(String name) {
            return name.substring(name.indexOf('-') + 1);
        }

        private static String stateKind(Map<String, AttributeValue> key) {
            if (key.containsKey("kind")) {
                return "definition " + key.get("kind").s();
            }
            String pk = key.containsKey("pk") ? key.get("pk").s() : "";
            if (pk.startsWith("assign#")) {
                return "holdout assignment, conditional";
            }
            if (pk.startsWith("campaignuser#")) {
                return "goal window record";
            }
            if (pk.startsWith("campaignrun#")) {
                return "checkpoint";
            }
            if (pk.startsWith("activity")) {
                return "activity";
            }
            return pk.contains("#") ? pk.substring(0, pk.indexOf('#')) : "item";
        }
    }

    record Result(int users, double seedSeconds, double runSeconds, long scanned, long matched, long created, long heldOut,
            int invocations, int budgetSeconds, int writers, Raw rawBefore, Raw rawAfter, Sampler sampler, Map<String, Meter.Line> units,
            Map<String, Meter.Line> rawUnits, Map<String, Map<String, Long>> arms, String loadBefore, String loadAfter, Instant started,
            List<String> heapGrowth, boolean stopped, int maxMinutes, boolean withDeliver) {
        double messagesPerSecond() {
            return created / runSeconds;
        }

        /**
         * The raw rate the ratio is taken against: before the run. DynamoDB Local is slow to write to a streamed table
         * created after many stream records have piled up (none are trimmed for 24 h), so the phase after the run
         * measures that, not the machine.
         */
        double rawPerSecond() {
            return rawBefore.perSecond();
        }
    }

    /** The Markdown report and the paper estimate for 1,000,000 recipients on AWS. */
    static final class Report {
        static final int RECIPIENTS = 1_000_000;
        static final int AWS_SCAN_SEGMENTS = io.nudge.campaigns.CampaignRunService.DEFAULT_SCAN_SEGMENTS;
        static final int AWS_PUT_CONCURRENCY = io.nudge.campaigns.CampaignRunService.DEFAULT_PUT_CONCURRENCY;
        /** Assumed in-region PutItem latency (single-digit ms is DynamoDB's usual figure). */
        static final double AWS_PUT_MS = 6;
        /** vCPU share of a 1,024 MB Lambda function (1,769 MB = 1 vCPU). */
        static final double LAMBDA_VCPU = 1024.0 / 1769;
        /** An on-demand table's write throughput before it has seen a higher peak. */
        static final double ON_DEMAND_INITIAL_WRU = 4000;
        static final int LAMBDA_TIMEOUT_S = 900;

        static String markdown(Result r, Path root) throws java.io.IOException {
            JsonNode prices = Json.MAPPER.readTree(Files.readString(root.resolve("bench/prices.json")));
            double wruPrice = prices.at("/dynamodb/writeRequestUnitsPerMillion").asDouble() / 1e6;
            double rruPrice = prices.at("/dynamodb/readRequestUnitsPerMillion").asDouble() / 1e6;
            double gbSecond = prices.at("/lambda/arm64PerGbSecond").asDouble();
            double lambdaRequest = prices.at("/lambda/requestsPerMillion").asDouble() / 1e6;
            double lambdaGb = prices.at("/lambda/memoryMb").asDouble() / 1024;
            double sesPerEmail = prices.at("/ses/emailsPerThousand").asDouble() / 1000;

            StringBuilder md = new StringBuilder();
            md.append("# Campaign throughput: ").append(String.format(Locale.ROOT, "%,d", r.users())).append(" users in the local runner\n\n");
            md.append("Generated by `bench/run campaign --users ").append(r.users()).append("` (CampaignThroughputBench) on ")
                    .append(r.started()).append(".\n\n");
            md.append(String.format(Locale.ROOT, "Machine: %d cores, %s, heap max %d MiB; load average (1, 5, 15 min) before %s, after %s. "
                            + "The machine is shared with other builds.%n%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), r.sampler().heapMax >> 20,
                    r.loadBefore(), r.loadAfter()));
            md.append("How: the local runner starts in this JVM (DynamoDB Local in memory). "
                    + (r.withDeliver() ? "Its stream pollers run, so deliver handles campaign messages while the run goes on and shares "
                            + "DynamoDB Local's one SQLite thread with run-campaign (users have no address, deliver suppresses them). "
                            : "Its Messages-stream consumers (deliver, schedule-sends) and the sweep are stopped, so run-campaign is measured "
                            + "alone, as on AWS, where those run in their own Lambdas on their own table capacity (`--with-deliver` keeps them "
                            + "running). ")
                    + "N users "
                    + "are seeded with BatchWriteItem (not measured); 2 in 3 have plan=pro, the segment. Then raw conditional PutItem "
                    + "(attribute_not_exists) of the same campaign message item into a table defined like Messages (same indexes and "
                    + "stream), from as many threads as run-campaign has writes in flight. Then the campaign (A/B 50/50, 10% holdout, "
                    + "7-day goal: the shape of examples/campaigns/weekly_digest.json) through run-campaign's handler; each invocation gets "
                    + "a simulated Lambda time budget of " + r.budgetSeconds() + " s, so the run stops at 60 s left and continues in a "
                    + "fresh invocation from its checkpoints (the asynchronous self-invocation is the local BackgroundCampaignRunner). "
                    + "After the run, the raw puts again (a fresh table), shown but not used for the ratio: DynamoDB Local is slow to write to "
                    + "a streamed table created after many stream records have piled up (it keeps them 24 h), so the later phase measures "
                    + "that, not the machine — an experiment on an idle DynamoDB Local: 364 puts/s into a fresh streamed table, 23/s after "
                    + "60,000 items had gone into another streamed table, 498/s when that table had no stream. "
                    + "Every DynamoDB call of run-campaign returns its consumed capacity (ReturnConsumedCapacity=INDEXES). "
                    + "Heap: used heap right after a full GC, every " + SAMPLE_SECONDS + " s.\n\n");

            double rawRate = r.rawPerSecond();
            if (r.stopped()) {
                md.append(String.format(Locale.ROOT, "**Stopped after %d minutes (--max-minutes) with %,d of %,d users scanned**: the machine was "
                        + "too loaded to finish in time. The figures below are over the part that ran; rates and units per recipient do "
                        + "not depend on the total.%n%n", r.maxMinutes(), r.scanned(), r.users()));
            }
            md.append("## Result\n\n| | |\n|---|---|\n");
            md.append(row("users scanned", String.format(Locale.ROOT, "%,d", r.scanned())));
            md.append(row("in the segment / messages created / held out", String.format(Locale.ROOT, "%,d / %,d / %,d", r.matched(), r.created(), r.heldOut())));
            md.append(row("run time (all invocations)", String.format(Locale.ROOT, "%.1f s in %d invocations", r.runSeconds(), r.invocations())));
            md.append(row("**messages created per second**", String.format(Locale.ROOT, "**%.0f** (%.0f users scanned/s, %.0f recipients/s)",
                    r.messagesPerSecond(), r.scanned() / r.runSeconds(), r.matched() / r.runSeconds())));
            md.append(row("**raw conditional PutItem/s**, same item, same DynamoDB Local",
                    String.format(Locale.ROOT, "**%.0f** before the run (%,d in %.1f s, %d threads); after it, into a fresh table, %.0f (%,d in %.1f s)",
                            rawRate, r.rawBefore().puts(), r.rawBefore().seconds(), r.rawBefore().threads(), r.rawAfter().perSecond(),
                            r.rawAfter().puts(), r.rawAfter().seconds())));
            md.append(row("**ratio** messages/s ÷ raw puts/s", String.format(Locale.ROOT, "**%.2f**", r.messagesPerSecond() / rawRate)));
            md.append(row("run-campaign writes in flight", r.writers() + " (" + LocalRunner.CAMPAIGN_SCAN_SEGMENTS + " scan segments × "
                    + LocalRunner.CAMPAIGN_PUT_CONCURRENCY + ")"));
            md.append(row("CPU of run-campaign's threads (client side: SDK, HTTP, JSON)", String.format(Locale.ROOT, "%.1f s, %.2f ms per recipient",
                    r.sampler().cpuSeconds(), r.sampler().cpuSeconds() * 1000 / Math.max(1, r.matched()))));
            md.append(row("seeding (BatchWriteItem, not measured)", String.format(Locale.ROOT, "%.1f s", r.seedSeconds())));
            md.append(r.withDeliver()
                    ? "\nCounters per arm after the run (Stats; `suppressed.*` and the rest are deliver's, still catching up when the run ended):\n\n"
                    : "\nCounters per arm after the run (Stats; run-campaign's own: deliver was stopped):\n\n");
            r.arms().forEach((arm, counts) -> md.append("- ").append(arm).append(": ").append(counts).append('\n'));

            List<Sampler.Sample> samples = new ArrayList<>(r.sampler().samples);
            LongSummary heap = LongSummary.of(samples);
            md.append("\n## Heap\n\n");
            md.append(String.format(Locale.ROOT, "Used heap after a full GC, %d samples: min **%.0f MiB**, max **%.0f MiB**, first %.0f MiB, last %.0f MiB; "
                            + "least-squares trend over the run %+.2f MiB per 10,000 users scanned. run-campaign holds one page of ≤ 100 users "
                            + "per scan segment and that page's writes; nothing per user outlives its page (the tally is four numbers, "
                            + "the counters are flushed per page). The heap also holds DynamoDB Local's working set%s.%n%n",
                    samples.size(), heap.min / 1048576.0, heap.max / 1048576.0, samples.get(0).heapUsed() / 1048576.0,
                    samples.get(samples.size() - 1).heapUsed() / 1048576.0, heap.slopePer10k / 1048576.0,
                    r.withDeliver() ? " and deliver's" : ""));
            md.append("Live objects that grew most between the start and the end of the run (class histogram after a full GC):\n\n"
                    + "| class | instances | MiB |\n|---|---:|---:|\n");
            r.heapGrowth().forEach(line -> md.append(line).append('\n'));
            md.append("\n| t (s) | users scanned | heap used after GC (MiB) | load average |\n|---:|---:|---:|---|\n");
            int step = Math.max(1, samples.size() / 30);
            for (int i = 0; i < samples.size(); i++) {
                if (i % step == 0 || i == samples.size() - 1) {
                    Sampler.Sample s = samples.get(i);
                    md.append(String.format(Locale.ROOT, "| %.0f | %,d | %.0f | %s |%n", s.seconds(), s.scanned(), s.heapUsed() / 1048576.0, s.load()));
                }
            }

            md.append("\n## DynamoDB units per recipient (run-campaign only), named\n\n");
            md.append(String.format(Locale.ROOT, "Per recipient = per user in the segment (%,d); the scan also reads the %,d users outside it.%n%n",
                    r.matched(), r.scanned() - r.matched()));
            md.append("| call | calls | per recipient | RCU / recipient | WCU / recipient | where the units go (per recipient) |\n|---|---:|---:|---:|---:|---|\n");
            double rcu = 0;
            double wcu = 0;
            for (Map.Entry<String, Meter.Line> e : r.units().entrySet()) {
                Meter.Line l = e.getValue();
                double per = 1.0 / Math.max(1, r.matched());
                rcu += l.read.sum() * per;
                wcu += l.write.sum() * per;
                StringBuilder split = new StringBuilder();
                new TreeMap<>(l.split).forEach((k, v) -> split.append(split.isEmpty() ? "" : ", ").append(k).append(' ')
                        .append(String.format(Locale.ROOT, "%.3f", v.sum() * per)));
                md.append(String.format(Locale.ROOT, "| %s | %,d | %.3f | %.3f | %.3f | %s |%n", e.getKey(), l.calls.get(), l.calls.get() * per,
                        l.read.sum() * per, l.write.sum() * per, split));
            }
            md.append(String.format(Locale.ROOT, "| **total** | | | **%.3f** | **%.3f** | |%n", rcu, wcu));
            Meter.Line rawPut = r.rawUnits().values().stream().filter(l -> l.write.sum() > 0).findFirst().orElse(null);
            if (rawPut != null) {
                md.append(String.format(Locale.ROOT, "%nA raw put of the same item consumed %.2f WCU (%s): the item is under 1 KB; "
                        + "each index entry it writes (keys only) costs one more.%n",
                        rawPut.write.sum() / Math.max(1, rawPut.calls.get()), splitPer(rawPut)));
            }

            // the paper estimate
            double share = (double) r.created() / Math.max(1, r.matched());
            long messages = Math.round(RECIPIENTS * share);
            double dynamoRun = RECIPIENTS * (wcu * wruPrice + rcu * rruPrice);
            double[] deliver = deliverUnits(root);
            double messageTableWcu = r.units().entrySet().stream().filter(e -> e.getKey().startsWith("message:"))
                    .mapToDouble(e -> e.getValue().split.getOrDefault("table", new DoubleAdder()).sum() / Math.max(1, e.getValue().calls.get()))
                    .findFirst().orElse(1);
            double cpuMs = r.sampler().cpuSeconds() * 1000 / Math.max(1, r.matched());
            double cpuBound = LAMBDA_VCPU * 1000 / cpuMs;
            double latencyBound = AWS_SCAN_SEGMENTS * AWS_PUT_CONCURRENCY * 1000 / AWS_PUT_MS;
            double tableBound = ON_DEMAND_INITIAL_WRU / messageTableWcu / share;
            double rate = Math.min(cpuBound, Math.min(latencyBound, tableBound));
            double seconds = RECIPIENTS / rate;
            int work = LAMBDA_TIMEOUT_S - (int) io.nudge.campaigns.CampaignRunService.RESERVE.toSeconds();
            long invocations = (long) Math.ceil(seconds / work);
            double lambda = seconds * lambdaGb * gbSecond + invocations * lambdaRequest;
            double ses = messages * sesPerEmail;
            md.append("\n## Paper estimate: 1,000,000 recipients on AWS (on-demand DynamoDB, us-east-1, bench/prices.json)\n\n");
            md.append(String.format(Locale.ROOT, "Assumes the measured units per recipient (this segment: 2 in 3 users match; a segment of everyone "
                    + "reads fewer scan units per recipient), %,d messages (%.0f%% outside the holdout), a 1,024 MB arm64 run-campaign with "
                    + "%d scan segments × %d writes in flight.%n%n", messages, share * 100, AWS_SCAN_SEGMENTS, AWS_PUT_CONCURRENCY));
            md.append("| item | figure |\n|---|---|\n");
            md.append(row("run-campaign DynamoDB", String.format(Locale.ROOT, "%,.0f WRU + %,.0f RRU = **$%.2f**", RECIPIENTS * wcu, RECIPIENTS * rcu, dynamoRun)));
            if (deliver != null) {
                double dynamoDeliver = messages * (deliver[1] * wruPrice + deliver[0] * rruPrice);
                md.append(row("deliver DynamoDB (bench/results/cost.md: " + deliver[0] + " RCU, " + deliver[1] + " WCU per delivered marketing email)",
                        String.format(Locale.ROOT, "$%.2f", dynamoDeliver)));
            }
            md.append(row("SES", String.format(Locale.ROOT, "%,d emails × $%.2f / 1,000 = **$%.2f**", messages, sesPerEmail * 1000, ses)));
            md.append(row("run-campaign duration", String.format(Locale.ROOT, "≈ %.0f min at ≈ %.0f recipients/s, the lowest of: CPU %.0f/s "
                            + "(%.2f ms measured client CPU per recipient on %.2f vCPU), latency %.0f/s (%d in flight ÷ %.0f ms per put), "
                            + "the on-demand table's initial %.0f WRU/s %.0f/s", seconds / 60, rate, cpuBound, cpuMs, LAMBDA_VCPU, latencyBound,
                    AWS_SCAN_SEGMENTS * AWS_PUT_CONCURRENCY, AWS_PUT_MS, ON_DEMAND_INITIAL_WRU, tableBound)));
            md.append(row("Lambda (run-campaign)", String.format(Locale.ROOT, "%d invocations (%d s of work each, then it continues itself) "
                    + "× 1 GB: $%.3f", invocations, work, lambda)));
            md.append("\nThe send itself runs at the SES sending quota (deliver's rate limit): at 100 emails/s, 900,000 emails take 2.5 h; "
                    + "at 1,000/s, 15 min. deliver's Lambda time is in bench/results/cost.md.\n");
            return md.toString();
        }

        private static String splitPer(Meter.Line l) {
            StringBuilder split = new StringBuilder();
            new TreeMap<>(l.split).forEach((k, v) -> split.append(split.isEmpty() ? "" : ", ").append(k).append(' ')
                    .append(String.format(Locale.ROOT, "%.2f", v.sum() / Math.max(1, l.calls.get()))));
            return split.toString();
        }

        /** deliver's RCU and WCU per delivered marketing email from bench/results/cost.md, or null when not there. */
        static double[] deliverUnits(Path root) {
            try {
                String cost = Files.readString(root.resolve("bench/results/cost.md"));
                Matcher m = Pattern.compile("immediate email \\(marketing trigger\\).*?deliver ([0-9.]+) R / ([0-9.]+) W").matcher(cost);
                return m.find() ? new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))} : null;
            } catch (java.io.IOException | RuntimeException e) {
                return null;
            }
        }

        private static String row(String name, String value) {
            return "| " + name + " | " + value + " |\n";
        }
    }

    /** Min, max and least-squares slope (bytes per 10,000 users scanned) of the heap samples. */
    record LongSummary(long min, long max, double slopePer10k) {
        static LongSummary of(List<Sampler.Sample> samples) {
            long min = Long.MAX_VALUE;
            long max = 0;
            double n = samples.size();
            double sx = 0;
            double sy = 0;
            double sxx = 0;
            double sxy = 0;
            for (Sampler.Sample s : samples) {
                min = Math.min(min, s.heapUsed());
                max = Math.max(max, s.heapUsed());
                double x = s.scanned() / 10_000.0;
                sx += x;
                sy += s.heapUsed();
                sxx += x * x;
                sxy += x * s.heapUsed();
            }
            double denominator = n * sxx - sx * sx;
            return new LongSummary(min, max, denominator == 0 ? 0 : (n * sxy - sx * sy) / denominator);
        }
    }

    /** A Lambda context whose remaining time counts down from a budget set at the start of each invocation. */
    private static final class BudgetContext implements Context {
        private final long deadline;

        BudgetContext(long budgetMillis) {
            this.deadline = System.currentTimeMillis() + budgetMillis;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return (int) Math.max(0, deadline - System.currentTimeMillis());
        }

        @Override
        public String getAwsRequestId() {
            return "bench";
        }

        @Override
        public String getLogGroupName() {
            return "bench";
        }

        @Override
        public String getLogStreamName() {
            return "bench";
        }

        @Override
        public String getFunctionName() {
            return "run-campaign";
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:000000000000:function:run-campaign";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            return null;
        }
    }
}
