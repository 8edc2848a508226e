package io.nudge.channel.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.channel.SendOutcome;
import io.nudge.channel.WebhookRequest;
import io.nudge.testing.MutableClock;
import io.nudge.testing.WebhookReceiver;
import io.nudge.testing.WebhookReceiver.Answer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The webhook sender on the wire: a real HTTP server on loopback, allow-listed. */
class HttpWebhookSenderTest {
    private final MutableClock clock = MutableClock.at("2026-12-07T23:00:00Z");
    private final HttpWebhookSender sender = new HttpWebhookSender(WebhookDestinations.allowing(List.of("127.0.0.1")), clock);

    private static WebhookRequest request(String url, Optional<String> secret) {
        return new WebhookRequest("msg-1", "POST", url, Map.of("Content-Type", "application/json", "X-Team", "growth"),
                "{\"text\":\"Ada left a cart\"}", secret);
    }

    @Test
    void a_2xx_is_posted_and_the_request_carries_the_idempotency_key_user_agent_and_a_signature_the_receiver_verifies() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(Answer.of(202, "ok"))) {
            SendOutcome outcome = sender.send(request(receiver.url("/hooks/cart?token=t0k3n"), Optional.of("a-shared-secret")));

            assertThat(outcome).isEqualTo(new SendOutcome.Posted(202, "HTTP 202 from 127.0.0.1: ok"));
            WebhookReceiver.Received got = receiver.take(5);
            assertThat(got.method()).isEqualTo("POST");
            assertThat(got.path()).isEqualTo("/hooks/cart?token=t0k3n");
            assertThat(got.body()).isEqualTo("{\"text\":\"Ada left a cart\"}");
            assertThat(got.header("Content-Type")).isEqualTo("application/json");
            assertThat(got.header("X-Team")).isEqualTo("growth");
            assertThat(got.header("Idempotency-Key")).isEqualTo("msg-1");
            assertThat(got.header("User-Agent")).startsWith("Nudge/");
            assertThat(got.header("Upgrade")).as("HTTP/1.1, no h2c upgrade asked of the receiver").isNull();
            assertThat(got.header("Nudge-Signature")).isEqualTo(WebhookSignature.header("a-shared-secret", clock.instant().getEpochSecond(), got.body()));
            assertThat(WebhookSignature.verify("a-shared-secret", got.header("Nudge-Signature"), got.body(),
                    clock.instant().getEpochSecond(), 300)).isTrue();
        }
    }

    @Test
    void without_a_secret_there_is_no_signature() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(Answer.of(200, ""))) {
            assertThat(sender.send(request(receiver.url("/h"), Optional.empty()))).isInstanceOf(SendOutcome.Posted.class);
            assertThat(receiver.take(5).header("Nudge-Signature")).isNull();
        }
    }

    @Test
    void a_429_is_throttled_with_its_retry_after_a_5xx_unavailable_and_another_4xx_rejected_with_the_first_512_bytes() throws Exception {
        String longAnswer = "x".repeat(2_000);
        try (WebhookReceiver receiver = new WebhookReceiver(new Answer(429, Map.of("Retry-After", "7"), "slow down"),
                Answer.of(503, "maintenance"), Answer.of(400, longAnswer))) {
            assertThat(sender.send(request(receiver.url("/h"), Optional.empty())))
                    .isEqualTo(new SendOutcome.Throttled("HTTP 429 from 127.0.0.1: slow down", Optional.of(Duration.ofSeconds(7))));
            assertThat(sender.send(request(receiver.url("/h"), Optional.empty())))
                    .isEqualTo(new SendOutcome.Unavailable("HTTP 503 from 127.0.0.1: maintenance"));
            assertThat(sender.send(request(receiver.url("/h"), Optional.empty())))
                    .isEqualTo(new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, "HTTP 400 from 127.0.0.1: " + "x".repeat(512)));
        }
    }

    @Test
    void a_redirect_is_not_followed() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(new Answer(302, Map.of("Location", "http://169.254.169.254/latest"), ""))) {
            SendOutcome outcome = sender.send(request(receiver.url("/h"), Optional.empty()));

            assertThat(outcome).isEqualTo(new SendOutcome.Rejected(SendOutcome.Rejection.OTHER,
                    "HTTP 302 from 127.0.0.1 (redirects are not followed) to http://169.254.169.254/latest"));
            assertThat(receiver.all()).hasSize(1);
        }
    }

    @Test
    void a_destination_not_allow_listed_is_blocked_before_any_connection_and_a_closed_port_is_unavailable() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(Answer.of(200, ""))) {
            HttpWebhookSender strict = new HttpWebhookSender(WebhookDestinations.none(), clock);

            assertThat(strict.send(request(receiver.url("/h"), Optional.empty())))
                    .isEqualTo(new SendOutcome.Blocked("plain http only to hosts in NUDGE_WEBHOOK_ALLOW_HOSTS; use https"));
            assertThat(strict.send(request(receiver.url("/h").replace("http:", "https:"), Optional.empty())))
                    .isEqualTo(new SendOutcome.Blocked("127.0.0.1 resolves to 127.0.0.1, a loopback address"));
            assertThat(receiver.all()).isEmpty();
        }
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        assertThat(sender.send(request("http://127.0.0.1:" + closed + "/h", Optional.empty()))).isInstanceOf(SendOutcome.Unavailable.class);
    }

    @Test
    void an_endpoint_that_sends_its_status_and_then_stalls_does_not_hold_the_delivery() throws Exception {
        try (java.net.ServerSocket stalling = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = stalling.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    new java.util.concurrent.CountDownLatch(1).await(10, java.util.concurrent.TimeUnit.SECONDS); // the body never comes
                } catch (java.io.IOException | InterruptedException closed) {
                    // the sender closed it
                }
            });
            HttpWebhookSender quick = new HttpWebhookSender(WebhookDestinations.allowing(List.of("127.0.0.1")), clock, Duration.ofMillis(500));
            long started = System.nanoTime();

            SendOutcome outcome = quick.send(request("http://127.0.0.1:" + stalling.getLocalPort() + "/h", Optional.empty()));

            assertThat(outcome).isInstanceOf(SendOutcome.Posted.class);
            assertThat(((SendOutcome.Posted) outcome).detail()).startsWith("HTTP 200 from 127.0.0.1: (the answer's body did not come within");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void a_header_value_the_client_refuses_is_rejected_not_thrown() {
        WebhookRequest bad = new WebhookRequest("msg-2", "POST", "http://127.0.0.1:9/h", Map.of("X-Name", "\u0001"), "{}", Optional.empty());

        assertThat(sender.send(bad)).isInstanceOf(SendOutcome.Rejected.class);
    }

    @Test
    void retry_after_is_seconds_or_an_http_date() {
        java.time.Instant now = java.time.Instant.parse("2026-12-07T23:00:00Z");
        assertThat(HttpWebhookSender.retryAfter(Optional.of("120"), now)).contains(Duration.ofSeconds(120));
        assertThat(HttpWebhookSender.retryAfter(Optional.of("Mon, 07 Dec 2026 23:01:30 GMT"), now)).contains(Duration.ofSeconds(90));
        assertThat(HttpWebhookSender.retryAfter(Optional.of("soon"), now)).isEmpty();
        assertThat(HttpWebhookSender.retryAfter(Optional.empty(), now)).isEmpty();
    }
}
