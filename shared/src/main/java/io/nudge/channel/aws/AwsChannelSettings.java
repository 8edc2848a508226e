package io.nudge.channel.aws;

import io.nudge.channel.Channels;
import io.nudge.channel.PushPlatform;
import io.nudge.config.Env;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The one recipe for the SES/SNS channels, read from the same NUDGE_* variables by Lambda's deliver and by the local
 * runner's {@code --channels aws}, so both send the same requests. The SMS type is not a setting: it follows each
 * message's priority ({@link SnsSmsSender#smsType}).
 *
 * @param pushApplicationArns the SNS platform application per platform; a platform left out has push off
 */
public record AwsChannelSettings(String emailFrom, String sesConfigurationSet, Optional<String> smsSenderId,
        Optional<String> smsOriginationNumber, Map<PushPlatform, String> pushApplicationArns) {
    public static final String EMAIL_FROM = "NUDGE_EMAIL_FROM";
    public static final String SES_CONFIGURATION_SET = "NUDGE_SES_CONFIGURATION_SET";
    public static final String SMS_SENDER_ID = "NUDGE_SMS_SENDER_ID";
    public static final String SMS_ORIGINATION_NUMBER = "NUDGE_SMS_ORIGINATION_NUMBER";

    public AwsChannelSettings {
        Objects.requireNonNull(emailFrom, "emailFrom");
        Objects.requireNonNull(sesConfigurationSet, "sesConfigurationSet");
        Objects.requireNonNull(smsSenderId, "smsSenderId");
        Objects.requireNonNull(smsOriginationNumber, "smsOriginationNumber");
        pushApplicationArns = Map.copyOf(pushApplicationArns);
    }

    /** Fails at init naming the variable: the from address and the configuration set are required. */
    public static AwsChannelSettings fromEnvironment(Map<String, String> env) {
        return new AwsChannelSettings(Env.require(env, EMAIL_FROM), Env.require(env, SES_CONFIGURATION_SET),
                Env.optional(env, SMS_SENDER_ID), Env.optional(env, SMS_ORIGINATION_NUMBER),
                SnsPushEndpoints.applicationArns(env));
    }

    /** The senders over these clients (the senders check the sender id and number's shape here, at init). */
    public Channels channels(SesV2Client ses, SnsClient sns) {
        return new Channels(new SesEmailSender(ses, sesConfigurationSet),
                new SnsSmsSender(sns, smsSenderId, smsOriginationNumber), new SnsPushSender(sns),
                new SnsPushEndpoints(sns, pushApplicationArns), emailFrom);
    }
}
