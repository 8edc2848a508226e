package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.channel.Channels;
import io.nudge.channel.EmailMessage;
import io.nudge.channel.PushPlatform;
import io.nudge.channel.SmsMessage;
import io.nudge.channel.aws.AwsChannelSettings;
import io.nudge.model.Priority;
import io.nudge.wiring.LambdaEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SendEmailResponse;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

/** {@code --channels aws} sends what Lambda's deliver sends: the same NUDGE_* settings reach the SDK requests. */
class LocalAwsChannelsTest {
    static final Map<String, String> ENV = Map.of(
            "NUDGE_EMAIL_FROM", "Acme <hello@acme.example>",
            "NUDGE_SES_CONFIGURATION_SET", "acme-feedback",
            "NUDGE_SMS_SENDER_ID", "Acme",
            "NUDGE_SMS_ORIGINATION_NUMBER", "+14155550100",
            "NUDGE_PUSH_APP_ARN_FCM", "arn:aws:sns:us-east-1:123456789012:app/GCM/acme-android");

    final List<SendEmailRequest> emails = new ArrayList<>();
    final List<PublishRequest> publishes = new ArrayList<>();
    final SesV2Client ses = new SesV2Client() {
        @Override
        public SendEmailResponse sendEmail(SendEmailRequest request) {
            emails.add(request);
            return SendEmailResponse.builder().messageId("ses-1").build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {}
    };
    final SnsClient sns = new SnsClient() {
        @Override
        public PublishResponse publish(PublishRequest request) {
            publishes.add(request);
            return PublishResponse.builder().messageId("sns-1").build();
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {}
    };

    @Test
    void aws_channels_send_sms_with_the_configured_sender_id_and_origination_number() {
        Channels channels = LocalRunner.awsChannels(ENV, ses, sns);

        channels.sms().send(new SmsMessage("k7q2m4x5ab3cdefghij6klmnop", "otp", "+14155550123", "Code 123456", Priority.TRANSACTIONAL));

        assertThat(publishes).containsExactly(PublishRequest.builder()
                .phoneNumber("+14155550123")
                .message("Code 123456")
                .messageAttributes(Map.of(
                        "AWS.SNS.SMS.SMSType", string("Transactional"),
                        "AWS.SNS.SMS.SenderID", string("Acme"),
                        "AWS.MM.SMS.OriginationNumber", string("+14155550100")))
                .build());
    }

    @Test
    void local_aws_channels_read_the_same_settings_as_lambda() {
        assertThat(LocalRunner.awsChannelSettings(ENV)).isEqualTo(LambdaEnvironment.channelSettings(ENV));
        assertThat(LocalRunner.awsChannelSettings(ENV)).isEqualTo(new AwsChannelSettings("Acme <hello@acme.example>",
                "acme-feedback", Optional.of("Acme"), Optional.of("+14155550100"),
                Map.of(PushPlatform.FCM, "arn:aws:sns:us-east-1:123456789012:app/GCM/acme-android")));
    }

    @Test
    void aws_channels_without_a_configuration_set_fail_at_start_naming_the_variable() {
        Map<String, String> env = new java.util.HashMap<>(ENV);
        env.remove("NUDGE_SES_CONFIGURATION_SET");

        assertThatThrownBy(() -> LocalRunner.awsChannels(env, ses, sns)).hasMessageContaining("NUDGE_SES_CONFIGURATION_SET");
    }

    @Test
    void aws_channels_send_email_with_the_configured_configuration_set_and_from_address() {
        Channels channels = LocalRunner.awsChannels(ENV, ses, sns);

        channels.email().send(new EmailMessage("k7q2m4x5ab3cdefghij6klmnop", "welcome", channels.emailFrom(), "ada@example.com",
                "Hi", Optional.empty(), Optional.of("Hello"), Priority.MARKETING));

        assertThat(emails).hasSize(1);
        assertThat(emails.getFirst().configurationSetName()).isEqualTo("acme-feedback");
        assertThat(emails.getFirst().fromEmailAddress()).isEqualTo("Acme <hello@acme.example>");
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
