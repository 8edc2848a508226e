package io.nudge.channel.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.channel.PushMessage;
import io.nudge.channel.PushPlatform;
import io.nudge.channel.SendOutcome;
import io.nudge.model.Priority;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.model.AuthorizationErrorException;
import software.amazon.awssdk.services.sns.model.EndpointDisabledException;
import software.amazon.awssdk.services.sns.model.InternalErrorException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.InvalidParameterValueException;
import software.amazon.awssdk.services.sns.model.KmsThrottlingException;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.PlatformApplicationDisabledException;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sns.model.ThrottledException;

class SnsPushSenderTest {
    static final String ENDPOINT =
            "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/nudge-android/5e3c2a1b-0d9f-3e4a-8b7c-6d5e4f3a2b1c";

    static PushMessage push(PushPlatform platform) {
        return new PushMessage("k7q2m4x5ab3cdefghij6klmnop", "cart-reminder", ENDPOINT, platform,
                "Still thinking?", "Your cart misses you", Map.of("cartId", "c-42"), Priority.MARKETING);
    }

    final FakeSns sns = new FakeSns();
    final SnsPushSender sender = new SnsPushSender(sns);

    @Test
    void push_is_published_to_the_endpoint_as_a_json_structured_message_without_attributes() {
        sender.send(push(PushPlatform.FCM));

        assertThat(sns.requests).containsExactly(PublishRequest.builder()
                .targetArn(ENDPOINT)
                .messageStructure("json")
                .message("{\"default\":\"Your cart misses you\",\"GCM\":\"{\\\"fcmV1Message\\\":{\\\"message\\\":"
                        + "{\\\"notification\\\":{\\\"title\\\":\\\"Still thinking?\\\",\\\"body\\\":"
                        + "\\\"Your cart misses you\\\"},\\\"data\\\":{\\\"cartId\\\":\\\"c-42\\\"}}}}\"}")
                .build());
        PublishRequest request = sns.requests.getFirst();
        assertThat(request.hasMessageAttributes()).isFalse();
        assertThat(request.phoneNumber()).isNull();
        assertThat(request.topicArn()).isNull();
    }

    @Test
    void apns_push_carries_only_the_apns_key() {
        sender.send(push(PushPlatform.APNS));

        assertThat(sns.requests.getFirst().message()).isEqualTo("{\"default\":\"Your cart misses you\",\"APNS\":"
                + "\"{\\\"aps\\\":{\\\"alert\\\":{\\\"title\\\":\\\"Still thinking?\\\",\\\"body\\\":"
                + "\\\"Your cart misses you\\\"}},\\\"cartId\\\":\\\"c-42\\\"}\"}");
    }

    @Test
    void accepted_push_carries_the_sns_message_id() {
        sns.answering("0f1e2d3c-push-0001");

        assertThat(sender.send(push(PushPlatform.APNS))).isEqualTo(new SendOutcome.Accepted("0f1e2d3c-push-0001"));
    }

    @Test
    void an_answer_without_message_id_is_unknown() {
        sns.answering(" ");

        assertThat(sender.send(push(PushPlatform.FCM))).isInstanceOf(SendOutcome.Unknown.class);
    }

    static Stream<Arguments> dead_endpoints() {
        return Stream.of(
                Arguments.of(EndpointDisabledException.builder().message("Endpoint is disabled").statusCode(400).build(),
                        "Endpoint is disabled"),
                Arguments.of(InvalidParameterException.builder()
                        .message("Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified")
                        .statusCode(400).build(),
                        "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified"),
                Arguments.of(NotFoundException.builder().message("Endpoint does not exist").statusCode(404).build(),
                        "Endpoint does not exist"));
    }

    @ParameterizedTest
    @MethodSource("dead_endpoints")
    void a_disabled_or_missing_endpoint_is_endpoint_disabled(RuntimeException failure, String words) {
        sns.failingWith(failure);

        assertThat(sender.send(push(PushPlatform.FCM))).isEqualTo(new SendOutcome.EndpointDisabled(words));
    }

    static Stream<Arguments> refusals_of_the_message() {
        return Stream.of(
                Arguments.of(InvalidParameterException.builder()
                        .message("Invalid parameter: Message too long").statusCode(400).build(),
                        "Invalid parameter: Message too long"),
                Arguments.of(InvalidParameterValueException.builder()
                        .message("Invalid parameter: Message Structure - JSON message body failed to parse")
                        .statusCode(400).build(),
                        "Invalid parameter: Message Structure - JSON message body failed to parse"),
                Arguments.of(PlatformApplicationDisabledException.builder()
                        .message("Platform application is disabled").statusCode(400).build(),
                        "Platform application is disabled"),
                Arguments.of(SnsException.builder().message("Some other client error").statusCode(400).build(),
                        "Some other client error"));
    }

    @ParameterizedTest
    @MethodSource("refusals_of_the_message")
    void refusals_of_the_message_or_of_our_app_are_rejected_and_keep_the_token(RuntimeException failure, String words) {
        sns.failingWith(failure);

        assertThat(sender.send(push(PushPlatform.FCM))).isEqualTo(new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, words));
    }

    @Test
    void throttling_is_retryable() {
        sns.failingWith(ThrottledException.builder().message("Rate exceeded").statusCode(400).build());

        assertThat(sender.send(push(PushPlatform.FCM))).isInstanceOfSatisfying(SendOutcome.Throttled.class,
                r -> assertThat(r.reason()).contains("Rate exceeded"));
    }

    @Test
    void kms_throttling_is_retryable() {
        sns.failingWith(KmsThrottlingException.builder().message("KMS rate exceeded").statusCode(400).build());

        assertThat(sender.send(push(PushPlatform.FCM))).isInstanceOf(SendOutcome.Throttled.class);
    }

    @Test
    void missing_permission_is_retryable_because_the_fix_is_in_our_role() {
        sns.failingWith(AuthorizationErrorException.builder().message("not authorized to publish").statusCode(403).build());

        assertThat(sender.send(push(PushPlatform.FCM))).isInstanceOf(SendOutcome.Unavailable.class);
    }

    @Test
    void an_internal_error_is_unknown_because_sns_may_have_sent_it() {
        sns.failingWith(InternalErrorException.builder().message("Internal error").statusCode(500).build());

        assertThat(sender.send(push(PushPlatform.FCM))).isInstanceOf(SendOutcome.Unknown.class);
    }

    @Test
    void a_read_timeout_is_unknown() {
        sns.failingWith(SdkClientException.builder().cause(new SocketTimeoutException("Read timed out")).build());

        assertThat(sender.send(push(PushPlatform.FCM))).isInstanceOf(SendOutcome.Unknown.class);
    }

    @Test
    void a_refused_connection_is_retryable() {
        sns.failingWith(SdkClientException.builder().cause(new ConnectException("Connection refused")).build());

        assertThat(sender.send(push(PushPlatform.FCM))).isInstanceOf(SendOutcome.Unavailable.class);
    }

    @Test
    void no_reason_names_the_endpoint() {
        sns.failingWith(EndpointDisabledException.builder().message("Endpoint " + ENDPOINT + " is disabled")
                .statusCode(400).build());

        assertThat(sender.send(push(PushPlatform.FCM))).isEqualTo(new SendOutcome.EndpointDisabled("Endpoint <recipient> is disabled"));
    }
}
