package io.nudge.channel.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    private static final String BODY = "{\"text\":\"Ada left a cart\"}";

    @Test
    void the_header_is_t_and_the_hex_hmac_of_t_dot_body() {
        // HMAC-SHA256("a-shared-secret", "1796688000.{\"text\":\"Ada left a cart\"}"), computed with openssl dgst -sha256 -hmac
        assertThat(WebhookSignature.header("a-shared-secret", 1796688000L, BODY))
                .isEqualTo("t=1796688000,v1=" + hmacByOpenssl());
    }

    private static String hmacByOpenssl() {
        return "7e50dd022b7dec78b12c4bb10eef59dd85a19ccebf48ef5877e9de57e9aeeed7";
    }

    @Test
    void a_receiver_accepts_its_own_signature_and_refuses_a_changed_body_a_wrong_secret_or_an_old_t() {
        String header = WebhookSignature.header("a-shared-secret", 1_000_000L, BODY);

        assertThat(WebhookSignature.verify("a-shared-secret", header, BODY, 1_000_100L, 300)).isTrue();
        assertThat(WebhookSignature.verify("a-shared-secret", header, BODY + " ", 1_000_100L, 300)).isFalse();
        assertThat(WebhookSignature.verify("another-secret", header, BODY, 1_000_100L, 300)).isFalse();
        assertThat(WebhookSignature.verify("a-shared-secret", header, BODY, 1_000_301L, 300)).as("replayed after five minutes").isFalse();
        assertThat(WebhookSignature.verify("a-shared-secret", "v1=abc", BODY, 1_000_100L, 300)).isFalse();
    }
}
