package io.nudge.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook endpoint on loopback for tests: it answers with the scripted responses in order (then the last one
 * again), records every request it got, and counts requests it was handling at the same time.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** One request as it arrived; header names lower case. */
    public record Received(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** What the endpoint answers. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public static Answer of(int status, String body) {
            return new Answer(status, Map.of(), body);
        }
    }

    private final HttpServer server;
    private final Deque<Answer> script = new ArrayDeque<>();
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final List<Received> log = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();

    public WebhookReceiver(Answer... answers) throws IOException {
        script.addAll(List.of(answers));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            int now = inFlight.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            try (exchange; InputStream in = exchange.getRequestBody()) {
                Map<String, List<String>> headers = new java.util.TreeMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
                Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers,
                        new String(in.readAllBytes(), StandardCharsets.UTF_8));
                log.add(request);
                received.add(request);
                Answer answer = next();
                answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            } finally {
                inFlight.decrementAndGet();
            }
        });
        server.start();
    }

    private synchronized Answer next() {
        return script.size() > 1 ? script.poll() : script.peek();
    }

    /** http://127.0.0.1:port + path */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next request received, waiting up to {@code seconds}; null if none came. */
    public Received take(long seconds) throws InterruptedException {
        return received.poll(seconds, TimeUnit.SECONDS);
    }

    /** Every request received so far, in order. */
    public List<Received> all() {
        return List.copyOf(log);
    }

    /** The most requests it was handling at one time. */
    public int mostAtOnce() {
        return mostAtOnce.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
