package io.nudge.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stand-ins for SES v2 (SendEmail) and EventBridge Scheduler (CreateSchedule), both REST/JSON: every request gets a
 * 200 with the fields those calls return. Functions reach it through AWS_ENDPOINT_URL_SESV2 / _SCHEDULER, so their
 * real SDK clients run.
 */
public final class FakeProviders implements AutoCloseable {
    private final HttpServer server;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();

    private FakeProviders(HttpServer server) {
        this.server = server;
    }

    public static FakeProviders start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        FakeProviders fake = new FakeProviders(server);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            fake.calls.computeIfAbsent(path.startsWith("/schedules") ? "scheduler" : path.contains("outbound-emails") ? "ses" : path,
                    k -> new AtomicLong()).incrementAndGet();
            long id = fake.ids.incrementAndGet();
            byte[] body = ("{\"MessageId\":\"fake-" + id + "\",\"ScheduleArn\":\"arn:aws:scheduler:us-east-1:000000000000:schedule/default/s" + id + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(4, r -> Thread.ofPlatform().daemon().unstarted(r)));
        server.start();
        return fake;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public long calls(String what) {
        return calls.getOrDefault(what, new AtomicLong()).get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
