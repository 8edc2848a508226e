package io.nudge.testing;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Base of the wire tests: a real SDK client against a WireMock server that speaks the service's wire format. One
 * server per test class (started before its first test, emptied before each), clients pointed at it with fixed
 * credentials in us-east-1 and retries off (each case is one call), and helpers to read what the client sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class WireTest {
    protected final WireMockServer wire = new WireMockServer(options().dynamicPort());

    @BeforeAll
    void startWire() {
        wire.start();
    }

    @AfterAll
    void stopWire() {
        wire.stop();
    }

    @BeforeEach
    void resetWire() {
        wire.resetAll();
    }

    protected URI wireEndpoint() {
        return URI.create("http://localhost:" + wire.port());
    }

    /** An endpoint where nothing listens: a port that was free a moment ago. */
    protected static URI closedPortEndpoint() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        return URI.create("http://localhost:" + port);
    }

    /** A client pointed at {@code endpoint}, with the URL-connection HTTP client's default timeouts. */
    protected static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C pointedAt(B builder, URI endpoint) {
        return configured(builder, endpoint).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /** A client pointed at {@code endpoint} that gives up on an answer after {@code socketTimeout}. */
    protected static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C pointedAt(B builder, URI endpoint,
            Duration socketTimeout) {
        return configured(builder, endpoint).httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(socketTimeout)).build();
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configured(B builder, URI endpoint) {
        return builder.region(Region.US_EAST_1)
                .endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDWIRE", "secret")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
    }

    /** A form-encoded body (the AWS Query protocol) as its decoded fields, in order. */
    protected static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }
}
