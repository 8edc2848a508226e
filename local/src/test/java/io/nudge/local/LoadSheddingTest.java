package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The local HTTP server's admission gate: busy means 429 with Retry-After at once, never an unbounded queue. */
class LoadSheddingTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Semaphore entered = new Semaphore(0);
    private final CountDownLatch release = new CountDownLatch(1);
    private final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> blocking = (event, context) -> {
        entered.release();
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return APIGatewayV2HTTPResponse.builder().withStatusCode(202).withBody("{\"accepted\":1}").build();
    };

    private CompletableFuture<HttpResponse<String>> post(LocalHttpServer server, String path) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\",\"userId\":\"u\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void past_the_concurrency_limit_and_the_queue_a_request_is_answered_429_with_retry_after_at_once() throws Exception {
        try (LocalHttpServer server = LocalHttpServer.start("127.0.0.1", 0, blocking, null,
                new LoadShedding(2, 0, Duration.ZERO, 1))) {
            List<CompletableFuture<HttpResponse<String>>> running = new ArrayList<>();
            running.add(post(server, "/v1/events"));
            running.add(post(server, "/v1/events"));
            assertThat(entered.tryAcquire(2, 30, TimeUnit.SECONDS)).isTrue();

            HttpResponse<String> refused = post(server, "/v1/events").get(30, TimeUnit.SECONDS);

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("retry-after")).contains("1");
            assertThat(refused.body()).contains("\"code\":\"too_many_requests\"").contains("nothing was stored");
            assertThat(server.shed()).isEqualTo(1);

            release.countDown();
            for (CompletableFuture<HttpResponse<String>> r : running) {
                assertThat(r.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
            }
            // the gate is open again
            assertThat(post(server, "/v1/events").get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        }
    }

    @Test
    void a_queued_request_waits_for_a_free_slot_instead_of_being_refused() throws Exception {
        try (LocalHttpServer server = LocalHttpServer.start("127.0.0.1", 0, blocking, null,
                new LoadShedding(1, 1, Duration.ofSeconds(30), 1))) {
            CompletableFuture<HttpResponse<String>> first = post(server, "/v1/events");
            assertThat(entered.tryAcquire(1, 30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<HttpResponse<String>> queued = post(server, "/v1/events");

            release.countDown();

            assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
            assertThat(queued.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
            assertThat(server.shed()).isZero();
        }
    }

    @Test
    void health_is_answered_even_when_the_server_is_full() throws Exception {
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> healthOrBlock = (event, context) ->
                event.getRawPath().equals("/health")
                        ? APIGatewayV2HTTPResponse.builder().withStatusCode(200).withBody("{\"status\":\"ok\"}").build()
                        : blocking.handleRequest(event, context);
        try (LocalHttpServer server = LocalHttpServer.start("127.0.0.1", 0, healthOrBlock, null,
                new LoadShedding(1, 0, Duration.ZERO, 1))) {
            CompletableFuture<HttpResponse<String>> busy = post(server, "/v1/events");
            assertThat(entered.tryAcquire(1, 30, TimeUnit.SECONDS)).isTrue();

            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            release.countDown();
            assertThat(busy.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        }
    }

    @Test
    void settings_come_from_the_environment_and_bad_values_name_the_variable() {
        assertThat(LoadShedding.fromEnvironment(Map.of())).isEqualTo(LoadShedding.defaults());
        assertThat(LoadShedding.fromEnvironment(Map.of("NUDGE_HTTP_MAX_CONCURRENT", "8", "NUDGE_HTTP_MAX_QUEUED", "0", "NUDGE_HTTP_MAX_WAIT_MS", "250")))
                .isEqualTo(new LoadShedding(8, 0, Duration.ofMillis(250), 1));
        assertThatThrownBy(() -> LoadShedding.fromEnvironment(Map.of("NUDGE_HTTP_MAX_CONCURRENT", "many")))
                .hasMessageContaining("NUDGE_HTTP_MAX_CONCURRENT");
        assertThatThrownBy(() -> LoadShedding.fromEnvironment(Map.of("NUDGE_HTTP_MAX_CONCURRENT", "0")))
                .hasMessageContaining("NUDGE_HTTP_MAX_CONCURRENT");
    }
}
