package io.nudge.bench.load;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts every time a {@code <messageId>.eml} appears in the outbox. The outbox writes a message under its id with an
 * atomic rename, so a second send of the same message would replace the file and counting files could not see it;
 * counting the file-system events can (each rename into the folder is one create event).
 */
final class OutboxWatcher implements AutoCloseable {
    private final WatchService watch;
    private final Map<String, AtomicInteger> creates = new ConcurrentHashMap<>();
    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    private final AtomicInteger overflows = new AtomicInteger();
    private final Thread thread;

    private OutboxWatcher(WatchService watch) {
        this.watch = watch;
        this.thread = Thread.ofPlatform().daemon().name("outbox-watcher").start(this::loop);
    }

    static OutboxWatcher start(Path outbox) throws IOException {
        Files.createDirectories(outbox);
        WatchService watch = FileSystems.getDefault().newWatchService();
        outbox.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
        return new OutboxWatcher(watch);
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = watch.poll(200, TimeUnit.MILLISECONDS);
                if (key == null) {
                    continue;
                }
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        overflows.incrementAndGet();
                        continue;
                    }
                    String name = event.context().toString();
                    if (name.endsWith(".eml") && !name.startsWith(".")) {
                        String id = name.substring(0, name.length() - 4);
                        firstSeen.putIfAbsent(id, System.nanoTime());
                        creates.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException stop) {
            // closed
        }
    }

    /** Create events per message id. */
    Map<String, AtomicInteger> creates() {
        return creates;
    }

    /** When this process first saw each message id's file ({@link System#nanoTime()}): where a clock stops. */
    Map<String, Long> firstSeen() {
        return firstSeen;
    }

    int distinct() {
        return creates.size();
    }

    int overflows() {
        return overflows.get();
    }

    @Override
    public void close() throws IOException {
        watch.close();
        thread.interrupt();
    }
}
