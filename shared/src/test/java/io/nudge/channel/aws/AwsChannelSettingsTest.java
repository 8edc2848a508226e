package io.nudge.channel.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.channel.Channels;
import io.nudge.channel.EmailMessage;
import io.nudge.channel.PushPlatform;
import io.nudge.channel.SmsMessage;
import io.nudge.model.Priority;
import io.nudge.wiring.LambdaEnvironment;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** deliver's SES/SNS channels come from one settings record read from NUDGE_* variables. */
class AwsChannelSettingsTest {
    static final Map<String, String> ENV = Map.of(
            "NUDGE_EMAIL_FROM", "Acme <hello@acme.example>",
            "NUDGE_SES_CONFIGURATION_SET", "acme-feedback",
            "NUDGE_SMS_SENDER_ID", "Acme",
            "NUDGE_PUSH_APP_ARN_APNS", "arn:aws:sns:us-east-1:123456789012:app/APNS/acme-ios");

    final FakeSes ses = new FakeSes();
    final FakeSns sns = new FakeSns();

    @Test
    void settings_are_read_from_the_nudge_variables() {
        assertThat(LambdaEnvironment.channelSettings(ENV)).isEqualTo(new AwsChannelSettings("Acme <hello@acme.example>",
                "acme-feedback", Optional.of("Acme"), Optional.empty(),
                Map.of(PushPlatform.APNS, "arn:aws:sns:us-east-1:123456789012:app/APNS/acme-ios")));
    }

    @Test
    void the_channels_send_with_the_configuration_set_and_sender_id() {
        Channels channels = AwsChannelSettings.fromEnvironment(ENV).channels(ses, sns);

        channels.email().send(new EmailMessage("k7q2m4x5ab3cdefghij6klmnop", "welcome", channels.emailFrom(), "ada@example.com",
                "Hi", Optional.empty(), Optional.of("Hello"), Priority.MARKETING));
        channels.sms().send(new SmsMessage("k7q2m4x5ab3cdefghij6klmnop", "otp", "+14155550123", "Code 1", Priority.MARKETING));

        assertThat(ses.requests.getFirst().configurationSetName()).isEqualTo("acme-feedback");
        assertThat(ses.requests.getFirst().fromEmailAddress()).isEqualTo("Acme <hello@acme.example>");
        assertThat(sns.requests.getFirst().messageAttributes().get(SnsSmsSender.SENDER_ID).stringValue()).isEqualTo("Acme");
    }

    @Test
    void a_missing_from_address_or_configuration_set_fails_naming_the_variable() {
        for (String required : new String[] {"NUDGE_EMAIL_FROM", "NUDGE_SES_CONFIGURATION_SET"}) {
            Map<String, String> env = new HashMap<>(ENV);
            env.remove(required);
            assertThatThrownBy(() -> AwsChannelSettings.fromEnvironment(env)).hasMessageContaining(required);
        }
    }
}
