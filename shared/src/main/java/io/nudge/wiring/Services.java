package io.nudge.wiring;

import io.nudge.api.NudgeApi;
import io.nudge.channel.Channels;
import io.nudge.channel.PushEndpoints;
import io.nudge.config.Tables;
import io.nudge.definitions.DefinitionService;
import io.nudge.deliver.DeliverService;
import io.nudge.deliver.Sweep;
import io.nudge.evaluate.EvaluateService;
import io.nudge.guards.FrequencyCaps;
import io.nudge.guards.GuardSettings;
import io.nudge.guards.RateLimits;
import io.nudge.guards.SuppressionStore;
import io.nudge.evaluate.ReentryStore;
import io.nudge.scheduling.Scheduler;
import io.nudge.stats.StatsStore;
import io.nudge.unsubscribe.UnsubscribeLinks;
import io.nudge.unsubscribe.UnsubscribeTokens;
import io.nudge.scheduling.SlotReleaser;
import io.nudge.scheduling.SlotService;
import io.nudge.scheduling.SlotStore;
import io.nudge.ingest.EventIngest;
import io.nudge.keys.ApiKeyStore;
import io.nudge.keys.ApiKeys;
import io.nudge.lambda.StreamBatch;
import io.nudge.store.DeadLetterStore;
import io.nudge.store.DefinitionStore;
import io.nudge.store.EventStore;
import io.nudge.store.MessageStore;
import io.nudge.store.UserStore;
import io.nudge.template.TemplateCatalog;
import io.nudge.trigger.TriggerCatalog;
import io.nudge.users.UserService;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Plain constructor wiring, no framework: the stores over one DynamoDB client, and the services each
 * handler needs. Lambda handlers build one per cold start; the local runner and tests build their own.
 */
public final class Services {
    public static final Duration EVENT_RETENTION = Duration.ofDays(30);
    /** In-flight messages one sweep run looks at per shard (× {@link MessageStore#IN_FLIGHT_SHARDS}); AWS runs every 5 minutes. */
    public static final int SWEEP_PER_SHARD = 250;

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final Clock clock;
    private final UserStore users;
    private final EventStore events;
    private final MessageStore messages;
    private final DefinitionStore definitions;
    private final DeadLetterStore deadLetters;
    private final SuppressionStore suppressions;
    private final StatsStore stats;
    private final UnsubscribeLinks unsubscribe;
    private final ApiKeys apiKeys;
    private final io.nudge.journey.JourneyInstanceStore journeyInstances;
    private final GuardSettings guards;
    private final io.nudge.channel.webhook.WebhookDestinations webhookDestinations;
    private final io.nudge.outbound.OutboundStore outboundStore;
    private final io.nudge.outbound.SubscriptionStore subscriptions;
    private final boolean eventBus;

    private Services(Builder b) {
        this.eventBus = b.eventBus;
        this.guards = b.guards;
        this.webhookDestinations = b.webhookDestinations;
        this.unsubscribe = b.unsubscribe;
        this.dynamo = b.dynamo;
        this.tables = b.tables;
        this.clock = b.clock;
        this.users = new UserStore(dynamo, tables.users());
        this.events = new EventStore(dynamo, tables.events(), EVENT_RETENTION);
        this.messages = new MessageStore(dynamo, tables.messages(), b.slotWidth);
        this.definitions = new DefinitionStore(dynamo, tables.definitions());
        this.deadLetters = new DeadLetterStore(dynamo, tables.deadLetters(), b.deadLetterRetention);
        this.suppressions = new SuppressionStore(dynamo, tables.suppressions());
        this.stats = new StatsStore(dynamo, tables.stats());
        this.apiKeys = new ApiKeys(new ApiKeyStore(dynamo, tables.apiKeys()), clock);
        this.journeyInstances = new io.nudge.journey.JourneyInstanceStore(dynamo, tables.journeys(), b.slotWidth);
        this.outboundStore = new io.nudge.outbound.OutboundStore(dynamo, tables.outbound());
        this.subscriptions = new io.nudge.outbound.SubscriptionStore(definitions);
    }

    /**
     * The stores over {@code dynamo} and {@code tables}; {@link Builder#build()} checks the rest. A clock is required;
     * the slot width defaults to AWS's 60 s, the unsubscribe links to throwaway keys (tests), the dead-letter retention
     * to {@link io.nudge.config.DeadLetterRetention#DEFAULT}.
     */
    public static Builder builder(DynamoDbClient dynamo, Tables tables) {
        return new Builder(dynamo, tables);
    }

    public static final class Builder {
        private final DynamoDbClient dynamo;
        private final Tables tables;
        private Clock clock;
        private Duration slotWidth = Duration.ofSeconds(60);
        private UnsubscribeLinks unsubscribe;
        private Duration deadLetterRetention = io.nudge.config.DeadLetterRetention.DEFAULT;
        private GuardSettings guards = GuardSettings.defaults();
        private io.nudge.channel.webhook.WebhookDestinations webhookDestinations = io.nudge.channel.webhook.WebhookDestinations.none();
        private boolean eventBus;

        private Builder(DynamoDbClient dynamo, Tables tables) {
            this.dynamo = java.util.Objects.requireNonNull(dynamo, "dynamo");
            this.tables = java.util.Objects.requireNonNull(tables, "tables");
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** 60 s on AWS (EventBridge Scheduler's precision), 1 s locally. */
        public Builder slotWidth(Duration slotWidth) {
            this.slotWidth = slotWidth;
            return this;
        }

        /** The keys links are signed with and the base URL they point at. */
        public Builder unsubscribe(UnsubscribeLinks unsubscribe) {
            this.unsubscribe = unsubscribe;
            return this;
        }

        /** How long a dead letter is kept (the table's TTL removes it afterwards). */
        public Builder deadLetterRetention(Duration deadLetterRetention) {
            this.deadLetterRetention = deadLetterRetention;
            return this;
        }

        /** The guards a trigger test asks (deliver is given its own); the defaults when not set. */
        public Builder guards(GuardSettings guards) {
            this.guards = java.util.Objects.requireNonNull(guards, "guards");
            return this;
        }

        /** Where webhooks may go (templates are checked against it when saved); nothing allow-listed when not set. */
        public Builder webhookDestinations(io.nudge.channel.webhook.WebhookDestinations destinations) {
            this.webhookDestinations = java.util.Objects.requireNonNull(destinations, "webhookDestinations");
            return this;
        }

        /** Whether the deployment names an EventBridge bus: then every event is recorded for the stream out, listened to or not. */
        public Builder eventBus(boolean configured) {
            this.eventBus = configured;
            return this;
        }

        /** Fails naming the setting that is missing or out of range. */
        public Services build() {
            if (clock == null) {
                throw new IllegalStateException("Services: clock is not set");
            }
            if (slotWidth == null || slotWidth.toNanos() % 1_000_000_000L != 0
                    || slotWidth.toSeconds() < 1 || slotWidth.toSeconds() > MAX_SLOT_SECONDS) {
                throw new IllegalStateException("Services: slotWidth must be a whole number of seconds from 1 to "
                        + MAX_SLOT_SECONDS + ", not " + slotWidth);
            }
            if (deadLetterRetention == null || deadLetterRetention.isNegative() || deadLetterRetention.isZero()) {
                throw new IllegalStateException("Services: deadLetterRetention must be positive, not " + deadLetterRetention);
            }
            if (unsubscribe == null) {
                unsubscribe = new UnsubscribeLinks(new UnsubscribeTokens(UnsubscribeLinks.randomKeys()), () -> "http://127.0.0.1");
            }
            return new Services(this);
        }
    }

    /** As {@link io.nudge.config.SlotWidth} accepts from the environment. */
    private static final long MAX_SLOT_SECONDS = 3600;

    /** The HTTP API: push registration and campaign routes as {@code settings} has them. */
    public NudgeApi api(ApiSettings settings) {
        NudgeApi api = io.nudge.api.CampaignRoutes.install(coreApi(settings.pushEndpoints()), segments(),
                settings.campaigns().map(c -> campaigns(c.scheduler(), c.runner())), stats);
        return io.nudge.api.ConsoleRoutes.install(api);
    }

    /** One line per route class; the order is the order of a 405's {@code allow} header. */
    private NudgeApi coreApi(PushEndpoints pushEndpoints) {
        UserService userService = new UserService(users, clock, pushEndpoints, outbound(), topicStats());
        NudgeApi api = new NudgeApi(apiKeys, clock);
        io.nudge.api.HealthRoutes.install(api);
        io.nudge.api.OpenApiRoutes.install(api);
        io.nudge.api.UnsubscribeRoutes.install(api, userService, unsubscribe.tokens(), topics());
        io.nudge.api.PreferenceRoutes.install(api, userService, topics(), unsubscribe.tokens(), unsubscribe.baseUrl());
        io.nudge.api.KeyRoutes.install(api, apiKeys);
        io.nudge.api.UserRoutes.install(api, userService, messages);
        EventIngest eventIngest = new EventIngest(events, clock);
        io.nudge.api.EventRoutes.install(api, eventIngest, events, clock);
        io.nudge.api.TrackRoutes.install(api, new io.nudge.ingest.TrackIngest(userService, eventIngest, clock));
        io.nudge.api.TimelineRoutes.install(api, new io.nudge.timeline.Timeline(events, messages,
                java.util.Optional.of(new io.nudge.topics.TopicChoiceLog(dynamo, tables.state())), clock));
        io.nudge.api.DefinitionRoutes.install(api, definitionService());
        io.nudge.api.JourneyRoutes.install(api, journeys(), journeyEngine(new io.nudge.journey.JourneyCatalog(definitions)));
        io.nudge.api.JourneyReportRoutes.install(api, journeys(), journeyStats(), stats, journeyInstances, messages);
        io.nudge.api.TriggerTestRoutes.install(api, definitionService(), users, triggerDryRun(), clock);
        io.nudge.api.StatsRoutes.install(api, stats, definitions, clock);
        io.nudge.api.MessageRoutes.install(api, messages, new io.nudge.messages.MessagePreview(users, definitions, unsubscribe));
        io.nudge.api.TemplatePreviewRoutes.install(api, new io.nudge.messages.TemplatePreview(definitions, unsubscribe), users, clock);
        io.nudge.api.SuppressionRoutes.install(api, suppressions, clock);
        io.nudge.api.WebhookRoutes.install(api, subscriptions, deliveryLog(), webhookDestinations, clock);
        io.nudge.api.TopicRoutes.install(api, topics(), topicStats(), clock);
        return io.nudge.api.PrivacyRoutes.install(api, personalData(pushEndpoints));
    }

    /** Templates and triggers as the API saves them: a webhook template's URL checked against the allowed destinations. */
    public DefinitionService definitionService() {
        return new DefinitionService(definitions, webhookDestinations, clock);
    }

    public io.nudge.channel.webhook.WebhookDestinations webhookDestinations() {
        return webhookDestinations;
    }

    /** A trigger asked about one event without writing anything: deliver's guards as {@link Builder#guards} has them. */
    public io.nudge.evaluate.TriggerDryRun triggerDryRun() {
        io.nudge.deliver.GuardCheck guardCheck = new io.nudge.deliver.GuardCheck(suppressions,
                new FrequencyCaps(dynamo, tables.state(), guards.caps()), new RateLimits(dynamo, tables.state(), guards.rates()),
                guards, messages.slotWidth(), new io.nudge.topics.TopicCatalog(definitions), clock);
        // annotate only: no conversions (they are recorded, not read) and record() is never called
        io.nudge.segments.SegmentMembership segments = new io.nudge.segments.SegmentMembership(activity(),
                new io.nudge.segments.SegmentCatalog(definitions), null, clock);
        return new io.nudge.evaluate.TriggerDryRun(segments, new ReentryStore(dynamo, tables.state()), messages,
                new io.nudge.messages.MessagePreview(users, definitions, unsubscribe), guardCheck, clock);
    }

    /** Erasure and export of a user's data; {@code pushEndpoints} forgets the devices of an erased profile. */
    public io.nudge.privacy.PersonalData personalData(PushEndpoints pushEndpoints) {
        // every owner of a record that can name a user; the caps' limits play no part in erasure
        return new io.nudge.privacy.PersonalData(users, events, messages, suppressions, deadLetters, pushEndpoints, java.util.List.of(
                new io.nudge.feedback.Engagement(markers()),
                new io.nudge.campaigns.CampaignAssignments(dynamo, tables.state(), definitions),
                activity(),
                new FrequencyCaps(dynamo, tables.state(), FrequencyCaps.Limits.defaults()),
                new io.nudge.feedback.SoftBounces(dynamo, tables.state()),
                new ReentryStore(dynamo, tables.state(), definitions),
                new io.nudge.journey.JourneyInstanceRecords(journeyInstances),
                outboundStore,
                deliveryQueue(),
                new io.nudge.topics.TopicChoiceLog(dynamo, tables.state())), clock);
    }

    public io.nudge.campaigns.CampaignService campaigns(Scheduler scheduler, io.nudge.campaigns.CampaignRunner runner) {
        return new io.nudge.campaigns.CampaignService(definitions, scheduler, runner, clock);
    }

    /** run-campaign's service; {@code runner} continues a run that runs out of time. */
    public io.nudge.campaigns.CampaignRunService campaignRun(io.nudge.campaigns.CampaignRunner runner, CampaignRunSettings settings) {
        return new io.nudge.campaigns.CampaignRunService(dynamo, tables.users(), tables.state(), definitions, messages, activity(),
                stats, runner, clock, settings.scanSegments(), settings.putConcurrency());
    }

    public EvaluateService evaluate() {
        return new EvaluateService(new TriggerCatalog(definitions), users, messages, events,
                new ReentryStore(dynamo, tables.state()), markers(), stats, clock)
                .withOutbound(outbound())
                .withSegments(new io.nudge.segments.SegmentMembership(activity(), new io.nudge.segments.SegmentCatalog(definitions),
                        new io.nudge.campaigns.GoalConversions(definitions, dynamo, tables.state(), stats, clock), clock))
                .withJourneys(journeyEngine(new io.nudge.journey.JourneyCatalog(definitions)).hook());
    }

    /** process-feedback's service; {@code phoneOptIn} is SNS OptInPhoneNumber on AWS. */
    public io.nudge.feedback.FeedbackService feedback(io.nudge.feedback.PhoneOptIn phoneOptIn) {
        io.nudge.outbound.Outbound outbound = outbound();
        return new io.nudge.feedback.FeedbackService(messages, users,
                new UserService(users, clock, io.nudge.channel.PushEndpoints.notConfigured(), outbound), suppressions, stats,
                new io.nudge.feedback.FeedbackLedger(dynamo, tables.state()), markers(),
                new io.nudge.feedback.SoftBounces(dynamo, tables.state()), phoneOptIn, outbound, clock);
    }

    /**
     * How a function records its stream-out events (a new one per service: deliver's holds a batch's records back).
     * Nothing is written for a type no enabled subscription wants, unless the deployment has an event bus.
     */
    public io.nudge.outbound.Outbound outbound() {
        return io.nudge.outbound.Outbound.over(outboundStore, subscriptions, eventBus, clock);
    }

    /** A topic's counters and each person's log of topic choices. */
    public io.nudge.topics.TopicStats topicStats() {
        return io.nudge.topics.TopicStats.over(stats, new io.nudge.topics.TopicChoiceLog(dynamo, tables.state()));
    }

    /** Topics people choose to hear about (Definitions, kind topic). */
    public io.nudge.topics.TopicService topics() {
        return new io.nudge.topics.TopicService(definitions, clock);
    }

    public io.nudge.outbound.SubscriptionStore subscriptions() {
        return subscriptions;
    }

    public io.nudge.outbound.OutboundStore outboundStore() {
        return outboundStore;
    }

    public io.nudge.outbound.DeliveryQueue deliveryQueue() {
        return new io.nudge.outbound.DeliveryQueue(dynamo, tables.webhookDeliveries(),
                () -> subscriptions.listNow().stream().map(io.nudge.outbound.Subscription::id).toList());
    }

    public io.nudge.outbound.DeliveryLog deliveryLog() {
        return new io.nudge.outbound.DeliveryLog(dynamo, tables.webhookDeliveries());
    }

    /** emit-events' service: webhooks through {@code poster}, and the bus when there is one. */
    public io.nudge.outbound.EmitService emit(io.nudge.outbound.EventPoster poster, java.util.Optional<io.nudge.outbound.EventBus> bus) {
        return new io.nudge.outbound.EmitService(subscriptions, deliveryQueue(), deliveryLog(), poster, bus, deadLetters, clock);
    }

    /** Once-only records (first open, first click, a message's conversion) in the State table. */
    public io.nudge.store.Markers markers() {
        return new io.nudge.store.Markers(dynamo, tables.state());
    }

    public io.nudge.segments.ActivityStore activity() {
        return new io.nudge.segments.ActivityStore(dynamo, tables.state());
    }

    public io.nudge.segments.SegmentService segments() {
        return new io.nudge.segments.SegmentService(definitions, dynamo, tables.users(), activity(), clock);
    }

    public SlotService slots(Scheduler scheduler) {
        return new SlotService(new SlotStore(dynamo, tables.slots()), messages, scheduler, journeyWaiters(), clock);
    }

    /** The journey instances a slot wakes: no journey lookup needed, a waiting instance knows its due time. */
    private io.nudge.scheduling.SlotWaiters journeyWaiters() {
        return (slot, shard) -> new io.nudge.journey.JourneyWake(journeyInstances).wake(slot, shard);
    }

    /** The journey engine over {@code journeys} (the definitions it runs). */
    public io.nudge.journey.JourneyEngine journeyEngine(io.nudge.journey.JourneyLookup journeys) {
        return new io.nudge.journey.JourneyEngine(journeys, journeyInstances, events, messages, new UserService(users, clock),
                new ReentryStore(dynamo, tables.state()), markers(), journeyStats(), stats, outbound(), clock);
    }

    /** advance-journeys' service. */
    public io.nudge.journey.JourneyStream journeyStream(io.nudge.journey.JourneyLookup journeys, Scheduler scheduler) {
        return new io.nudge.journey.JourneyStream(journeyEngine(journeys), slots(scheduler), journeyInstances);
    }

    /** The journeys' own counters (entries, edges, ends, conversions) in the Stats table. */
    public io.nudge.journey.JourneyStats journeyStats() {
        return new io.nudge.journey.JourneyStats(dynamo, tables.stats());
    }

    public io.nudge.journey.JourneyInstanceStore journeyInstances() {
        return journeyInstances;
    }

    /** Deliver over {@code channels}; their push endpoints are deleted when the provider reports a device disabled. */
    public DeliverService deliver(Channels channels, GuardSettings guards) {
        io.nudge.outbound.Outbound outbound = outbound();
        // the carrier's opt-out is a consent change: user.unsubscribed, recorded through the same outbound
        return new DeliverService(messages, users, new UserService(users, clock, channels.pushEndpoints(), outbound), new TemplateCatalog(definitions),
                new TriggerCatalog(definitions), new io.nudge.topics.TopicCatalog(definitions), suppressions,
                new FrequencyCaps(dynamo, tables.state(), guards.caps()),
                new RateLimits(dynamo, tables.state(), guards.rates()), guards, stats, unsubscribe,
                channels.email(), channels.sms(), channels.push(), channels.webhook(), channels.emailFrom(), outbound, clock);
    }

    /** Journey documents by version. */
    public io.nudge.journey.JourneyService journeys() {
        return new io.nudge.journey.JourneyService(definitions, clock);
    }

    public UnsubscribeLinks unsubscribe() {
        return unsubscribe;
    }

    public StatsStore stats() {
        return stats;
    }

    public SuppressionStore suppressions() {
        return suppressions;
    }

    public Sweep sweep(SweepSettings settings) {
        Duration slotGrace = settings.slotGrace().orElse(Duration.ofSeconds(Math.max(120, 2 * messages.slotWidth().toSeconds())));
        return new Sweep(messages, stats, new SlotReleaser(new SlotStore(dynamo, tables.slots()), messages, journeyWaiters(), clock), clock,
                settings.grace(), settings.readyGrace(), slotGrace, settings.perShard());
    }

    public StreamBatch streamBatch(String source) {
        return new StreamBatch(source, deadLetters, clock);
    }

    public ApiKeys apiKeys() {
        return apiKeys;
    }

    public UserStore users() {
        return users;
    }

    public EventStore events() {
        return events;
    }

    public MessageStore messages() {
        return messages;
    }

    public DeadLetterStore deadLetters() {
        return deadLetters;
    }

    public DefinitionStore definitions() {
        return definitions;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public Tables tables() {
        return tables;
    }

    public Clock clock() {
        return clock;
    }
}
