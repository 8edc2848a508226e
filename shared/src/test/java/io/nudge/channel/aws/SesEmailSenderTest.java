package io.nudge.channel.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.channel.EmailMessage;
import io.nudge.channel.SendOutcome;
import io.nudge.model.Priority;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sesv2.model.AccountSuspendedException;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.Content;
import software.amazon.awssdk.services.sesv2.model.Destination;
import software.amazon.awssdk.services.sesv2.model.EmailContent;
import software.amazon.awssdk.services.sesv2.model.InternalServiceErrorException;
import software.amazon.awssdk.services.sesv2.model.LimitExceededException;
import software.amazon.awssdk.services.sesv2.model.MailFromDomainNotVerifiedException;
import software.amazon.awssdk.services.sesv2.model.Message;
import software.amazon.awssdk.services.sesv2.model.MessageHeader;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.MessageTag;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SendingPausedException;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

class SesEmailSenderTest {
    static final String TO = "ada.lovelace@example.org";
    static final String MESSAGE_ID = "k7q2m4x5ab3cdefghij6klmnop";

    static EmailMessage email(Optional<String> html, Optional<String> text) {
        return new EmailMessage(MESSAGE_ID, "welcome_series-1", "Nudge <hello@nudge.example>", TO,
                "Grüße, Ada", html, text, Priority.MARKETING);
    }

    static EmailMessage both() {
        return email(Optional.of("<p>Hallo <b>Ada</b></p>"), Optional.of("Hallo Ada"));
    }

    final FakeSes ses = new FakeSes();
    final SesEmailSender sender = new SesEmailSender(ses, "nudge-events");

    @Test
    void email_is_sent_as_one_simple_utf8_ses_message_with_configuration_set_and_id_tags() {
        sender.send(both());

        assertThat(ses.requests).hasSize(1);
        SendEmailRequest request = ses.requests.getFirst();
        assertThat(request.fromEmailAddress()).isEqualTo("Nudge <hello@nudge.example>");
        assertThat(request.destination().toAddresses()).containsExactly(TO);
        assertThat(request.destination().hasCcAddresses()).isFalse();
        assertThat(request.destination().hasBccAddresses()).isFalse();
        Message simple = request.content().simple();
        assertThat(simple.subject().data()).isEqualTo("Grüße, Ada");
        assertThat(simple.subject().charset()).isEqualTo("UTF-8");
        assertThat(simple.body().html().data()).isEqualTo("<p>Hallo <b>Ada</b></p>");
        assertThat(simple.body().html().charset()).isEqualTo("UTF-8");
        assertThat(simple.body().text().data()).isEqualTo("Hallo Ada");
        assertThat(simple.body().text().charset()).isEqualTo("UTF-8");
        assertThat(request.content().raw()).isNull();
        assertThat(request.content().template()).isNull();
        assertThat(request.configurationSetName()).isEqualTo("nudge-events");
        assertThat(request.emailTags()).containsExactly(
                MessageTag.builder().name("nudge_message_id").value(MESSAGE_ID).build(),
                MessageTag.builder().name("nudge_trigger_id").value("welcome_series-1").build());
        // Nothing else is set: the whole request equals one written out by hand.
        assertThat(request).isEqualTo(SendEmailRequest.builder()
                .fromEmailAddress("Nudge <hello@nudge.example>")
                .destination(Destination.builder().toAddresses(TO).build())
                .content(EmailContent.builder().simple(Message.builder()
                        .subject(utf8("Grüße, Ada"))
                        .body(Body.builder().html(utf8("<p>Hallo <b>Ada</b></p>")).text(utf8("Hallo Ada")).build())
                        .build()).build())
                .configurationSetName("nudge-events")
                .emailTags(MessageTag.builder().name("nudge_message_id").value(MESSAGE_ID).build(),
                        MessageTag.builder().name("nudge_trigger_id").value("welcome_series-1").build())
                .build());
    }

    static final String UNSUBSCRIBE = "https://nudge.example/v1/unsubscribe?token=v1.k2.dXNlci00MgBlbWFpbA.sig-_9";

    @Test
    void an_email_with_an_unsubscribe_url_carries_one_click_list_unsubscribe_headers() {
        sender.send(new EmailMessage(MESSAGE_ID, "welcome_series-1", "Nudge <hello@nudge.example>", TO, "Grüße, Ada",
                Optional.empty(), Optional.of("Hallo Ada"), Priority.MARKETING, Optional.of(UNSUBSCRIBE)));

        assertThat(ses.requests).containsExactly(SendEmailRequest.builder()
                .fromEmailAddress("Nudge <hello@nudge.example>")
                .destination(Destination.builder().toAddresses(TO).build())
                .content(EmailContent.builder().simple(Message.builder()
                        .subject(utf8("Grüße, Ada"))
                        .body(Body.builder().text(utf8("Hallo Ada")).build())
                        .headers(MessageHeader.builder().name("List-Unsubscribe").value("<" + UNSUBSCRIBE + ">").build(),
                                MessageHeader.builder().name("List-Unsubscribe-Post").value("List-Unsubscribe=One-Click").build())
                        .build()).build())
                .configurationSetName("nudge-events")
                .emailTags(MessageTag.builder().name("nudge_message_id").value(MESSAGE_ID).build(),
                        MessageTag.builder().name("nudge_trigger_id").value("welcome_series-1").build())
                .build());
    }

    @Test
    void an_email_without_an_unsubscribe_url_has_no_custom_headers() {
        sender.send(both());

        assertThat(both().unsubscribeUrl()).isEmpty();
        assertThat(ses.requests.getFirst().content().simple().hasHeaders()).isFalse();
    }

    @Test
    void html_only_email_has_no_text_part() {
        sender.send(email(Optional.of("<p>Hi</p>"), Optional.empty()));

        Body body = ses.requests.getFirst().content().simple().body();
        assertThat(body.html().data()).isEqualTo("<p>Hi</p>");
        assertThat(body.text()).isNull();
    }

    @Test
    void text_only_email_has_no_html_part() {
        sender.send(email(Optional.empty(), Optional.of("Hi")));

        Body body = ses.requests.getFirst().content().simple().body();
        assertThat(body.text().data()).isEqualTo("Hi");
        assertThat(body.html()).isNull();
    }

    @Test
    void accepted_email_carries_the_ses_message_id() {
        ses.answering("0100018f2b-abc");

        assertThat(sender.send(both())).isEqualTo(new SendOutcome.Accepted("0100018f2b-abc"));
    }

    @Test
    void an_answer_without_message_id_is_unknown_because_ses_may_have_sent_it() {
        ses.answering(null);

        assertThat(sender.send(both())).isInstanceOf(SendOutcome.Unknown.class);
    }

    @Test
    void tag_values_outside_the_ses_alphabet_are_replaced() {
        assertThat(SesEmailSender.tagValue("trigger with spaces/and:colons")).isEqualTo("trigger_with_spaces_and_colons");
        assertThat(SesEmailSender.tagValue("ok-id_1.2@x")).isEqualTo("ok-id_1.2@x");
        assertThat(SesEmailSender.tagValue("")).isEqualTo("_");
        assertThat(SesEmailSender.tagValue("x".repeat(300))).hasSize(256);
    }

    @Test
    void a_blank_configuration_set_fails_at_construction() {
        assertThatThrownBy(() -> new SesEmailSender(ses, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("configurationSetName");
    }

    static Stream<Arguments> permanent_refusals() {
        return Stream.of(
                Arguments.of(MessageRejectedException.builder()
                        .message("Email address is not verified. The following identities failed the check in region "
                                + "US-EAST-1: " + TO).statusCode(400).build(),
                        "Email address is not verified. The following identities failed the check in region "
                                + "US-EAST-1: <recipient>", SendOutcome.Rejection.OTHER),
                Arguments.of(MailFromDomainNotVerifiedException.builder()
                        .message("MAIL FROM domain is not verified.").statusCode(400).build(),
                        "MAIL FROM domain is not verified.", SendOutcome.Rejection.OTHER),
                Arguments.of(AccountSuspendedException.builder()
                        .message("Your account has been suspended.").statusCode(400).build(),
                        "Your account has been suspended.", SendOutcome.Rejection.OTHER),
                Arguments.of(SendingPausedException.builder()
                        .message("Sending is paused for this configuration set.").statusCode(400).build(),
                        "Sending is paused for this configuration set.", SendOutcome.Rejection.OTHER),
                Arguments.of(BadRequestException.builder()
                        .message("Missing final '@domain'").statusCode(400).build(),
                        "Missing final '@domain'", SendOutcome.Rejection.INVALID_ADDRESS),
                Arguments.of(NotFoundException.builder()
                        .message("Configuration set <nudge-events> does not exist.").statusCode(404).build(),
                        "Configuration set <nudge-events> does not exist.", SendOutcome.Rejection.OTHER));
    }

    @ParameterizedTest
    @MethodSource("permanent_refusals")
    void permanent_refusals_are_rejected_in_the_providers_words_with_their_kind(RuntimeException refusal, String words,
            SendOutcome.Rejection kind) {
        ses.failingWith(refusal);

        assertThat(sender.send(both())).isEqualTo(new SendOutcome.Rejected(kind, words));
    }

    @Test
    void an_address_on_the_ses_suppression_list_is_rejected_as_suppressed_by_the_provider() {
        ses.failingWith(MessageRejectedException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("MessageRejected")
                        .errorMessage("Email address is on the suppression list.").build())
                .statusCode(400).build());

        assertThat(sender.send(both())).isEqualTo(new SendOutcome.Rejected(SendOutcome.Rejection.SUPPRESSED_BY_PROVIDER,
                "Email address is on the suppression list."));
    }

    @Test
    void throttling_is_retryable() {
        ses.failingWith(TooManyRequestsException.builder().message("Maximum sending rate exceeded.").statusCode(429).build());

        assertThat(sender.send(both())).isInstanceOfSatisfying(SendOutcome.Throttled.class,
                r -> assertThat(r.reason()).contains("Maximum sending rate exceeded."));
    }

    @Test
    void a_throttling_error_code_on_a_generic_exception_is_retryable() {
        ses.failingWith(SesV2Exception.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("Throttling").errorMessage("Rate exceeded").build())
                .build());

        assertThat(sender.send(both())).isInstanceOf(SendOutcome.Throttled.class);
    }

    @Test
    void an_exhausted_sending_quota_is_retryable() {
        ses.failingWith(LimitExceededException.builder().message("Daily message quota exceeded.").statusCode(400).build());

        assertThat(sender.send(both())).isInstanceOfSatisfying(SendOutcome.Throttled.class,
                r -> assertThat(r.reason()).contains("Daily message quota exceeded."));
    }

    @Test
    void a_server_error_after_retries_is_unknown_because_ses_may_have_sent_it() {
        ses.failingWith(InternalServiceErrorException.builder().message("Internal failure").statusCode(500).build());

        assertThat(sender.send(both())).isInstanceOfSatisfying(SendOutcome.Unknown.class,
                u -> assertThat(u.reason()).contains("500"));
    }

    @Test
    void service_unavailable_is_retryable_because_ses_refused_the_work_before_starting_it() {
        ses.failingWith(SesV2Exception.builder().message("Service Unavailable").statusCode(503).build());

        assertThat(sender.send(both())).isInstanceOfSatisfying(SendOutcome.Unavailable.class,
                r -> assertThat(r.reason()).contains("unavailable"));
    }

    @Test
    void a_service_unavailable_code_is_retryable_whatever_the_status() {
        ses.failingWith(SesV2Exception.builder().statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ServiceUnavailable").errorMessage("try later").build())
                .build());

        assertThat(sender.send(both())).isInstanceOf(SendOutcome.Unavailable.class);
    }

    @Test
    void a_bad_gateway_or_gateway_timeout_is_unknown_because_the_backend_may_have_sent_it() {
        ses.failingWith(SesV2Exception.builder().message("Bad Gateway").statusCode(502).build());
        assertThat(sender.send(both())).isInstanceOf(SendOutcome.Unknown.class);

        ses.failingWith(SesV2Exception.builder().message("Gateway Timeout").statusCode(504).build());
        assertThat(sender.send(both())).isInstanceOf(SendOutcome.Unknown.class);
    }

    @Test
    void a_connect_timeout_is_retryable_because_the_request_never_left() {
        ses.failingWith(clientFailure(new SocketTimeoutException("Connect timed out")));

        assertThat(sender.send(both())).isInstanceOfSatisfying(SendOutcome.Unavailable.class,
                r -> assertThat(r.reason()).contains("could not connect"));
    }

    @Test
    void a_failed_tls_handshake_is_retryable_because_the_request_never_left() {
        ses.failingWith(clientFailure(new javax.net.ssl.SSLHandshakeException("PKIX path building failed")));

        assertThat(sender.send(both())).isInstanceOf(SendOutcome.Unavailable.class);
    }

    @Test
    void an_sdk_attempt_timeout_is_unknown_because_it_may_fire_after_the_request_was_written() {
        ses.failingWith(software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException.create(2_000));

        assertThat(sender.send(both())).isInstanceOf(SendOutcome.Unknown.class);
    }

    @Test
    void refused_credentials_are_retryable_not_a_verdict_on_the_message() {
        ses.failingWith(SesV2Exception.builder().statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException")
                        .errorMessage("User is not authorized to perform ses:SendEmail").build())
                .build());

        assertThat(sender.send(both())).isInstanceOf(SendOutcome.Unavailable.class);
    }

    @Test
    void a_read_timeout_is_unknown() {
        ses.failingWith(clientFailure(new SocketTimeoutException("Read timed out")));

        assertThat(sender.send(both())).isInstanceOf(SendOutcome.Unknown.class);
    }

    @Test
    void a_connection_reset_after_writing_is_unknown() {
        ses.failingWith(clientFailure(new SocketException("Connection reset")));

        assertThat(sender.send(both())).isInstanceOf(SendOutcome.Unknown.class);
    }

    @Test
    void an_sdk_call_timeout_is_unknown() {
        ses.failingWith(ApiCallTimeoutException.create(10_000));

        assertThat(sender.send(both())).isInstanceOf(SendOutcome.Unknown.class);
    }

    @Test
    void a_refused_connection_is_retryable_because_nothing_was_sent() {
        ses.failingWith(clientFailure(new ConnectException("Connection refused")));

        assertThat(sender.send(both())).isInstanceOf(SendOutcome.Unavailable.class);
    }

    @Test
    void an_unknown_host_is_retryable_because_nothing_was_sent() {
        ses.failingWith(clientFailure(new UnknownHostException("email.us-east-1.amazonaws.com")));

        assertThat(sender.send(both())).isInstanceOf(SendOutcome.Unavailable.class);
    }

    @Test
    void no_reason_ever_names_the_recipient() {
        Stream<RuntimeException> failures = Stream.of(
                MessageRejectedException.builder().message("Rejected for " + TO).statusCode(400).build(),
                MessageRejectedException.builder().message("Rejected for " + TO.toUpperCase()).statusCode(400).build(),
                TooManyRequestsException.builder().message("slow down " + TO).statusCode(429).build(),
                InternalServiceErrorException.builder().message("failed for " + TO).statusCode(500).build(),
                BadRequestException.builder().message("bad address other.person@example.com").statusCode(400).build(),
                clientFailure(new SocketTimeoutException("Read timed out " + TO)));
        failures.forEach(failure -> {
            FakeSes failing = new FakeSes().failingWith(failure);
            SendOutcome outcome = new SesEmailSender(failing, "nudge-events").send(both());
            assertThat(outcome.toString()).doesNotContainIgnoringCase(TO).doesNotContain("other.person@example.com");
        });
    }

    static SdkClientException clientFailure(IOException cause) {
        return SdkClientException.builder().message("Unable to execute HTTP request: " + cause.getMessage()).cause(cause).build();
    }

    static Content utf8(String data) {
        return Content.builder().data(data).charset("UTF-8").build();
    }
}
