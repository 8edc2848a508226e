package io.nudge.wiring;

import io.nudge.api.NudgeApi;
import io.nudge.aws.AwsClients;
import io.nudge.channel.PushPlatform;
import io.nudge.channel.aws.AwsChannelSettings;
import io.nudge.channel.aws.SnsPushEndpoints;
import io.nudge.config.Env;
import io.nudge.config.Tables;
import io.nudge.deliver.DeliverService;
import io.nudge.unsubscribe.KeyRing;
import io.nudge.unsubscribe.UnsubscribeLinks;
import io.nudge.unsubscribe.UnsubscribeTokens;
import io.nudge.guards.GuardSettings;
import io.nudge.scheduling.ScheduleRequest;
import io.nudge.scheduling.Scheduler;
import io.nudge.scheduling.aws.EventBridgeScheduler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;

/** What a Lambda cold start builds from its environment: real clients, checked configuration. */
public final class LambdaEnvironment {
    public static final String EMAIL_FROM = AwsChannelSettings.EMAIL_FROM;
    public static final String SES_CONFIGURATION_SET = AwsChannelSettings.SES_CONFIGURATION_SET;
    public static final String SMS_SENDER_ID = AwsChannelSettings.SMS_SENDER_ID;
    public static final String SMS_ORIGINATION_NUMBER = AwsChannelSettings.SMS_ORIGINATION_NUMBER;
    public static final String SCHEDULE_GROUP = "NUDGE_SCHEDULE_GROUP";
    public static final String SCHEDULER_ROLE_ARN = "NUDGE_SCHEDULER_ROLE_ARN";
    public static final String SCHEDULE_DLQ_ARN = "NUDGE_SCHEDULE_DLQ_ARN";
    public static final String SCHEDULE_TARGET_ARN = "NUDGE_SCHEDULE_TARGET_ARN";
    /**
     * The EventBridge bus emit-events also puts every event on (empty: none). Every function reads it: with a bus,
     * each change is recorded for the stream out whether or not a webhook subscription wants it.
     */
    public static final String EVENT_BUS = "NUDGE_EVENT_BUS";
    /**
     * Read by every function: the tables, the slot width (evaluate and deliver schedule, schedule-sends releases), the
     * unsubscribe keys, and how long dead letters are kept (every function may write one).
     */
    public static final List<String> COMMON_ENVIRONMENT = concat(Tables.ENVIRONMENT,
            List.of(io.nudge.config.SlotWidth.ENV, KeyRing.VARIABLE, io.nudge.config.DeadLetterRetention.ENV, EVENT_BUS));
    /** NUDGE_PUSH_APP_ARN_FCM, _APNS, _APNS_SANDBOX: the SNS platform applications; each is optional (push off). */
    // Spelled out rather than asked of SnsPushEndpoints: this class is loaded by functions without the SNS SDK.
    public static final List<String> PUSH_ENVIRONMENT = Arrays.stream(PushPlatform.values())
            .map(platform -> "NUDGE_PUSH_APP_ARN_" + platform.name()).toList();
    /** ingest-api registers the tokens of PUT /v1/users/{id} as platform endpoints. */
    public static final List<String> INGEST_ENVIRONMENT = concat(COMMON_ENVIRONMENT, PUSH_ENVIRONMENT);
    /** deliver also deletes the endpoints of devices SNS reports disabled. */
    public static final List<String> DELIVER_ENVIRONMENT = concat(concat(concat(COMMON_ENVIRONMENT,
            List.of(EMAIL_FROM, SES_CONFIGURATION_SET, SMS_SENDER_ID, SMS_ORIGINATION_NUMBER, UnsubscribeLinks.BASE_URL)),
            GuardSettings.ENVIRONMENT), PUSH_ENVIRONMENT);
    /** emit-events posts to the subscriptions' URLs, under the webhook channel's destination rules. */
    public static final List<String> EMIT_EVENTS_ENVIRONMENT = concat(COMMON_ENVIRONMENT,
            List.of(io.nudge.channel.webhook.WebhookDestinations.ALLOW_HOSTS_ENV));
    public static final List<String> SCHEDULE_SENDS_ENVIRONMENT = concat(COMMON_ENVIRONMENT,
            List.of(SCHEDULE_GROUP, SCHEDULER_ROLE_ARN, SCHEDULE_DLQ_ARN, SCHEDULE_TARGET_ARN));

    /** run-campaign's ARN: the target of campaign schedules, and the only function ingest-api and run-campaign invoke. */
    public static final String RUN_CAMPAIGN_FUNCTION = "NUDGE_RUN_CAMPAIGN_FUNCTION";
    /** run-campaign: the tables, and itself (it continues a long run in a fresh asynchronous invocation). */
    public static final List<String> RUN_CAMPAIGN_ENVIRONMENT = concat(COMMON_ENVIRONMENT, List.of(RUN_CAMPAIGN_FUNCTION));
    /** ingest-api: the tables, push applications (tokens), and what saving a campaign (its schedule) and running one need. */
    public static final List<String> INGEST_API_ENVIRONMENT = concat(INGEST_ENVIRONMENT,
            List.of(SCHEDULE_GROUP, SCHEDULER_ROLE_ARN, SCHEDULE_DLQ_ARN, RUN_CAMPAIGN_FUNCTION, io.nudge.ratelimit.RateLimit.VARIABLE));

    private LambdaEnvironment() {}

    /** Asynchronous invocations of run-campaign. */
    public static io.nudge.campaigns.CampaignRunner campaignRunner(Map<String, String> env) {
        return new io.nudge.campaigns.aws.LambdaCampaignRunner(AwsClients.lambda(env), Env.require(env, RUN_CAMPAIGN_FUNCTION));
    }

    /** EventBridge Scheduler for campaign schedules (recurring; they invoke run-campaign). */
    public static Scheduler campaignScheduler(Map<String, String> env) {
        return new EventBridgeScheduler(AwsClients.scheduler(env), new EventBridgeScheduler.Config(
                Env.require(env, SCHEDULE_GROUP), Env.require(env, SCHEDULER_ROLE_ARN), Env.require(env, SCHEDULE_DLQ_ARN),
                Map.of(ScheduleRequest.Target.RUN_CAMPAIGN, Env.require(env, RUN_CAMPAIGN_FUNCTION)),
                CAMPAIGN_RETRY_ATTEMPTS, CAMPAIGN_MAX_EVENT_AGE_SECONDS));
    }

    /** A campaign fire that keeps failing is retried for up to 6 hours; the same run id makes retries harmless. */
    private static final int CAMPAIGN_RETRY_ATTEMPTS = 20;
    private static final int CAMPAIGN_MAX_EVENT_AGE_SECONDS = 6 * 3600;

    /**
     * How long a function reuses the definitions version it read: one strongly consistent read a second instead of
     * one per catalog (triggers, templates, segments, campaign goals) per batch; a definition saved through the API
     * reaches the functions at most this much later.
     */
    public static final java.time.Duration DEFINITIONS_VERSION_MAX_AGE = java.time.Duration.ofSeconds(1);

    public static Services services(Map<String, String> env) {
        // Only deliver builds links, so only deliver must have the base URL (checked in deliver(...) at init);
        // the API only verifies tokens. The HTTP API's own URL cannot be passed to ingest-api without a cycle.
        Services services = Services.builder(AwsClients.dynamoDb(env), Tables.fromEnvironment(env))
                .clock(Clock.systemUTC())
                .slotWidth(io.nudge.config.SlotWidth.fromEnvironment(env))
                .unsubscribe(new UnsubscribeLinks(new UnsubscribeTokens(KeyRing.fromEnvironment(env)), () -> Env.require(env, UnsubscribeLinks.BASE_URL)))
                .deadLetterRetention(io.nudge.config.DeadLetterRetention.fromEnvironment(env))
                .guards(GuardSettings.fromEnvironment(env))
                .webhookDestinations(io.nudge.channel.webhook.WebhookDestinations.fromEnvironment(env))
                .eventBus(eventBus(env).isPresent())
                .build();
        services.definitions().cacheVersionFor(DEFINITIONS_VERSION_MAX_AGE);
        return services;
    }

    /** {@value #EVENT_BUS}, when set. */
    public static java.util.Optional<String> eventBus(Map<String, String> env) {
        return java.util.Optional.ofNullable(env.get(EVENT_BUS)).map(String::strip).filter(name -> !name.isEmpty());
    }

    public static DeliverService deliver(Services services, Map<String, String> env) {
        Env.require(env, UnsubscribeLinks.BASE_URL);
        SnsClient sns = AwsClients.sns(env);
        return services.deliver(channelSettings(env).channels(AwsClients.sesV2(env), sns)
                .withWebhook(new io.nudge.channel.webhook.HttpWebhookSender(services.webhookDestinations(), services.clock())),
                GuardSettings.fromEnvironment(env));
    }

    /** deliver's SES/SNS settings; the local runner's {@code --channels aws} reads the same. */
    public static AwsChannelSettings channelSettings(Map<String, String> env) {
        return AwsChannelSettings.fromEnvironment(env);
    }

    /**
     * The HTTP API, registering push tokens as SNS platform endpoints of the configured applications; per-key rate
     * limits held across instances in the State table ({@link io.nudge.ratelimit.SharedRateLimiter}).
     */
    public static NudgeApi api(Services services, Map<String, String> env) {
        return services.api(ApiSettings.defaults().withPush(pushEndpoints(AwsClients.sns(env), env))
                        .withCampaigns(campaignScheduler(env), campaignRunner(env)))
                .limitRate(new io.nudge.ratelimit.SharedRateLimiter(services.dynamo(), services.tables().state(), services.clock()),
                        io.nudge.ratelimit.RateLimit.fromEnvironment(env));
    }

    private static SnsPushEndpoints pushEndpoints(SnsClient sns, Map<String, String> env) {
        return new SnsPushEndpoints(sns, SnsPushEndpoints.applicationArns(env));
    }

    /** process-feedback: the stores, and SNS for OptInPhoneNumber (it needs no configuration beyond the tables). */
    public static io.nudge.feedback.FeedbackService feedback(Services services, Map<String, String> env) {
        return services.feedback(new io.nudge.feedback.aws.SnsPhoneOptIn(AwsClients.sns(env)));
    }

    /** EventBridge Scheduler, creating schedules in the stack's group that invoke schedule-sends' live alias. */
    public static Scheduler scheduler(Map<String, String> env) {
        return new EventBridgeScheduler(AwsClients.scheduler(env), new EventBridgeScheduler.Config(
                Env.require(env, SCHEDULE_GROUP), Env.require(env, SCHEDULER_ROLE_ARN), Env.require(env, SCHEDULE_DLQ_ARN),
                Map.of(ScheduleRequest.Target.SCHEDULE_SENDS, Env.require(env, SCHEDULE_TARGET_ARN)),
                SLOT_RETRY_ATTEMPTS, SLOT_MAX_EVENT_AGE_SECONDS));
    }

    /** A slot invocation that keeps failing is retried for an hour; later slots also release what it held. */
    private static final int SLOT_RETRY_ATTEMPTS = 20;
    private static final int SLOT_MAX_EVENT_AGE_SECONDS = 3600;

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> names = new ArrayList<>(a);
        names.addAll(b);
        return List.copyOf(names);
    }
}
