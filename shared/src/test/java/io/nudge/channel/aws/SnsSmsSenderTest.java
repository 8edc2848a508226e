package io.nudge.channel.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.channel.SendOutcome;
import io.nudge.channel.SmsMessage;
import io.nudge.model.Priority;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.Optional;
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
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.OptedOutException;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sns.model.ThrottledException;

class SnsSmsSenderTest {
    static final String TO = "+14155550123";

    static SmsMessage sms(Priority priority) {
        return new SmsMessage("k7q2m4x5ab3cdefghij6klmnop", "cart-reminder", TO, "Your cart misses you: 2 items", priority);
    }

    final FakeSns sns = new FakeSns();
    final SnsSmsSender plain = new SnsSmsSender(sns, Optional.empty(), Optional.empty());

    @Test
    void transactional_sms_is_published_to_the_number_as_transactional() {
        plain.send(sms(Priority.TRANSACTIONAL));

        assertThat(sns.requests).containsExactly(PublishRequest.builder()
                .phoneNumber(TO)
                .message("Your cart misses you: 2 items")
                .messageAttributes(Map.of("AWS.SNS.SMS.SMSType", string("Transactional")))
                .build());
        PublishRequest request = sns.requests.getFirst();
        assertThat(request.phoneNumber()).isEqualTo(TO);
        assertThat(request.message()).isEqualTo("Your cart misses you: 2 items");
        assertThat(request.topicArn()).isNull();
        assertThat(request.targetArn()).isNull();
        assertThat(request.messageAttributes()).containsOnlyKeys("AWS.SNS.SMS.SMSType");
        assertThat(request.messageAttributes().get("AWS.SNS.SMS.SMSType").dataType()).isEqualTo("String");
        assertThat(request.messageAttributes().get("AWS.SNS.SMS.SMSType").stringValue()).isEqualTo("Transactional");
    }

    @Test
    void marketing_sms_is_sent_as_promotional() {
        plain.send(sms(Priority.MARKETING));

        assertThat(sns.requests.getFirst().messageAttributes())
                .containsExactly(Map.entry("AWS.SNS.SMS.SMSType", string("Promotional")));
    }

    @Test
    void configured_sender_id_and_origination_number_are_sent_as_attributes() {
        SnsSmsSender sender = new SnsSmsSender(sns, Optional.of("Nudge"), Optional.of("+12065550100"));

        sender.send(sms(Priority.TRANSACTIONAL));

        assertThat(sns.requests.getFirst().messageAttributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "AWS.SNS.SMS.SMSType", string("Transactional"),
                "AWS.SNS.SMS.SenderID", string("Nudge"),
                "AWS.MM.SMS.OriginationNumber", string("+12065550100")));
    }

    @Test
    void a_sender_id_alone_is_sent_without_an_origination_number() {
        new SnsSmsSender(sns, Optional.of("Nudge"), Optional.empty()).send(sms(Priority.MARKETING));

        assertThat(sns.requests.getFirst().messageAttributes())
                .containsOnlyKeys("AWS.SNS.SMS.SMSType", "AWS.SNS.SMS.SenderID");
    }

    @Test
    void malformed_sender_id_or_origination_number_fails_at_construction() {
        assertThatThrownBy(() -> new SnsSmsSender(sns, Optional.of("Nudge Messaging"), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("senderId");
        assertThatThrownBy(() -> new SnsSmsSender(sns, Optional.of("12345"), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("senderId");
        assertThatThrownBy(() -> new SnsSmsSender(sns, Optional.empty(), Optional.of("2065550100")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("originationNumber");
    }

    @Test
    void accepted_sms_carries_the_sns_message_id() {
        sns.answering("e3b0c442-98fc-1c14");

        assertThat(plain.send(sms(Priority.TRANSACTIONAL))).isEqualTo(new SendOutcome.Accepted("e3b0c442-98fc-1c14"));
    }

    static Stream<Arguments> permanent_refusals() {
        return Stream.of(
                Arguments.of(InvalidParameterException.builder()
                        .message("Invalid parameter: PhoneNumber Reason: " + TO + " is not valid to publish to")
                        .statusCode(400).build(),
                        "Invalid parameter: PhoneNumber Reason: <recipient> is not valid to publish to", SendOutcome.Rejection.INVALID_ADDRESS),
                Arguments.of(InvalidParameterValueException.builder()
                        .message("Invalid parameter: Message too long").statusCode(400).build(),
                        "Invalid parameter: Message too long", SendOutcome.Rejection.OTHER),
                Arguments.of(EndpointDisabledException.builder().message("Endpoint is disabled").statusCode(400).build(),
                        "Endpoint is disabled", SendOutcome.Rejection.OTHER),
                Arguments.of(OptedOutException.builder().message("Phone number is opted out").statusCode(400).build(),
                        "Phone number is opted out", SendOutcome.Rejection.OPTED_OUT),
                Arguments.of(AuthorizationErrorException.builder()
                        .message("No origination entities available to send").statusCode(403).build(),
                        "No origination entities available to send", SendOutcome.Rejection.OTHER));
    }

    @ParameterizedTest
    @MethodSource("permanent_refusals")
    void permanent_refusals_are_rejected_in_the_providers_words_with_their_kind(RuntimeException refusal, String words,
            SendOutcome.Rejection kind) {
        sns.failingWith(refusal);

        assertThat(plain.send(sms(Priority.TRANSACTIONAL))).isEqualTo(new SendOutcome.Rejected(kind, words));
    }

    @Test
    void throttling_is_retryable() {
        sns.failingWith(ThrottledException.builder().message("Rate exceeded").statusCode(400).build());

        assertThat(plain.send(sms(Priority.MARKETING))).isInstanceOfSatisfying(SendOutcome.Throttled.class,
                r -> assertThat(r.reason()).contains("Rate exceeded"));
    }

    @Test
    void kms_throttling_is_retryable() {
        sns.failingWith(KmsThrottlingException.builder().message("KMS rate exceeded").statusCode(400).build());

        assertThat(plain.send(sms(Priority.MARKETING))).isInstanceOf(SendOutcome.Throttled.class);
    }

    @Test
    void an_internal_error_is_unknown_because_sns_may_have_sent_it() {
        sns.failingWith(InternalErrorException.builder().message("Internal error").statusCode(500).build());

        assertThat(plain.send(sms(Priority.MARKETING))).isInstanceOf(SendOutcome.Unknown.class);
    }

    @Test
    void a_bad_gateway_is_unknown() {
        sns.failingWith(SnsException.builder().message("Bad Gateway").statusCode(502).build());

        assertThat(plain.send(sms(Priority.MARKETING))).isInstanceOf(SendOutcome.Unknown.class);
    }

    @Test
    void service_unavailable_is_retryable_because_sns_refused_the_work_before_starting_it() {
        sns.failingWith(SnsException.builder().message("Service Unavailable").statusCode(503).build());

        assertThat(plain.send(sms(Priority.MARKETING))).isInstanceOf(SendOutcome.Unavailable.class);
    }

    @Test
    void a_validation_error_is_rejected_for_good() {
        sns.failingWith(SnsException.builder().statusCode(400)
                .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                        .errorCode("ValidationException").errorMessage("1 validation error detected").build())
                .build());

        assertThat(plain.send(sms(Priority.MARKETING))).isEqualTo(new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, "1 validation error detected"));
    }

    @Test
    void a_connect_timeout_is_retryable_and_a_read_timeout_is_not() {
        sns.failingWith(SdkClientException.builder().cause(new SocketTimeoutException("Connect timed out")).build());
        assertThat(plain.send(sms(Priority.MARKETING))).isInstanceOf(SendOutcome.Unavailable.class);

        sns.failingWith(SdkClientException.builder().cause(new SocketTimeoutException("Read timed out")).build());
        assertThat(plain.send(sms(Priority.MARKETING))).isInstanceOf(SendOutcome.Unknown.class);
    }

    @Test
    void a_read_timeout_is_unknown() {
        sns.failingWith(SdkClientException.builder().cause(new SocketTimeoutException("Read timed out")).build());

        assertThat(plain.send(sms(Priority.MARKETING))).isInstanceOf(SendOutcome.Unknown.class);
    }

    @Test
    void a_refused_connection_is_retryable() {
        sns.failingWith(SdkClientException.builder().cause(new ConnectException("Connection refused")).build());

        assertThat(plain.send(sms(Priority.MARKETING))).isInstanceOf(SendOutcome.Unavailable.class);
    }

    @Test
    void no_reason_ever_names_the_phone_number() {
        Stream<RuntimeException> failures = Stream.of(
                InvalidParameterException.builder().message("bad number " + TO).statusCode(400).build(),
                InvalidParameterException.builder().message("bad number 14155550123").statusCode(400).build(),
                OptedOutException.builder().message("+44 7700 900123 opted out").statusCode(400).build(),
                ThrottledException.builder().message("slow down for " + TO).statusCode(400).build(),
                InternalErrorException.builder().message("failed for " + TO).statusCode(500).build());
        failures.forEach(failure -> {
            SendOutcome outcome = new SnsSmsSender(new FakeSns().failingWith(failure), Optional.empty(), Optional.empty())
                    .send(sms(Priority.TRANSACTIONAL));
            assertThat(outcome.toString()).doesNotContain(TO).doesNotContain("4155550123").doesNotContain("7700 900123");
        });
    }

    static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
