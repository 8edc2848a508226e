package io.nudge.wiring;

import io.nudge.api.NudgeApi;
import io.nudge.channel.EmailSender;
import io.nudge.channel.PushEndpoints;
import io.nudge.channel.PushSender;
import io.nudge.channel.SmsSender;
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

    /** With AWS's 60-second slots and throwaway unsubscribe keys (tests). */
    public Services(DynamoDbClient dynamo, Tables tables, Clock clock) {
        this(dynamo, tables, clock, Duration.ofSeconds(60));
    }

    public Services(DynamoDbClient dynamo, Tables tables, Clock clock, Duration slotWidth) {
        this(dynamo, tables, clock, slotWidth,
                new UnsubscribeLinks(new UnsubscribeTokens(UnsubscribeLinks.randomKeys()), () -> "http://127.0.0.1"));
    }

    /** With the default dead-letter retention ({@link io.nudge.config.DeadLetterRetention#DEFAULT}). */
    public Services(DynamoDbClient dynamo, Tables tables, Clock clock, Duration slotWidth, UnsubscribeLinks unsubscribe) {
        this(dynamo, tables, clock, slotWidth, unsubscribe, io.nudge.config.DeadLetterRetention.DEFAULT);
    }

    /** @param deadLetterRetention how long a dead letter is kept (the table's TTL removes it afterwards) */
    public Services(DynamoDbClient dynamo, Tables tables, Clock clock, Duration slotWidth, UnsubscribeLinks unsubscribe,
            Duration deadLetterRetention) {
        this.unsubscribe = unsubscribe;
        this.dynamo = dynamo;
        this.tables = tables;
        this.clock = clock;
        this.users = new UserStore(dynamo, tables.users());
        this.events = new EventStore(dynamo, tables.events(), EVENT_RETENTION);
        this.messages = new MessageStore(dynamo, tables.messages(), slotWidth);
        this.definitions = new DefinitionStore(dynamo, tables.definitions());
        this.deadLetters = new DeadLetterStore(dynamo, tables.deadLetters(), deadLetterRetention);
        this.suppressions = new SuppressionStore(dynamo, tables.suppressions());
        this.stats = new StatsStore(dynamo, tables.stats());
        this.apiKeys = new ApiKeys(new ApiKeyStore(dynamo, tables.apiKeys()), clock);
    }

    /** Without push: a profile update naming push tokens is refused as {@code push_not_configured}. */
    public NudgeApi api() {
        return api(PushEndpoints.notConfigured());
    }

    /** @param pushEndpoints registers the tokens of {@code PUT /v1/users/{id}} (SNS on AWS, local ids locally) */
    public NudgeApi api(PushEndpoints pushEndpoints) {
        return io.nudge.api.CampaignRoutes.install(coreApi(pushEndpoints), segments(), java.util.Optional.empty(), stats);
    }

    /** With campaign routes, without push. */
    public NudgeApi api(Scheduler scheduler, io.nudge.campaigns.CampaignRunner runner) {
        return api(PushEndpoints.notConfigured(), scheduler, runner);
    }

    /** The API with campaign routes: saving a campaign keeps its schedule, running one goes through {@code runner}. */
    public NudgeApi api(PushEndpoints pushEndpoints, Scheduler scheduler, io.nudge.campaigns.CampaignRunner runner) {
        return io.nudge.api.CampaignRoutes.install(coreApi(pushEndpoints), segments(),
                java.util.Optional.of(campaigns(scheduler, runner)), stats);
    }

    private NudgeApi coreApi(PushEndpoints pushEndpoints) {
        return io.nudge.api.PrivacyRoutes.install(new NudgeApi(apiKeys, new UserService(users, clock, pushEndpoints), new EventIngest(events, clock),
                new DefinitionService(definitions, clock), messages, events, suppressions, stats, unsubscribe.tokens(), clock), personalData(pushEndpoints));
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
                new ReentryStore(dynamo, tables.state(), definitions)), clock);
    }

    public io.nudge.campaigns.CampaignService campaigns(Scheduler scheduler, io.nudge.campaigns.CampaignRunner runner) {
        return new io.nudge.campaigns.CampaignService(definitions, scheduler, runner, clock);
    }

    /** run-campaign's service; {@code runner} continues a run that runs out of time. */
    public io.nudge.campaigns.CampaignRunService campaignRun(io.nudge.campaigns.CampaignRunner runner, int scanSegments) {
        return campaignRun(runner, scanSegments, io.nudge.campaigns.CampaignRunService.DEFAULT_PUT_CONCURRENCY);
    }

    /** @param putConcurrency writes in flight per scan segment */
    public io.nudge.campaigns.CampaignRunService campaignRun(io.nudge.campaigns.CampaignRunner runner, int scanSegments, int putConcurrency) {
        return new io.nudge.campaigns.CampaignRunService(dynamo, tables.users(), tables.state(), definitions, messages, activity(),
                stats, runner, clock, scanSegments, putConcurrency);
    }

    public EvaluateService evaluate() {
        return new EvaluateService(new TriggerCatalog(definitions), users, messages, events,
                new ReentryStore(dynamo, tables.state()), markers(), stats, clock)
                .withSegments(new io.nudge.segments.SegmentMembership(activity(), new io.nudge.segments.SegmentCatalog(definitions),
                        new io.nudge.campaigns.GoalConversions(definitions, dynamo, tables.state(), stats, clock), clock));
    }

    /** process-feedback's service; {@code phoneOptIn} is SNS OptInPhoneNumber on AWS. */
    public io.nudge.feedback.FeedbackService feedback(io.nudge.feedback.PhoneOptIn phoneOptIn) {
        return new io.nudge.feedback.FeedbackService(messages, users, new UserService(users, clock), suppressions, stats,
                new io.nudge.feedback.FeedbackLedger(dynamo, tables.state()), markers(),
                new io.nudge.feedback.SoftBounces(dynamo, tables.state()), phoneOptIn, clock);
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
        return new SlotService(new SlotStore(dynamo, tables.slots()), messages, scheduler, clock);
    }

    /** With the guards' defaults (no configuration). */
    public DeliverService deliver(EmailSender email, SmsSender sms, String emailFrom) {
        return deliver(email, sms, emailFrom, GuardSettings.defaults());
    }

    /** Without push: a push message fails as "push is not configured". */
    public DeliverService deliver(EmailSender email, SmsSender sms, String emailFrom, GuardSettings guards) {
        return deliver(email, sms, PushSender.notConfigured(), PushEndpoints.notConfigured(), emailFrom, guards);
    }

    /** With the guards' defaults (no configuration). */
    public DeliverService deliver(EmailSender email, SmsSender sms, PushSender push, PushEndpoints pushEndpoints, String emailFrom) {
        return deliver(email, sms, push, pushEndpoints, emailFrom, GuardSettings.defaults());
    }

    /** @param pushEndpoints deletes the endpoints of devices the provider reports disabled */
    public DeliverService deliver(EmailSender email, SmsSender sms, PushSender push, PushEndpoints pushEndpoints, String emailFrom,
            GuardSettings guards) {
        return new DeliverService(messages, users, new UserService(users, clock, pushEndpoints), new TemplateCatalog(definitions),
                new TriggerCatalog(definitions), suppressions, new FrequencyCaps(dynamo, tables.state(), guards.caps()),
                new RateLimits(dynamo, tables.state(), guards.rates()), guards, stats, unsubscribe, email, sms, push, emailFrom, clock);
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

    /** The sweep on AWS: a READY message waits as long as a claim before it is handed to deliver again. */
    public Sweep sweep(Duration grace) {
        return sweep(grace, grace, Duration.ofSeconds(Math.max(120, 2 * messages.slotWidth().toSeconds())));
    }

    public Sweep sweep(Duration grace, Duration readyGrace, Duration slotGrace) {
        return sweep(grace, readyGrace, slotGrace, SWEEP_PER_SHARD);
    }

    public Sweep sweep(Duration grace, Duration readyGrace, Duration slotGrace, int perShard) {
        return new Sweep(messages, stats, new SlotReleaser(new SlotStore(dynamo, tables.slots()), messages, clock), clock,
                grace, readyGrace, slotGrace, perShard);
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
