package io.nudge.aws;

import io.nudge.campaigns.CampaignRunService;
import io.nudge.config.Env;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The one place that creates AWS SDK clients. Call once per cold start and keep the client.
 *
 * <p>Region comes from {@code AWS_REGION} explicitly (no region provider chain to walk at cold start). No endpoint
 * is set on the Lambda clients, so the SDK's own {@code AWS_ENDPOINT_URL} / {@code AWS_ENDPOINT_URL_<SERVICE>}
 * (and the system properties {@code aws.endpointUrl} / {@code aws.endpointUrl<Service>}) point them at LocalStack
 * or a fake. The SDK reads those from the real environment only, not from the map given here.
 *
 * <p>The variants taking a map read configuration from it instead of the process environment, so tests can vary it.
 */
public final class AwsClients {
    /** The SDK's own environment variable for the region; Lambda always sets it. */
    public static final String AWS_REGION = "AWS_REGION";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    // Long enough for SES/SNS on a bad day; past it a send becomes UNKNOWN, so not much shorter.
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
    private static final Region LOCAL_REGION = Region.US_EAST_1;
    private static final int PROVIDER_MAX_ATTEMPTS = 3;
    static final String MAX_CONNECTIONS = "http.maxConnections";
    /**
     * Idle connections per host that the JDK's HTTP client (under the SDK's UrlConnectionHttpClient) keeps alive. Its
     * default, 5, closes the rest, so a campaign run (scan segments × puts in flight each) would pay a new TLS
     * connection for most puts.
     */
    static final int KEEP_ALIVE_CONNECTIONS =
            CampaignRunService.DEFAULT_SCAN_SEGMENTS * (CampaignRunService.DEFAULT_PUT_CONCURRENCY + 1);

    private AwsClients() {}

    public static DynamoDbClient dynamoDb() {
        return dynamoDb(System.getenv());
    }

    public static DynamoDbClient dynamoDb(Map<String, String> env) {
        // Every DynamoDB write is conditional, so the SDK's default retries (5xx, timeouts) are safe here.
        return DynamoDbClient.builder()
                .region(region(env))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(httpClient())
                .build();
    }

    public static SesV2Client sesV2() {
        return sesV2(System.getenv());
    }

    public static SesV2Client sesV2(Map<String, String> env) {
        return SesV2Client.builder()
                .region(region(env))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(httpClient())
                .overrideConfiguration(c -> c.retryStrategy(providerRetries()))
                .build();
    }

    public static SnsClient sns() {
        return sns(System.getenv());
    }

    public static SnsClient sns(Map<String, String> env) {
        return SnsClient.builder()
                .region(region(env))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(httpClient())
                .overrideConfiguration(c -> c.retryStrategy(providerRetries()))
                .build();
    }

    /** PutEvents of the stream out's optional bus (emit-events only: the SDK is in its jar alone). */
    public static software.amazon.awssdk.services.eventbridge.EventBridgeClient eventBridge(Map<String, String> env) {
        return software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder()
                .region(region(env))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(httpClient())
                .build();
    }

    public static SchedulerClient scheduler() {
        return scheduler(System.getenv());
    }

    /** For asynchronous invocations (InvocationType=Event) of run-campaign. */
    public static software.amazon.awssdk.services.lambda.LambdaClient lambda(Map<String, String> env) {
        return software.amazon.awssdk.services.lambda.LambdaClient.builder()
                .region(region(env))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(httpClient())
                .build();
    }

    public static SchedulerClient scheduler(Map<String, String> env) {
        // The SDK's default retries (5xx, timeouts) are safe here: a repeated CreateSchedule meets the schedule of
        // the same name (ConflictException, read as "already exists"); UpdateSchedule and DeleteSchedule repeat harmlessly.
        return SchedulerClient.builder()
                .region(region(env))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(httpClient())
                .build();
    }

    /** DynamoDB Local (tests, local mode): dummy credentials, us-east-1 unless {@code AWS_REGION} says otherwise. */
    public static DynamoDbClient dynamoDbAt(URI endpoint) {
        return dynamoDbAt(endpoint, System.getenv());
    }

    public static DynamoDbClient dynamoDbAt(URI endpoint, Map<String, String> env) {
        return dynamoDbAt(endpoint, env, List.of());
    }

    /** With SDK interceptors, e.g. one that asks every call for its consumed capacity (bench/, cost per unit of work). */
    public static DynamoDbClient dynamoDbAt(URI endpoint, Map<String, String> env, List<ExecutionInterceptor> interceptors) {
        Objects.requireNonNull(endpoint, "endpoint");
        Region region = Env.optional(env, AWS_REGION).map(Region::of).orElse(LOCAL_REGION);
        return DynamoDbClient.builder()
                .region(region)
                .endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(httpClient())
                .overrideConfiguration(c -> c.executionInterceptors(List.copyOf(interceptors)))
                .build();
    }

    /** The streams API of DynamoDB Local: the local runner reads it as Lambda's event source mappings read DynamoDB Streams. */
    public static DynamoDbStreamsClient dynamoDbStreamsAt(URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        Region region = Env.optional(System.getenv(), AWS_REGION).map(Region::of).orElse(LOCAL_REGION);
        return DynamoDbStreamsClient.builder()
                .region(region)
                .endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(httpClient())
                .build();
    }

    /**
     * Retries for SES and SNS sends, which must reach the provider at most once. Only failures where the provider
     * certainly did not take the message are retried ({@link Failures#certainlyNotTaken}): throttling, HTTP 503,
     * clock skew, and requests that never left. The SDK's defaults would also retry HTTP 500/502/504 answers and read
     * timeouts, which can send an email twice, so they are not added ({@code useClientDefaults(false)}).
     */
    static RetryStrategy providerRetries() {
        return StandardRetryStrategy.builder()
                .maxAttempts(PROVIDER_MAX_ATTEMPTS)
                .retryOnException(Failures::certainlyNotTaken)
                .treatAsThrottling(Failures::isThrottling)
                .useClientDefaults(false)
                .build();
    }

    private static Region region(Map<String, String> env) {
        return Region.of(Env.require(env, AWS_REGION));
    }

    /**
     * JVM-wide: the JDK reads {@code http.maxConnections} once, when its keep-alive cache is first used, so it is set
     * here, before the first client is built; a value given on the command line (or by a test) is left alone.
     */
    static void keepConnectionsAlive() {
        if (System.getProperty(MAX_CONNECTIONS) == null) {
            System.setProperty(MAX_CONNECTIONS, Integer.toString(KEEP_ALIVE_CONNECTIONS));
        }
    }

    private static UrlConnectionHttpClient.Builder httpClient() {
        keepConnectionsAlive();
        return UrlConnectionHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT).socketTimeout(SOCKET_TIMEOUT);
    }
}
