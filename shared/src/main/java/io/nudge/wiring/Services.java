package io.nudge.wiring;

import io.nudge.api.NudgeApi;
import io.nudge.channel.EmailSender;
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

    public Services(DynamoDbClient dynamo, Tables tables, Clock clock, Duration slotWidth, UnsubscribeLinks unsubscribe) {
        this.unsubscribe = unsubscribe;
        this.dynamo = dynamo;
        this.tables = tables;
        this.clock = clock;
        this.users = new UserStore(dynamo, tables.users());
        this.events = new EventStore(dynamo, tables.events(), EVENT_RETENTION);
        this.messages = new MessageStore(dynamo, tables.messages(), slotWidth);
        this.definitions = new DefinitionStore(dynamo, tables.definitions());
        this.deadLetters = new DeadLetterStore(dynamo, tables.deadLetters());
        this.suppressions = new SuppressionStore(dynamo, tables.suppressions());
        this.stats = new StatsStore(dynamo, tables.stats());
        this.apiKeys = new ApiKeys(new ApiKeyStore(dynamo, tables.apiKeys()), clock);
    }

    public NudgeApi api() {
        return io.nudge.api.CampaignRoutes.install(coreApi(), segments(), java.util.Optional.empty(), stats);
    }

    /** The API with campaign routes: saving a campaign keeps its schedule, running one goes through {@code runner}. */
    public NudgeApi api(Scheduler scheduler, io.nudge.campaigns.CampaignRunner runner) {
        return io.nudge.api.CampaignRoutes.install(coreApi(), segments(), java.util.Optional.of(campaigns(scheduler, runner)), stats);
    }

    private NudgeApi coreApi() {
        return new NudgeApi(apiKeys, new UserService(users, clock), new EventIngest(events, clock),
                new DefinitionService(definitions, clock), messages, events, suppressions, stats, unsubscribe.tokens(), clock);
    }

    public io.nudge.campaigns.CampaignService campaigns(Scheduler scheduler, io.nudge.campaigns.CampaignRunner runner) {
        return new io.nudge.campaigns.CampaignService(definitions, scheduler, runner, clock);
    }

    /** run-campaign's service; {@code runner} continues a run that runs out of time. */
    public io.nudge.campaigns.CampaignRunService campaignRun(io.nudge.campaigns.CampaignRunner runner, int scanSegments) {
        return new io.nudge.campaigns.CampaignRunService(dynamo, tables.users(), tables.state(), definitions, messages, activity(),
                stats, runner, clock, scanSegments);
    }

    public EvaluateService evaluate() {
        return new EvaluateService(new TriggerCatalog(definitions), users, messages, events,
                new ReentryStore(dynamo, tables.state()), stats, clock)
                .withSegments(new io.nudge.segments.SegmentMembership(activity(), new io.nudge.segments.SegmentCatalog(definitions),
                        new io.nudge.campaigns.GoalConversions(definitions, dynamo, tables.state(), stats, clock), clock));
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

    public DeliverService deliver(EmailSender email, SmsSender sms, String emailFrom, GuardSettings guards) {
        return new DeliverService(messages, users, new UserService(users, clock), new TemplateCatalog(definitions),
                new TriggerCatalog(definitions), suppressions, new FrequencyCaps(dynamo, tables.state(), guards.caps()),
                new RateLimits(dynamo, tables.state(), guards.rates()), guards, stats, unsubscribe, email, sms, emailFrom, clock);
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

    public Sweep sweep(Duration grace) {
        return new Sweep(messages, stats, clock, grace);
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
