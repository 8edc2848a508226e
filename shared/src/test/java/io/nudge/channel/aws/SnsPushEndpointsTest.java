package io.nudge.channel.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.channel.PushPlatform;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.model.CreatePlatformEndpointRequest;
import software.amazon.awssdk.services.sns.model.DeleteEndpointRequest;
import software.amazon.awssdk.services.sns.model.InternalErrorException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;

class SnsPushEndpointsTest {
    static final String FCM_APP = "arn:aws:sns:us-east-1:123456789012:app/GCM/nudge-android";
    static final String APNS_APP = "arn:aws:sns:us-east-1:123456789012:app/APNS/nudge-ios";
    static final String TOKEN = "fMx3Zq9bT0yR2kQ:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx";
    static final String EXISTING =
            "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/nudge-android/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d";

    final FakeSns sns = new FakeSns();
    final SnsPushEndpoints endpoints =
            new SnsPushEndpoints(sns, Map.of(PushPlatform.FCM, FCM_APP, PushPlatform.APNS, APNS_APP));

    @Test
    void register_creates_a_platform_endpoint_on_the_platforms_application_with_the_user_id() {
        String arn = endpoints.register(PushPlatform.FCM, TOKEN, "user-42");

        assertThat(arn).isEqualTo(
                "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/nudge-android/5e3c2a1b-0d9f-3e4a-8b7c-6d5e4f3a2b1c");
        assertThat(sns.createEndpointRequests).containsExactly(CreatePlatformEndpointRequest.builder()
                .platformApplicationArn(FCM_APP)
                .token(TOKEN)
                .customUserData("user-42")
                .build());
        assertThat(sns.createEndpointRequests.getFirst().hasAttributes()).isFalse();
    }

    @Test
    void each_platform_uses_its_own_application() {
        endpoints.register(PushPlatform.APNS, "a1b2c3d4e5f6", "user-42");

        assertThat(sns.createEndpointRequests.getFirst().platformApplicationArn()).isEqualTo(APNS_APP);
    }

    @Test
    void a_token_registered_with_other_attributes_gives_back_the_existing_endpoint() {
        sns.failingWith(InvalidParameterException.builder()
                .message("Invalid parameter: Token Reason: Endpoint " + EXISTING
                        + " already exists with the same Token, but different attributes.")
                .statusCode(400).build());

        assertThat(endpoints.register(PushPlatform.FCM, TOKEN, "user-43")).isEqualTo(EXISTING);
    }

    @Test
    void the_existing_endpoint_is_found_in_other_partitions_and_with_a_lower_case_token_word() {
        String china = "arn:aws-cn:sns:cn-north-1:123456789012:endpoint/GCM/nudge-android/0a1b2c3d";
        sns.failingWith(InvalidParameterException.builder()
                .message("Invalid parameter: Token Reason: Endpoint " + china + " already exists with the same token, but different attributes.")
                .statusCode(400).build());

        assertThat(endpoints.register(PushPlatform.FCM, TOKEN, "user-43")).isEqualTo(china);
    }

    @Test
    void any_other_invalid_parameter_is_an_illegal_argument_that_does_not_quote_the_token() {
        sns.failingWith(InvalidParameterException.builder()
                .message("Invalid parameter: Token Reason: " + TOKEN + " is not a valid token")
                .statusCode(400).build());

        assertThatThrownBy(() -> endpoints.register(PushPlatform.FCM, TOKEN, "user-42"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SNS refused the push token: Invalid parameter: Token Reason: <recipient> is not a valid token");
    }

    @Test
    void infrastructure_failures_are_left_to_the_caller() {
        InternalErrorException failure = InternalErrorException.builder().message("Internal error").statusCode(500).build();
        sns.failingWith(failure);

        assertThatThrownBy(() -> endpoints.register(PushPlatform.FCM, TOKEN, "user-42")).isSameAs(failure);
    }

    @Test
    void a_platform_without_an_application_fails_naming_its_variable() {
        assertThatThrownBy(() -> endpoints.register(PushPlatform.APNS_SANDBOX, "a1b2c3d4e5f6", "user-42"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NUDGE_PUSH_APP_ARN_APNS_SANDBOX");
        assertThat(sns.createEndpointRequests).isEmpty();
    }

    @Test
    void blank_token_or_user_is_refused_before_calling_sns() {
        assertThatThrownBy(() -> endpoints.register(PushPlatform.FCM, " ", "user-42"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token");
        assertThatThrownBy(() -> endpoints.register(PushPlatform.FCM, TOKEN, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("userId");
        assertThat(sns.createEndpointRequests).isEmpty();
    }

    @Test
    void delete_deletes_the_endpoint() {
        endpoints.delete(EXISTING);

        assertThat(sns.deleteEndpointRequests).containsExactly(DeleteEndpointRequest.builder().endpointArn(EXISTING).build());
    }

    @Test
    void application_arns_are_read_from_the_environment_leaving_unset_platforms_out() {
        Map<PushPlatform, String> arns = SnsPushEndpoints.applicationArns(Map.of(
                "NUDGE_PUSH_APP_ARN_FCM", FCM_APP,
                "NUDGE_PUSH_APP_ARN_APNS", " ",
                "NUDGE_PUSH_APP_ARN_APNS_SANDBOX", APNS_APP + "-sandbox"));

        assertThat(arns).containsExactlyInAnyOrderEntriesOf(Map.of(
                PushPlatform.FCM, FCM_APP, PushPlatform.APNS_SANDBOX, APNS_APP + "-sandbox"));
    }
}
