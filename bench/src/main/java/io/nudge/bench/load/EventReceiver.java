package io.nudge.bench.load;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stream out's endpoint for the e2e benchmark: a loopback HTTP server in the benchmark's process that answers 200
 * at once and notes when each event id (its {@code Idempotency-Key}) first came, and how many came again.
 */
final class EventReceiver implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();

    private EventReceiver(HttpServer server) {
        this.server = server;
    }

    static EventReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        EventReceiver receiver = new EventReceiver(server);
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
                String id = exchange.getRequestHeaders().getFirst("Idempotency-Key");
                if (id != null) {
                    receiver.firstSeen.putIfAbsent(id, System.nanoTime());
                    receiver.seen.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                }
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        return receiver;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/nudge-events";
    }

    Long firstSeen(String id) {
        return firstSeen.get(id);
    }

    /** Waits until every id came or none came for {@code quiet}; how many came. */
    int await(Collection<String> ids, Duration quiet) throws InterruptedException {
        long lastProgress = System.nanoTime();
        int got = -1;
        while (true) {
            int now = (int) ids.stream().filter(firstSeen::containsKey).count();
            if (now == ids.size()) {
                return now;
            }
            if (now != got) {
                got = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > quiet.toNanos()) {
                return now;
            }
            Thread.sleep(50);
        }
    }

    /** Deliveries beyond the first, over {@code ids}. */
    int duplicates(Collection<String> ids) {
        return ids.stream().mapToInt(id -> seen.containsKey(id) ? seen.get(id).get() - 1 : 0).sum();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
