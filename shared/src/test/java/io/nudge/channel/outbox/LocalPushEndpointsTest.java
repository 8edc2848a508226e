package io.nudge.channel.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.channel.PushPlatform;
import org.junit.jupiter.api.Test;

class LocalPushEndpointsTest {
    private final LocalPushEndpoints endpoints = new LocalPushEndpoints();

    @Test
    void the_target_is_the_platform_and_a_hash_of_the_token_the_same_every_time() {
        String target = endpoints.register(PushPlatform.APNS_SANDBOX, "7f3a9c2e4b1d", "ada");

        assertThat(target).matches("local-apns_sandbox-[a-z2-7]{26}").doesNotContain("7f3a9c2e4b1d");
        assertThat(new LocalPushEndpoints().register(PushPlatform.APNS_SANDBOX, "7f3a9c2e4b1d", "bob")).isEqualTo(target);
        assertThat(endpoints.register(PushPlatform.APNS_SANDBOX, "7f3a9c2e4b1e", "ada")).isNotEqualTo(target);
        assertThat(endpoints.register(PushPlatform.FCM, "7f3a9c2e4b1d", "ada")).startsWith("local-fcm-");
    }
}
