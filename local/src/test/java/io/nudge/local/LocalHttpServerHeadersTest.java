package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalHttpServerHeadersTest {

    @Test
    void a_429_from_the_handler_reaches_the_client_with_retry_after_and_its_json_body() throws Exception {
        try (LocalHttpServer server = LocalHttpServer.start("127.0.0.1", 0, (event, context) -> APIGatewayV2HTTPResponse.builder()
                .withStatusCode(429)
                .withHeaders(Map.of("content-type", "application/json", "retry-after", "3"))
                .withBody("{\"error\":{\"code\":\"rate_limited\",\"message\":\"slow down\"}}")
                .build(), null)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v1/events")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("Retry-After")).contains("3");
            assertThat(response.body()).contains("rate_limited");
        }
    }
}
