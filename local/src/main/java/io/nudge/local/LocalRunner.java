package io.nudge.local;

import io.nudge.aws.AwsClients;
import io.nudge.channel.Channels;
import io.nudge.channel.aws.AwsChannelSettings;
import io.nudge.channel.faults.FaultInjector;
import io.nudge.channel.outbox.LocalPushEndpoints;
import io.nudge.channel.outbox.OutboxEmailSender;
import io.nudge.channel.outbox.OutboxPushSender;
import io.nudge.channel.outbox.OutboxSmsSender;
import io.nudge.config.Tables;
import io.nudge.functions.deliver.DeliverHandler;
import io.nudge.functions.evaluate.EvaluateTriggersHandler;
import io.nudge.functions.ingest.IngestApiHandler;
import io.nudge.functions.schedule.ScheduleSendsHandler;
import io.nudge.scheduling.ScheduleRequest;
import io.nudge.guards.GuardSettings;
import io.nudge.unsubscribe.KeyRing;
import io.nudge.unsubscribe.UnsubscribeLinks;
import io.nudge.unsubscribe.UnsubscribeTokens;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import io.nudge.functions.journeys.AdvanceJourneysHandler;
import io.nudge.journey.JourneyCatalog;
import io.nudge.keys.ApiKeys;
import io.nudge.keys.Scope;
import io.nudge.log.Log;
import io.nudge.store.TableDefinitions;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import io.nudge.wiring.SweepSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The whole system in one JVM: DynamoDB Local, the tables, the same handler classes Lambda runs fed from the
 * streams (with the template's filters), the sweep on a timer, and the HTTP API. {@link #close()} stops it all.
 */
public final class LocalRunner implements AutoCloseable {
    private static final Log LOG = Log.of(LocalRunner.class);
    static final String TABLE_PREFIX = "nudge-";
    /** Locally a slot is one second: delayed messages go out on time, to the second. */
    static final Duration SLOT_WIDTH = Duration.ofSeconds(1);
    /** Parallel Scan segments of a local campaign run (2 cores: more would only contend). */
    static final int CAMPAIGN_SCAN_SEGMENTS = 2;
    /** Writes in flight per scan segment locally: DynamoDB Local is CPU-bound here, a few keep it busy. */
    static final int CAMPAIGN_PUT_CONCURRENCY = 4;
    /** In-flight messages the local sweep (every 5 s) looks at per shard and run. */
    static final int SWEEP_PER_SHARD = 25;
    /**
     * The Messages table's own database file: its own SQLite thread (see {@link TableRouting}), ~15 % more emails/s on
     * disk. Sends then run ahead of evaluation in bursts; a journey's timeout looks for the awaited events evaluation has
     * not handed over yet, so that costs nothing but latency. A data folder made before keeps its one database.
     */
    static final String MESSAGES_DATABASE = "messages.db";

    private final LocalDynamo dynamoServer;
    private final DynamoDbClient dynamo;
    private final List<StreamPoller> pollers;
    private final List<Thread> threads;
    private final ScheduledExecutorService timers;
    private final LocalScheduler scheduler;
    private final LocalHttpServer http;
    private final Path outbox;
    private final Optional<String> generatedKey;
    private final Services services;
    private final Optional<FaultInjector> faults;

    private LocalRunner(LocalDynamo dynamoServer, DynamoDbClient dynamo, List<StreamPoller> pollers,
            List<Thread> threads, ScheduledExecutorService timers, LocalScheduler scheduler, LocalHttpServer http, Path outbox,
            Optional<String> generatedKey, Services services, Optional<FaultInjector> faults) {
        this.dynamoServer = dynamoServer;
        this.dynamo = dynamo;
        this.pollers = pollers;
        this.threads = threads;
        this.timers = timers;
        this.scheduler = scheduler;
        this.http = http;
        this.outbox = outbox;
        this.generatedKey = generatedKey;
        this.services = services;
        this.faults = faults;
    }

    public static LocalRunner start(LocalOptions options) throws Exception {
        Path data = options.dataDir().toAbsolutePath();
        Files.createDirectories(data);
        Natives.install(data.resolve("native"));
        Tables tables = Tables.withPrefix(TABLE_PREFIX);
        LocalDynamo dynamoServer = LocalDynamo.start(options.inMemory() ? Optional.empty() : Optional.of(Files.createDirectories(data.resolve("dynamodb"))),
                options.dynamoPort(), Map.of(tables.messages(), MESSAGES_DATABASE));
        DynamoDbClient dynamo = dynamoServer.dynamo();
        TableWrites writes = dynamoServer.writes();
        TableDefinitions.createMissing(dynamo, tables);
        AtomicReference<String> baseUrl = new AtomicReference<>(System.getenv().getOrDefault(UnsubscribeLinks.BASE_URL, ""));
        Services services = Services.builder(dynamo, tables)
                .clock(options.clock())
                .slotWidth(SLOT_WIDTH)
                .unsubscribe(new UnsubscribeLinks(new UnsubscribeTokens(unsubscribeKeys(data)), baseUrl::get))
                .deadLetterRetention(io.nudge.config.DeadLetterRetention.fromEnvironment(System.getenv()))
                .guards(guardSettings(options))
                .webhookDestinations(options.webhooks())
                .build();
        // As on Lambda; the API saves definitions through this same store, so a change is seen at once here.
        services.definitions().cacheVersionFor(io.nudge.wiring.LambdaEnvironment.DEFINITIONS_VERSION_MAX_AGE);

        Optional<String> generatedKey = ensureAdminKey(services.apiKeys(), options, data);
        if (options.configDir().isPresent()) {
            DefinitionsLoader.Loaded loaded = DefinitionsLoader.load(options.configDir().get(),
                    services.definitionService(), services.segments(), services.journeys());
            LOG.info("definitions loaded", "from", options.configDir().get(), "templates", loaded.templates(), "triggers", loaded.triggers(),
                    "journeys", loaded.journeys());
            loaded.errors().forEach(e -> System.err.println("nudge: skipped definition: " + e));
        }

        Path outbox = Files.createDirectories(data.resolve("outbox"));
        Channels channels;
        if (options.channels() == LocalOptions.Channels.AWS) {
            Map<String, String> env = System.getenv();
            channels = awsChannels(env, AwsClients.sesV2(env), AwsClients.sns(env));
        } else {
            channels = new Channels(new OutboxEmailSender(outbox, options.clock()),
                    new OutboxSmsSender(outbox, options.clock()), new OutboxPushSender(outbox, options.clock()),
                    new LocalPushEndpoints(), options.emailFrom());
        }
        // Webhooks are real HTTP requests locally too, to the destinations NUDGE_WEBHOOK_ALLOW_HOSTS opens
        channels = channels.withWebhook(new io.nudge.channel.webhook.HttpWebhookSender(options.webhooks(), options.clock()));
        // A misbehaving provider in front of the real senders (outbox or SES/SNS), for reliability runs.
        Optional<FaultInjector> faults = options.providerFaults().map(FaultInjector::new);
        if (faults.isPresent()) {
            channels = new Channels(faults.get().email(channels.email()), faults.get().sms(channels.sms()),
                    faults.get().push(channels.push()), channels.pushEndpoints(), channels.emailFrom(), faults.get().webhook(channels.webhook()));
            LOG.info("provider faults injected", "faults", options.providerFaults().get().toString());
        }

        Checkpoints checkpoints = new Checkpoints(dynamo, TABLE_PREFIX + "LocalCheckpoints");
        // EventBridge Scheduler's stand-in: schedules persisted in DynamoDB Local, fired with the same input.
        AtomicReference<ScheduleSendsHandler> scheduleSends = new AtomicReference<>();
        LocalCampaigns campaigns = new LocalCampaigns(services, options.clock(), CAMPAIGN_SCAN_SEGMENTS, CAMPAIGN_PUT_CONCURRENCY,
                options.replay());
        LocalScheduler scheduler = new LocalScheduler(dynamo, TABLE_PREFIX + "LocalSchedules", options.clock(),
                Map.of(ScheduleRequest.Target.SCHEDULE_SENDS, replayed(options, input -> StreamHandlers.invoke(scheduleSends.get(), input)),
                        ScheduleRequest.Target.RUN_CAMPAIGN, replayed(options, campaigns.scheduleTarget())));
        if (options.configDir().isPresent()) {
            int loaded = DefinitionsLoader.loadCampaigns(options.configDir().get(), services.campaigns(scheduler, campaigns.runner()));
            LOG.info("campaigns loaded", "count", loaded);
        }
        scheduleSends.set(new ScheduleSendsHandler(services.slots(scheduler), services.streamBatch("schedule-sends"),
                services.deadLetters(), options.clock()));
        JourneyCatalog journeys = new JourneyCatalog(services.definitions());
        // The stream out: subscriptions get real HTTP requests, to the destinations NUDGE_WEBHOOK_ALLOW_HOSTS opens
        io.nudge.outbound.EmitService emit = services.emit(io.nudge.outbound.EventPoster.over(
                new io.nudge.channel.webhook.HttpWebhookSender(options.webhooks(), options.clock())), java.util.Optional.empty());
        List<StreamPoller> pollers = List.of(
                new StreamPoller("evaluate-triggers", tables.events(), dynamo, dynamoServer.streams(tables.events()), checkpoints, writes,
                        r -> r.eventName() == OperationType.INSERT, new EvaluateTriggersHandler(services), options.replay()),
                new StreamPoller("deliver", tables.messages(), dynamo, dynamoServer.streams(tables.messages()), checkpoints, writes,
                        r -> hasStatus(r, "READY"), new DeliverHandler(services.deliver(channels, guardSettings(options)),
                                services.streamBatch("deliver")), options.replay()),
                new StreamPoller("schedule-sends", tables.messages(), dynamo, dynamoServer.streams(tables.messages()), checkpoints, writes,
                        r -> hasStatus(r, "SCHEDULED"), StreamHandlers.fromStreamHandler(scheduleSends.get()), options.replay()),
                new StreamPoller("advance-journeys", tables.journeys(), dynamo, dynamoServer.streams(tables.journeys()), checkpoints, writes,
                        r -> hasAttribute(r, "phase", Set.of("RUN", "DUE", "RECEIVED", "WAIT")),
                        new AdvanceJourneysHandler(services.journeyStream(journeys, scheduler), journeys::refresh,
                                services.streamBatch("advance-journeys")), options.replay()),
                new StreamPoller("emit-events", tables.outbound(), dynamo, dynamoServer.streams(tables.outbound()), checkpoints, writes,
                        r -> r.eventName() == OperationType.INSERT,
                        new io.nudge.functions.emit.EmitEventsHandler(emit, services.streamBatch("emit-events")), options.replay()));
        List<Thread> threads = new ArrayList<>();
        for (StreamPoller poller : pollers) {
            threads.add(Thread.ofPlatform().daemon().name("poller-" + poller.hashCode()).start(poller));
        }
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> Thread.ofPlatform().daemon().name("timers").unstarted(r));
        // Locally slots are a second wide: a slot 10 s overdue is certainly stranded.
        // Every 5 s here: at most 25 per shard and run (20 reads/s), so a deliver backlog is not made worse by it.
        var sweep = services.sweep(SweepSettings.of(options.sweepGrace()).slotGrace(Duration.ofSeconds(10)).perShard(SWEEP_PER_SHARD));
        timers.scheduleWithFixedDelay(() -> {
            try {
                sweep.run();
            } catch (RuntimeException e) {
                LOG.error("sweep failed", e);
            }
        }, 5, 5, TimeUnit.SECONDS);
        // The retry run of webhook events: every minute on AWS, every second here.
        timers.scheduleWithFixedDelay(() -> {
            try {
                emit.inBatch(() -> emit.retryDue(java.time.Duration.ofSeconds(10)));
            } catch (RuntimeException e) {
                LOG.error("webhook retries failed", e);
            }
        }, 1, 1, TimeUnit.SECONDS);

        scheduler.start();
        campaigns.resumePending();
        LocalHttpServer http = LocalHttpServer.start(options.host(), options.port(),
                // one JVM serves every request here, so an in-memory token bucket per key is exact
                new IngestApiHandler(services.api(ApiSettings.defaults().withPush(channels.pushEndpoints())
                        .withCampaigns(scheduler, campaigns.runner())).limitRate(
                        new io.nudge.ratelimit.TokenBuckets(services.clock()), io.nudge.ratelimit.RateLimit.fromEnvironment(System.getenv()))),
                LocalFeedbackEndpoints.over(services, options,
                        options.channels() == LocalOptions.Channels.AWS ? Optional.empty() : Optional.of(outbox)),
                options.shedding());
        if (baseUrl.get().isEmpty()) {
            baseUrl.set("http://" + options.host() + ":" + http.port());
        }
        return new LocalRunner(dynamoServer, dynamo, pollers, threads, timers, scheduler, http, outbox, generatedKey, services, faults);
    }

    /** {@code --channels aws}: Lambda's settings (the same NUDGE_* variables) and factory, over these clients. */
    static Channels awsChannels(Map<String, String> env, SesV2Client ses, SnsClient sns) {
        return awsChannelSettings(env).channels(ses, sns);
    }

    static AwsChannelSettings awsChannelSettings(Map<String, String> env) {
        return AwsChannelSettings.fromEnvironment(env);
    }

    /** With --replay, each Scheduler invocation is made twice, as EventBridge Scheduler's at-least-once delivery may. */
    private static java.util.function.Consumer<String> replayed(LocalOptions options, java.util.function.Consumer<String> target) {
        if (!options.replay()) {
            return target;
        }
        return input -> {
            target.accept(input);
            target.accept(input);
        };
    }

    /**
     * The guards as on AWS (NUDGE_* settings honoured), except that the outbox has no provider to protect: no rate
     * limits (and no counter writes), so load tests measure the pipeline, not a made-up SES quota.
     */
    static GuardSettings guardSettings(LocalOptions options) {
        GuardSettings configured = GuardSettings.fromEnvironment(System.getenv());
        if (options.channels() == LocalOptions.Channels.AWS || System.getenv(GuardSettings.RATE_LIMITS) != null) {
            return configured;
        }
        return new GuardSettings(configured.quietHours(), configured.defaultZone(), configured.caps(), Map.of());
    }

    /** The template's filters on the Messages stream: INSERT or MODIFY whose new image has this status. */
    static boolean hasStatus(Record record, String status) {
        return hasAttribute(record, "status", Set.of(status));
    }

    /** As the function's filter: an insert or modify whose new image's {@code name} is one of {@code values}. */
    static boolean hasAttribute(Record record, String name, Set<String> values) {
        return (record.eventName() == OperationType.INSERT || record.eventName() == OperationType.MODIFY)
                && record.dynamodb().hasNewImage()
                && record.dynamodb().newImage().containsKey(name)
                && values.contains(record.dynamodb().newImage().get(name).s());
    }

    /**
     * The unsubscribe-link signing keys: NUDGE_UNSUBSCRIBE_KEYS when set, else a key generated on the first start and
     * kept in the data folder, so links in mail already sent keep working after a restart.
     */
    private static KeyRing unsubscribeKeys(Path data) throws IOException {
        if (System.getenv(KeyRing.VARIABLE) != null && !System.getenv(KeyRing.VARIABLE).isBlank()) {
            return KeyRing.fromEnvironment(System.getenv());
        }
        Path file = data.resolve("unsubscribe-keys");
        if (!Files.exists(file)) {
            KeyRing fresh = UnsubscribeLinks.randomKeys();
            String encoded = "local:" + java.util.Base64.getEncoder().encodeToString(fresh.keys().get("local"));
            Files.writeString(file, encoded + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the folder's own permissions apply
            }
        }
        return KeyRing.parse(Files.readString(file).strip());
    }

    /**
     * NUDGE_API_KEY, when set, is an admin key on every start. Otherwise the key generated on the first start is
     * kept in the data folder (readable by its owner only) and registered again on each start.
     */
    private static Optional<String> ensureAdminKey(ApiKeys keys, LocalOptions options, Path data) throws IOException {
        if (options.apiKey().isPresent()) {
            keys.register(options.apiKey().get(), "NUDGE_API_KEY", Scope.ADMIN);
            return Optional.empty();
        }
        Path file = data.resolve("admin-key");
        if (Files.exists(file)) {
            keys.register(Files.readString(file).strip(), "local admin", Scope.ADMIN);
            return Optional.empty();
        }
        ApiKeys.Created created = keys.create("local admin", Scope.ADMIN);
        Files.writeString(file, created.secret() + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the folder's own permissions apply
        }
        return Optional.of(created.secret());
    }

    public int port() {
        return http.port();
    }

    public Path outbox() {
        return outbox;
    }

    /** The admin key generated on this start (first start without NUDGE_API_KEY), to print once. */
    public Optional<String> generatedKey() {
        return generatedKey;
    }

    Services services() {
        return services;
    }

    /** Requests the HTTP server answered 429 since the start. */
    long shedRequests() {
        return http.shed();
    }

    /** The fault injector in front of the senders, when {@code --provider-faults} asked for one. */
    Optional<FaultInjector> faults() {
        return faults;
    }

    /**
     * Stops the Messages stream's consumers (deliver, schedule-sends) and the sweep for good: the campaign benchmark
     * measures run-campaign alone, as on AWS, where those run in their own Lambdas and do not share DynamoDB Local's
     * one SQLite thread with it. Records written meanwhile stay in the stream; nothing else changes.
     */
    void stopDeliveryPipeline() {
        pollers.stream().filter(p -> p.name().equals("deliver") || p.name().equals("schedule-sends")).forEach(StreamPoller::stop);
        timers.shutdownNow();
    }

    /** Where this runner's DynamoDB Local listens, when started with a DynamoDB port (tools open clients of their own on it). */
    Optional<java.net.URI> dynamoEndpoint() {
        return dynamoServer.endpoint();
    }

    @Override
    public void close() {
        http.close();
        pollers.forEach(StreamPoller::stop);
        timers.shutdownNow();
        scheduler.close();
        for (Thread thread : threads) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            dynamoServer.close();
        } catch (Exception e) {
            LOG.error("DynamoDB Local did not stop cleanly", e);
        }
    }

}
