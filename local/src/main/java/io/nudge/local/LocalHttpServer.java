package io.nudge.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nudge.log.Log;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP API on loopback, doing what API Gateway's HTTP API does: every request becomes a payload-2.0
 * event for the same handler class Lambda runs, and its response goes back as is.
 */
final class LocalHttpServer implements AutoCloseable {
    /** API Gateway refuses bodies over 10 MB itself; the function answers 413 above 256 KiB. */
    static final int GATEWAY_MAX_BODY = 10 * 1024 * 1024;
    private static final Log LOG = Log.of(LocalHttpServer.class);

    static final String MAX_IDLE_CONNECTIONS = "sun.net.httpserver.maxIdleConnections";
    /** Never shed: a load balancer or a test asking whether the server is up must get its answer under load too. */
    static final String HEALTH = "/health";

    private final HttpServer server;
    private final ExecutorService executor;
    private final LoadShedding.Gate gate;

    private LocalHttpServer(HttpServer server, ExecutorService executor, LoadShedding.Gate gate) {
        this.server = server;
        this.executor = executor;
        this.gate = gate;
    }

    static LocalHttpServer start(String host, int port, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
            LocalFeedbackEndpoints local) throws IOException {
        return start(host, port, handler, local, LoadShedding.defaults());
    }

    /**
     * @param local the /local/ routes (feedback as SNS and CloudWatch Logs would deliver it), served before the API
     * @param shedding how many requests are handled and wait at once; the rest are answered 429 with Retry-After
     */
    static LocalHttpServer start(String host, int port, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
            LocalFeedbackEndpoints local, LoadShedding shedding) throws IOException {
        // The JDK server closes kept-alive connections past 200 idle ones (read once, when its first server starts);
        // a client's pooled connection closed under it loses the request it sends next. Keep more than a flood's
        // clients hold, unless the property was set on the command line.
        System.getProperties().putIfAbsent(MAX_IDLE_CONNECTIONS, "4096");
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 256);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        LoadShedding.Gate gate = shedding.gate();
        server.createContext("/", exchange -> admit(exchange, gate, shedding, handler, local));
        server.start();
        return new LocalHttpServer(server, executor, gate);
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Requests answered 429 since the start. */
    long shed() {
        return gate.shed();
    }

    private static void admit(HttpExchange exchange, LoadShedding.Gate gate, LoadShedding shedding,
            RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler, LocalFeedbackEndpoints local) throws IOException {
        if (exchange.getRequestURI().getRawPath().equals(HEALTH)) {
            handle(exchange, handler, local);
            return;
        }
        boolean admitted;
        try {
            admitted = gate.enter();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            try (exchange) {
                // Nothing of the request was read or stored: the client sends it again after Retry-After.
                exchange.getRequestBody().skip(GATEWAY_MAX_BODY);
                respond(exchange, 429, Map.of("content-type", "application/json", "retry-after", Integer.toString(shedding.retryAfterSeconds())),
                        "{\"error\":{\"code\":\"too_many_requests\",\"message\":\"the server is busy; nothing was stored, "
                                + "send the request again after " + shedding.retryAfterSeconds() + " s\"}}");
            }
            long shed = gate.shed();
            if (shed == 1 || shed % 1000 == 0) {
                LOG.info("shedding load", "answered429", shed, "maxConcurrent", shedding.maxConcurrent(), "maxQueued", shedding.maxQueued());
            }
            return;
        }
        try {
            handle(exchange, handler, local);
        } finally {
            gate.exit();
        }
    }

    private static void handle(HttpExchange exchange, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
            LocalFeedbackEndpoints local) throws IOException {
        try (exchange) {
            byte[] body = readBody(exchange.getRequestBody());
            if (body == null) {
                respond(exchange, 413, Map.of("content-type", "application/json"),
                        "{\"error\":{\"code\":\"payload_too_large\",\"message\":\"the body is over 10 MiB\"}}");
                return;
            }
            if (local != null && exchange.getRequestURI().getRawPath().startsWith(LocalFeedbackEndpoints.PREFIX)) {
                Map<String, String> headers = new HashMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
                LocalFeedbackEndpoints.Response answer = local.handle(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        Objects.requireNonNullElse(exchange.getRequestURI().getRawQuery(), ""), headers, body);
                respond(exchange, answer.status(), Map.of("content-type", "application/json"), answer.body());
                return;
            }
            APIGatewayV2HTTPResponse response;
            try {
                response = handler.handleRequest(toEvent(exchange, body), null);
            } catch (RuntimeException e) {
                LOG.error("handler threw", e);
                response = APIGatewayV2HTTPResponse.builder().withStatusCode(500)
                        .withHeaders(Map.of("content-type", "application/json"))
                        .withBody("{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}").build();
            }
            String answer = response.getBody() == null ? "" : response.getBody();
            respond(exchange, response.getStatusCode(), response.getHeaders() == null ? Map.of() : response.getHeaders(),
                    response.getIsBase64Encoded() ? Base64.getDecoder().decode(answer) : answer.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The whole body, or null when it is larger than the gateway allows (drained, so the client reads our 413). */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(GATEWAY_MAX_BODY + 1);
        if (body.length > GATEWAY_MAX_BODY) {
            in.skip(Long.MAX_VALUE);
            return null;
        }
        return body;
    }

    private static void respond(HttpExchange exchange, int status, Map<String, String> headers, String body) throws IOException {
        respond(exchange, status, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A body as bytes: a handler's base64 body (a gzipped console asset) arrives decoded. */
    private static void respond(HttpExchange exchange, int status, Map<String, String> headers, byte[] bytes) throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        boolean empty = bytes.length == 0 || exchange.getRequestMethod().equals("HEAD") || status == 204;
        exchange.sendResponseHeaders(status, empty ? -1 : bytes.length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    static APIGatewayV2HTTPEvent toEvent(HttpExchange exchange, byte[] body) {
        URI uri = exchange.getRequestURI();
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        Map<String, String> query = new HashMap<>();
        String rawQuery = uri.getRawQuery();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                try {
                    String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    query.merge(key, value, (a, b) -> a + "," + b);
                } catch (IllegalArgumentException badEncoding) {
                    // API Gateway passes undecodable pairs through; we drop them
                }
            }
        }
        String text = utf8(body);
        long now = Instant.now().toEpochMilli();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("$default")
                .withRawPath(uri.getRawPath())
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withHeaders(headers)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withBody(body.length == 0 ? null : text != null ? text : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && text == null)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRouteKey("$default")
                        .withStage("$default")
                        .withRequestId(UUID.randomUUID().toString())
                        .withTimeEpoch(now)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(exchange.getRequestMethod())
                                .withPath(uri.getRawPath())
                                .withProtocol(exchange.getProtocol())
                                .withSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress())
                                .withUserAgent(headers.getOrDefault("user-agent", ""))
                                .build())
                        .build())
                .withCookies(headers.containsKey("cookie") ? List.of(headers.get("cookie").split(";\\s*")) : null)
                .build();
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
