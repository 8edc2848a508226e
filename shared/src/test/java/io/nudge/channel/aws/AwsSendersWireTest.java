package io.nudge.channel.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.nudge.channel.PushPlatform;
import io.nudge.channel.SendOutcome;
import io.nudge.json.Json;
import io.nudge.model.Priority;
import io.nudge.testing.WireTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The adapters with real SDK clients against WireMock speaking the real wire formats: SES v2 is REST-JSON, SNS is
 * the AWS Query protocol (form-encoded POST, XML answers) in SDK 2.40.2. Retries are off so each case is one call.
 */
class AwsSendersWireTest extends WireTest {
    static final String SES_PATH = "/v2/email/outbound-emails";

    @Test
    void ses_receives_the_email_as_rest_json_and_its_message_id_comes_back() throws IOException {
        wire.stubFor(post(urlEqualTo(SES_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"MessageId\":\"0100018f-wire-0001\"}")));

        try (SesV2Client client = ses(wireEndpoint(), Duration.ofSeconds(5))) {
            SendOutcome outcome = new SesEmailSender(client, "nudge-events").send(SesEmailSenderTest.both());

            assertThat(outcome).isEqualTo(new SendOutcome.Accepted("0100018f-wire-0001"));
        }
        List<LoggedRequest> requests = wire.findAll(postRequestedFor(urlEqualTo(SES_PATH)));
        assertThat(requests).hasSize(1);
        LoggedRequest request = requests.getFirst();
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        assertThat(request.getHeader("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDWIRE/")
                .contains("/us-east-1/ses/aws4_request");
        JsonNode body = Json.parse(request.getBodyAsString());
        assertThat(body.path("FromEmailAddress").asText()).isEqualTo("Nudge <hello@nudge.example>");
        assertThat(body.path("Destination").path("ToAddresses")).hasSize(1);
        assertThat(body.path("Destination").path("ToAddresses").get(0).asText()).isEqualTo(SesEmailSenderTest.TO);
        JsonNode simple = body.path("Content").path("Simple");
        assertThat(simple.path("Subject").path("Data").asText()).isEqualTo("Grüße, Ada");
        assertThat(simple.path("Subject").path("Charset").asText()).isEqualTo("UTF-8");
        assertThat(simple.path("Body").path("Html").path("Data").asText()).isEqualTo("<p>Hallo <b>Ada</b></p>");
        assertThat(simple.path("Body").path("Html").path("Charset").asText()).isEqualTo("UTF-8");
        assertThat(simple.path("Body").path("Text").path("Data").asText()).isEqualTo("Hallo Ada");
        assertThat(simple.path("Body").path("Text").path("Charset").asText()).isEqualTo("UTF-8");
        assertThat(body.path("ConfigurationSetName").asText()).isEqualTo("nudge-events");
        assertThat(body.path("EmailTags")).isEqualTo(Json.parse("""
                [{"Name":"nudge_message_id","Value":"k7q2m4x5ab3cdefghij6klmnop"},
                 {"Name":"nudge_trigger_id","Value":"welcome_series-1"}]"""));
    }

    @Test
    void ses_suppression_list_rejection_comes_back_suppressed_by_provider_from_its_error_code() {
        wire.stubFor(post(urlEqualTo(SES_PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-amzn-ErrorType", "MessageRejected")
                .withBody("{\"message\":\"Email address is on the suppression list for your account.\"}")));

        try (SesV2Client client = ses(wireEndpoint(), Duration.ofSeconds(5))) {
            SendOutcome outcome = new SesEmailSender(client, "nudge-events").send(SesEmailSenderTest.both());

            assertThat(outcome).isEqualTo(new SendOutcome.Rejected(SendOutcome.Rejection.SUPPRESSED_BY_PROVIDER,
                    "Email address is on the suppression list for your account."));
        }
    }

    @Test
    void ses_message_rejected_comes_back_rejected_in_its_own_words_without_the_address() {
        wire.stubFor(post(urlEqualTo(SES_PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-amzn-ErrorType", "MessageRejected")
                .withBody("{\"message\":\"Email address is not verified. The following identities failed the check"
                        + " in region US-EAST-1: " + SesEmailSenderTest.TO + "\"}")));

        try (SesV2Client client = ses(wireEndpoint(), Duration.ofSeconds(5))) {
            SendOutcome outcome = new SesEmailSender(client, "nudge-events").send(SesEmailSenderTest.both());

            assertThat(outcome).isEqualTo(new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, "Email address is not verified. The following"
                    + " identities failed the check in region US-EAST-1: <recipient>"));
        }
    }

    @Test
    void ses_internal_error_comes_back_unknown() {
        wire.stubFor(post(urlEqualTo(SES_PATH)).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-amzn-ErrorType", "InternalFailure")
                .withBody("{\"message\":\"An internal error occurred.\"}")));

        try (SesV2Client client = ses(wireEndpoint(), Duration.ofSeconds(5))) {
            SendOutcome outcome = new SesEmailSender(client, "nudge-events").send(SesEmailSenderTest.both());

            assertThat(outcome).isInstanceOf(SendOutcome.Unknown.class);
        }
    }

    @Test
    void ses_that_answers_too_late_comes_back_unknown() {
        wire.stubFor(post(urlEqualTo(SES_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"MessageId\":\"too-late\"}")
                .withFixedDelay(1_500)));

        try (SesV2Client client = ses(wireEndpoint(), Duration.ofMillis(200))) {
            SendOutcome outcome = new SesEmailSender(client, "nudge-events").send(SesEmailSenderTest.both());

            assertThat(outcome).isInstanceOf(SendOutcome.Unknown.class);
        }
        assertThat(wire.findAll(postRequestedFor(urlEqualTo(SES_PATH)))).hasSize(1);
    }

    @Test
    void ses_behind_a_closed_port_comes_back_retryable() throws IOException {
        try (SesV2Client client = ses(closedPortEndpoint(), Duration.ofSeconds(5))) {
            SendOutcome outcome = new SesEmailSender(client, "nudge-events").send(SesEmailSenderTest.both());

            assertThat(outcome).isInstanceOf(SendOutcome.Unavailable.class);
        }
    }

    @Test
    void ses_whose_listener_never_accepts_the_connection_times_out_connecting_and_comes_back_retryable() throws IOException {
        // A listener with a backlog of 1, filled: the kernel drops further SYNs, so the connect times out the way an
        // unreachable endpoint does. Nothing was written, so sending again cannot make a second copy.
        try (ServerSocket full = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                java.net.Socket first = new java.net.Socket();
                java.net.Socket second = new java.net.Socket()) {
            first.connect(full.getLocalSocketAddress(), 1_000);
            second.connect(full.getLocalSocketAddress(), 1_000);
            URI endpoint = URI.create("http://127.0.0.1:" + full.getLocalPort());
            try (SesV2Client client = SesV2Client.builder()
                    .region(Region.US_EAST_1)
                    .endpointOverride(endpoint)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDWIRE", "secret")))
                    .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofMillis(300)))
                    .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                    .build()) {
                SendOutcome outcome = new SesEmailSender(client, "nudge-events").send(SesEmailSenderTest.both());

                assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Unavailable.class,
                        r -> assertThat(r.reason()).contains("could not connect").contains("SocketTimeoutException"));
            }
        }
    }

    @Test
    void sns_receives_a_query_protocol_publish_and_its_message_id_comes_back() {
        wire.stubFor(post(urlEqualTo("/"))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withRequestBody(containing("Action=Publish"))
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "text/xml")
                        .withBody("""
                                <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
                                  <PublishResult><MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId></PublishResult>
                                  <ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId></ResponseMetadata>
                                </PublishResponse>""")));

        try (SnsClient client = sns(wireEndpoint())) {
            SendOutcome outcome = new SnsSmsSender(client, Optional.of("Nudge"), Optional.empty())
                    .send(SnsSmsSenderTest.sms(Priority.TRANSACTIONAL));

            assertThat(outcome).isEqualTo(new SendOutcome.Accepted("94f20ce6-13c5-43a0-9a9e-ca52d816e90b"));
        }
        List<LoggedRequest> requests = wire.findAll(postRequestedFor(urlEqualTo("/")));
        assertThat(requests).hasSize(1);
        assertThat(requests.getFirst().getHeader("Authorization")).contains("/us-east-1/sns/aws4_request");
        Map<String, String> form = form(requests.getFirst().getBodyAsString());
        assertThat(form).containsEntry("Action", "Publish")
                .containsEntry("Version", "2010-03-31")
                .containsEntry("PhoneNumber", SnsSmsSenderTest.TO)
                .containsEntry("Message", "Your cart misses you: 2 items");
        assertThat(attributes(form)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "AWS.SNS.SMS.SMSType", "String:Transactional",
                "AWS.SNS.SMS.SenderID", "String:Nudge"));
    }

    @Test
    void sns_throttling_comes_back_retryable() {
        wire.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "text/xml")
                .withBody(snsError("Throttled", "Rate exceeded"))));

        try (SnsClient client = sns(wireEndpoint())) {
            SendOutcome outcome = new SnsSmsSender(client, Optional.empty(), Optional.empty())
                    .send(SnsSmsSenderTest.sms(Priority.MARKETING));

            assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Throttled.class,
                    r -> assertThat(r.reason()).contains("Rate exceeded"));
        }
    }

    @Test
    void sns_invalid_parameter_comes_back_rejected_without_the_number() {
        wire.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "text/xml")
                .withBody(snsError("InvalidParameter",
                        "Invalid parameter: PhoneNumber Reason: " + SnsSmsSenderTest.TO + " is not valid to publish to"))));

        try (SnsClient client = sns(wireEndpoint())) {
            SendOutcome outcome = new SnsSmsSender(client, Optional.empty(), Optional.empty())
                    .send(SnsSmsSenderTest.sms(Priority.MARKETING));

            assertThat(outcome).isEqualTo(new SendOutcome.Rejected(SendOutcome.Rejection.INVALID_ADDRESS,
                    "Invalid parameter: PhoneNumber Reason: <recipient> is not valid to publish to"));
        }
    }

    @Test
    void sns_opted_out_comes_back_rejected_as_opted_out_from_its_error_code() {
        wire.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "text/xml")
                .withBody(snsError("OptedOut", "Phone number is opted out"))));

        try (SnsClient client = sns(wireEndpoint())) {
            SendOutcome outcome = new SnsSmsSender(client, Optional.empty(), Optional.empty())
                    .send(SnsSmsSenderTest.sms(Priority.MARKETING));

            assertThat(outcome).isEqualTo(new SendOutcome.Rejected(SendOutcome.Rejection.OPTED_OUT, "Phone number is opted out"));
        }
    }

    @Test
    void sns_receives_a_json_structured_push_publish_to_the_endpoint_without_attributes() throws IOException {
        wire.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=Publish"))
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "text/xml")
                        .withBody("""
                                <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
                                  <PublishResult><MessageId>6b1c2d3e-push-wire-0001</MessageId></PublishResult>
                                  <ResponseMetadata><RequestId>a187a3c1-376f-11df-8963-01868b7c937a</RequestId></ResponseMetadata>
                                </PublishResponse>""")));

        try (SnsClient client = sns(wireEndpoint())) {
            SendOutcome outcome = new SnsPushSender(client).send(SnsPushSenderTest.push(PushPlatform.FCM));

            assertThat(outcome).isEqualTo(new SendOutcome.Accepted("6b1c2d3e-push-wire-0001"));
        }
        List<LoggedRequest> requests = wire.findAll(postRequestedFor(urlEqualTo("/")));
        assertThat(requests).hasSize(1);
        Map<String, String> form = form(requests.getFirst().getBodyAsString());
        assertThat(form).containsOnlyKeys("Action", "Version", "TargetArn", "MessageStructure", "Message");
        assertThat(form).containsEntry("Action", "Publish")
                .containsEntry("Version", "2010-03-31")
                .containsEntry("TargetArn", SnsPushSenderTest.ENDPOINT)
                .containsEntry("MessageStructure", "json");
        JsonNode message = Json.parse(form.get("Message"));
        assertThat(message.path("default").asText()).isEqualTo("Your cart misses you");
        assertThat(Json.parse(message.path("GCM").asText())).isEqualTo(Json.parse("""
                {"fcmV1Message":{"message":{"notification":{"title":"Still thinking?","body":"Your cart misses you"},
                 "data":{"cartId":"c-42"}}}}"""));
    }

    @Test
    void sns_already_exists_answer_for_a_token_gives_back_the_existing_endpoint() {
        String existing = "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/nudge-android/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";
        wire.stubFor(post(urlEqualTo("/"))
                .withRequestBody(containing("Action=CreatePlatformEndpoint"))
                .willReturn(aResponse().withStatus(400)
                        .withHeader("Content-Type", "text/xml")
                        .withBody(snsError("InvalidParameter", "Invalid parameter: Token Reason: Endpoint " + existing
                                + " already exists with the same Token, but different attributes."))));

        try (SnsClient client = sns(wireEndpoint())) {
            String arn = new SnsPushEndpoints(client, Map.of(PushPlatform.FCM, SnsPushEndpointsTest.FCM_APP))
                    .register(PushPlatform.FCM, SnsPushEndpointsTest.TOKEN, "user-43");

            assertThat(arn).isEqualTo(existing);
        }
        Map<String, String> form = form(wire.findAll(postRequestedFor(urlEqualTo("/"))).getFirst().getBodyAsString());
        assertThat(form).containsEntry("PlatformApplicationArn", SnsPushEndpointsTest.FCM_APP)
                .containsEntry("Token", SnsPushEndpointsTest.TOKEN)
                .containsEntry("CustomUserData", "user-43");
    }

    static String snsError(String code, String message) {
        return """
                <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
                  <Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>
                  <RequestId>9dd01905-5012-5f99-8663-4b3ecd0dfaef</RequestId>
                </ErrorResponse>""".formatted(code, message);
    }

    /** Query protocol maps: MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue. */
    static Map<String, String> attributes(Map<String, String> form) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int n = 1; form.containsKey("MessageAttributes.entry." + n + ".Name"); n++) {
            String prefix = "MessageAttributes.entry." + n;
            attributes.put(form.get(prefix + ".Name"),
                    form.get(prefix + ".Value.DataType") + ":" + form.get(prefix + ".Value.StringValue"));
        }
        return attributes;
    }

    static SesV2Client ses(URI endpoint, Duration socketTimeout) {
        return pointedAt(SesV2Client.builder(), endpoint, socketTimeout);
    }

    static SnsClient sns(URI endpoint) {
        return pointedAt(SnsClient.builder(), endpoint);
    }
}
