package io.nudge.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.nudge.channel.EmailMessage;
import io.nudge.channel.SendOutcome;
import io.nudge.channel.SmsMessage;
import io.nudge.channel.aws.SesEmailSender;
import io.nudge.channel.aws.SnsSmsSender;
import io.nudge.model.Priority;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The SDK reads {@code AWS_ENDPOINT_URL} and {@code AWS_ENDPOINT_URL_<SERVICE>} only from the real environment,
 * which a running JVM cannot change; it reads the documented system property equivalents ({@code aws.endpointUrl},
 * {@code aws.endpointUrlSns}, ...) first, through the same code path. These tests set those properties, and
 * credentials through {@code aws.accessKeyId} / {@code aws.secretAccessKey}, the first link of the default chain.
 */
class AwsClientsTest {
    static final WireMockServer wire = new WireMockServer(options().dynamicPort());
    static final String SES_PATH = "/v2/email/outbound-emails";
    static final List<String> PROPERTIES = List.of(
            "aws.endpointUrl", "aws.endpointUrlSns", "aws.accessKeyId", "aws.secretAccessKey");
    final Map<String, String> saved = new HashMap<>();

    @BeforeAll
    static void start() {
        wire.start();
    }

    @AfterAll
    static void stop() {
        wire.stop();
    }

    @BeforeEach
    void credentialsFromTheDefaultChain() {
        wire.resetAll();
        for (String name : PROPERTIES) {
            saved.put(name, System.getProperty(name));
        }
        System.setProperty("aws.accessKeyId", "AKIDFROMCHAIN");
        System.setProperty("aws.secretAccessKey", "secret");
    }

    @AfterEach
    void restoreProperties() {
        saved.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }

    @Test
    void lambda_clients_take_their_region_from_AWS_REGION() {
        Map<String, String> env = Map.of("AWS_REGION", "eu-central-1");
        try (DynamoDbClient dynamo = AwsClients.dynamoDb(env);
                SesV2Client ses = AwsClients.sesV2(env);
                SnsClient sns = AwsClients.sns(env);
                SchedulerClient scheduler = AwsClients.scheduler(env)) {
            assertThat(dynamo.serviceClientConfiguration().region()).isEqualTo(Region.EU_CENTRAL_1);
            assertThat(ses.serviceClientConfiguration().region()).isEqualTo(Region.EU_CENTRAL_1);
            assertThat(sns.serviceClientConfiguration().region()).isEqualTo(Region.EU_CENTRAL_1);
            assertThat(scheduler.serviceClientConfiguration().region()).isEqualTo(Region.EU_CENTRAL_1);
        }
    }

    @Test
    void a_missing_AWS_REGION_fails_at_init_naming_the_variable() {
        assertThatThrownBy(() -> AwsClients.sesV2(Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AWS_REGION");
    }

    @Test
    void ses_client_sends_where_aws_endpoint_url_points_with_default_chain_credentials() {
        System.setProperty("aws.endpointUrl", wireUrl());
        stubSesAccepting();

        try (SesV2Client ses = AwsClients.sesV2(Map.of("AWS_REGION", "us-west-2"))) {
            assertThat(new SesEmailSender(ses, "nudge-events").send(email()))
                    .isEqualTo(new SendOutcome.Accepted("0100018f-endpoint"));
        }
        List<LoggedRequest> requests = wire.findAll(postRequestedFor(urlEqualTo(SES_PATH)));
        assertThat(requests).hasSize(1);
        assertThat(requests.getFirst().getHeader("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDFROMCHAIN/")
                .contains("/us-west-2/ses/aws4_request");
    }

    @Test
    void sns_client_sends_where_its_service_specific_endpoint_url_points() {
        System.setProperty("aws.endpointUrlSns", wireUrl());
        stubSnsPublish();

        try (SnsClient sns = AwsClients.sns(Map.of("AWS_REGION", "us-east-1"))) {
            assertThat(new SnsSmsSender(sns, Optional.empty(), Optional.empty()).send(sms()))
                    .isEqualTo(new SendOutcome.Accepted("sns-endpoint-1"));
        }
        wire.verify(1, postRequestedFor(urlEqualTo("/")));
    }

    @Test
    void dynamodb_client_sends_where_aws_endpoint_url_points() {
        System.setProperty("aws.endpointUrl", wireUrl());
        stubListTables();

        try (DynamoDbClient dynamo = AwsClients.dynamoDb(Map.of("AWS_REGION", "us-east-1"))) {
            assertThat(dynamo.listTables().tableNames()).containsExactly("Messages");
        }
        wire.verify(1, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("DynamoDB_20120810.ListTables")));
    }

    @Test
    void dynamodb_local_client_signs_with_local_credentials_in_us_east_1() {
        stubListTables();

        try (DynamoDbClient dynamo = AwsClients.dynamoDbAt(URI.create(wireUrl()), Map.of())) {
            assertThat(dynamo.listTables().tableNames()).containsExactly("Messages");
            assertThat(dynamo.serviceClientConfiguration().region()).isEqualTo(Region.US_EAST_1);
        }
        assertThat(wire.findAll(postRequestedFor(urlEqualTo("/"))).getFirst().getHeader("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=local/")
                .contains("/us-east-1/dynamodb/aws4_request");
    }

    @Test
    void dynamodb_local_client_follows_AWS_REGION_when_set() {
        try (DynamoDbClient dynamo = AwsClients.dynamoDbAt(URI.create(wireUrl()), Map.of("AWS_REGION", "eu-west-1"))) {
            assertThat(dynamo.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
        }
    }

    @Test
    void provider_clients_never_resend_after_a_server_error() {
        System.setProperty("aws.endpointUrl", wireUrl());
        wire.stubFor(post(urlEqualTo(SES_PATH)).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-amzn-ErrorType", "InternalServiceErrorException")
                .withBody("{\"message\":\"Internal failure\"}")));

        try (SesV2Client ses = AwsClients.sesV2(Map.of("AWS_REGION", "us-east-1"))) {
            assertThat(new SesEmailSender(ses, "nudge-events").send(email())).isInstanceOf(SendOutcome.Unknown.class);
        }
        // The SDK's default strategy would have sent it three times.
        wire.verify(1, postRequestedFor(urlEqualTo(SES_PATH)));
    }

    @Test
    void provider_clients_retry_service_unavailable_until_it_passes() {
        System.setProperty("aws.endpointUrl", wireUrl());
        wire.stubFor(post(urlEqualTo(SES_PATH)).inScenario("unavailable once").whenScenarioStateIs(STARTED)
                .willSetStateTo("up")
                .willReturn(aResponse().withStatus(503)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"Service Unavailable\"}")));
        wire.stubFor(post(urlEqualTo(SES_PATH)).inScenario("unavailable once").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"MessageId\":\"0100018f-after-503\"}")));

        try (SesV2Client ses = AwsClients.sesV2(Map.of("AWS_REGION", "us-east-1"))) {
            assertThat(new SesEmailSender(ses, "nudge-events").send(email()))
                    .isEqualTo(new SendOutcome.Accepted("0100018f-after-503"));
        }
        wire.verify(2, postRequestedFor(urlEqualTo(SES_PATH)));
    }

    @Test
    void provider_clients_retry_ses_throttling_until_it_passes() {
        System.setProperty("aws.endpointUrl", wireUrl());
        wire.stubFor(post(urlEqualTo(SES_PATH)).inScenario("throttled once").whenScenarioStateIs(STARTED)
                .willSetStateTo("calm")
                .willReturn(aResponse().withStatus(429)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("x-amzn-ErrorType", "TooManyRequestsException")
                        .withBody("{\"message\":\"Maximum sending rate exceeded.\"}")));
        wire.stubFor(post(urlEqualTo(SES_PATH)).inScenario("throttled once").whenScenarioStateIs("calm")
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"MessageId\":\"0100018f-after-throttle\"}")));

        try (SesV2Client ses = AwsClients.sesV2(Map.of("AWS_REGION", "us-east-1"))) {
            assertThat(new SesEmailSender(ses, "nudge-events").send(email()))
                    .isEqualTo(new SendOutcome.Accepted("0100018f-after-throttle"));
        }
        wire.verify(2, postRequestedFor(urlEqualTo(SES_PATH)));
    }

    @Test
    void provider_clients_retry_sns_throttled_which_the_sdk_alone_would_not() {
        System.setProperty("aws.endpointUrl", wireUrl());
        wire.stubFor(post(urlEqualTo("/")).inScenario("throttled once").whenScenarioStateIs(STARTED)
                .willSetStateTo("calm")
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "text/xml").withBody("""
                        <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
                          <Error><Type>Sender</Type><Code>Throttled</Code><Message>Rate exceeded</Message></Error>
                          <RequestId>9dd01905-5012-5f99-8663-4b3ecd0dfaef</RequestId>
                        </ErrorResponse>""")));
        wire.stubFor(post(urlEqualTo("/")).inScenario("throttled once").whenScenarioStateIs("calm")
                .willReturn(snsPublished()));

        try (SnsClient sns = AwsClients.sns(Map.of("AWS_REGION", "us-east-1"))) {
            assertThat(new SnsSmsSender(sns, Optional.empty(), Optional.empty()).send(sms()))
                    .isEqualTo(new SendOutcome.Accepted("sns-endpoint-1"));
        }
        wire.verify(2, postRequestedFor(urlEqualTo("/")));
    }

    static void stubSesAccepting() {
        wire.stubFor(post(urlEqualTo(SES_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"MessageId\":\"0100018f-endpoint\"}")));
    }

    static void stubSnsPublish() {
        wire.stubFor(post(urlEqualTo("/")).willReturn(snsPublished()));
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder snsPublished() {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody("""
                <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
                  <PublishResult><MessageId>sns-endpoint-1</MessageId></PublishResult>
                  <ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId></ResponseMetadata>
                </PublishResponse>""");
    }

    static void stubListTables() {
        wire.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("DynamoDB_20120810.ListTables"))
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody("{\"TableNames\":[\"Messages\"]}")));
    }

    static String wireUrl() {
        return "http://localhost:" + wire.port();
    }

    static EmailMessage email() {
        return new EmailMessage("k7q2m4x5ab3cdefghij6klmnop", "welcome", "hello@nudge.example", "ada@example.org",
                "Hello", Optional.empty(), Optional.of("Hello Ada"), Priority.TRANSACTIONAL);
    }

    static SmsMessage sms() {
        return new SmsMessage("k7q2m4x5ab3cdefghij6klmnop", "welcome", "+14155550123", "Hello Ada", Priority.TRANSACTIONAL);
    }
}
