package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.channel.faults.FaultInjector;
import io.nudge.channel.faults.ProviderFaults;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The short form of {@code bench/run flood}: five seconds of single-event POSTs in bursts, far past what a runner
 * with a small admission gate takes, then events from a client that honours Retry-After, then the books: no 5xx,
 * every 429 carries Retry-After, every accepted event is stored and evaluated, and every message it triggered was
 * handed to the provider exactly once and is SENT once.
 */
class FloodIT extends LocalRunnerCase {
    private static final int USERS = 20;
    private static final double SECONDS = 5;
    private static final int BURST = 40;
    private static final long BURST_EVERY_MS = 100;
    /** One event in ten triggers an email: the drain stays short, and every event is still evaluated. */
    private static final int SEND_EVERY = 10;
    /** Events sent one at a time after the flood by a client that retries after Retry-After. */
    private static final int AFTER = 20;

    record Answer(String eventId, int status, Optional<String> retryAfter, boolean send) {}

    @Test
    void a_flood_is_shed_with_429_and_retry_after_and_nothing_accepted_is_lost_or_sent_twice() throws Exception {
        // a small gate, so that this flood certainly meets it; the provider is the outbox behind a counting injector
        // with no faults, which proves "handed over once" per message
        startRunner(ItClient.options(data).providerFaults(Optional.of(new ProviderFaults(0, 0, 0, 0, 1)))
                .shedding(new LoadShedding(8, 16, Duration.ofMillis(250), 1)).build());
        assertThat(api.request("PUT", "/v1/templates/flood_email", "{'channel':'email','subject':'Hi','text':'Ping {{ event.properties.n }}'}").statusCode()).isEqualTo(201);
        assertThat(api.request("PUT", "/v1/triggers/flood", "{'event':'flood','channel':'email','template':'flood_email','priority':'transactional',"
                + "'conditions':[{'path':'event.properties.send','op':'eq','value':true}]}").statusCode()).isEqualTo(201);
        for (int i = 0; i < USERS; i++) {
            assertThat(api.request("PUT", "/v1/users/f" + i, "{'email':'f" + i + "@example.com'}").statusCode()).isEqualTo(200);
        }

        List<Answer> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger transportErrors = new AtomicInteger();
        Map<String, Integer> transportKinds = new ConcurrentHashMap<>();
        AtomicInteger dropped = new AtomicInteger();
        AtomicInteger resentDuplicates = new AtomicInteger();
        int bursts = (int) (SECONDS * 1000 / BURST_EVERY_MS);
        long start = System.nanoTime();
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int b = 0; b < bursts; b++) {
                long due = start + b * BURST_EVERY_MS * 1_000_000;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                CountDownLatch go = new CountDownLatch(1);
                for (int j = 0; j < BURST; j++) {
                    int n = b * BURST + j;
                    boolean send = n % SEND_EVERY == 0;
                    String id = "flood-" + n;
                    String body = "{'id':'" + id + "','userId':'f" + (n % USERS) + "','name':'flood','properties':{'n':" + n + ",'send':" + send + "}}";
                    senders.submit(() -> {
                        go.await();
                        for (int attempt = 0; attempt < 3; attempt++) {
                            try {
                                HttpResponse<String> r = api.request("POST", "/v1/events", body);
                                answers.add(new Answer(id, r.statusCode(), r.headers().firstValue("retry-after"), send));
                                if (attempt > 0 && r.statusCode() == 202) {
                                    resentDuplicates.addAndGet(Json.parse(r.body()).get("duplicates").asInt());
                                }
                                return null;
                            } catch (UncheckedIOException unchecked) {
                                IOException e = unchecked.getCause();
                                if (!String.valueOf(e.getMessage()).contains("received no bytes")) {
                                    transportErrors.incrementAndGet();
                                    transportKinds.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                                    return null;
                                }
                                // The server closed this kept-alive connection (it keeps at most 200 idle) before
                                // reading the request; the event id makes sending it again safe, as any client would.
                                dropped.incrementAndGet();
                            }
                        }
                        transportErrors.incrementAndGet();
                        return null;
                    });
                }
                go.countDown();
            }
        }

        int flooded = answers.size();
        assertThat(transportErrors.get()).as("requests without an answer: %s", transportKinds).isZero();
        assertThat(flooded).isEqualTo(bursts * BURST);
        // a request on a dropped connection had not been read: its resend was never a duplicate
        assertThat(resentDuplicates.get()).isZero();
        // then a client that honours Retry-After: each of these events gets in, and each triggers an email
        for (int k = 0; k < AFTER; k++) {
            String id = "after-" + k;
            String body = "{'id':'" + id + "','userId':'f" + (k % USERS) + "','name':'flood','properties':{'n':" + k + ",'send':true}}";
            for (int attempt = 0; ; attempt++) {
                HttpResponse<String> r = api.request("POST", "/v1/events", body);
                answers.add(new Answer(id, r.statusCode(), r.headers().firstValue("retry-after"), true));
                if (r.statusCode() != 429) {
                    assertThat(r.statusCode()).isEqualTo(202);
                    break;
                }
                assertThat(attempt).as("attempts of %s", id).isLessThan(30);
                Thread.sleep(1000L * Long.parseLong(r.headers().firstValue("retry-after").orElse("1")));
            }
        }

        List<Answer> accepted = answers.stream().filter(a -> a.status() == 202).toList();
        List<Answer> shed = answers.stream().filter(a -> a.status() == 429).toList();
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as("status of %s", a.eventId()).isIn(202, 429));
        assertThat(shed).allSatisfy(a -> assertThat(a.retryAfter()).as("Retry-After of %s", a.eventId()).contains("1"));
        assertThat(accepted).isNotEmpty();

        // drain: every accepted event evaluated, every message it triggered SENT
        Set<String> pending = ConcurrentHashMap.newKeySet();
        accepted.forEach(a -> pending.add(a.eventId()));
        Map<String, JsonNode> events = new ConcurrentHashMap<>();
        Instant deadline = Instant.now().plusSeconds(ItTime.DEADLINE_SECONDS);
        long drainStart = System.nanoTime();
        while (!pending.isEmpty()) {
            for (String id : List.copyOf(pending)) {
                HttpResponse<String> r = api.request("GET", "/v1/events/" + id, null);
                assertThat(r.statusCode()).as("accepted event %s is stored", id).isEqualTo(200);
                JsonNode event = Json.parse(r.body());
                if (event.get("evaluation").size() > 0) {
                    events.put(id, event);
                    pending.remove(id);
                }
            }
            assertThat(Instant.now()).as("%d accepted events not yet evaluated", pending.size()).isBefore(deadline);
            if (!pending.isEmpty()) {
                Thread.sleep(200);
            }
        }
        Map<String, Answer> toSend = new ConcurrentHashMap<>();
        accepted.stream().filter(Answer::send).forEach(a -> toSend.put(Ids.derive("message", "flood", a.eventId()), a));
        Map<String, JsonNode> sent = new ConcurrentHashMap<>();
        while (sent.size() < toSend.size()) {
            for (int i = 0; i < USERS; i++) {
                for (JsonNode m : Json.parse(api.request("GET", "/v1/users/f" + i + "/messages?limit=500", null).body()).get("messages")) {
                    if (m.get("status").asText().equals("SENT")) {
                        sent.put(m.get("id").asText(), m);
                    }
                }
            }
            assertThat(Instant.now()).as("%d of %d messages sent", sent.size(), toSend.size()).isBefore(deadline);
            if (sent.size() < toSend.size()) {
                Thread.sleep(200);
            }
        }
        double drain = (System.nanoTime() - drainStart) / 1e9;

        for (Answer a : accepted) {
            assertThat(events.get(a.eventId()).get("evaluation").get(0).get("matched").asBoolean()).as("match of %s", a.eventId()).isEqualTo(a.send());
        }
        assertThat(sent.keySet()).isEqualTo(toSend.keySet());
        Map<String, Integer> handedOver = runner.faults().orElseThrow().handedOver();
        for (JsonNode m : sent.values()) {
            String id = m.get("id").asText();
            long sentEntries = 0;
            for (JsonNode h : m.get("history")) {
                sentEntries += h.get("status").asText().equals("SENT") ? 1 : 0;
            }
            assertThat(sentEntries).as("SENT entries of %s", id).isEqualTo(1);
            assertThat(handedOver.get(FaultInjector.key("email", id))).as("handed over %s", id).isEqualTo(1);
            assertThat(runner.outbox().resolve(id + ".eml")).exists();
        }
        assertThat(handedOver).hasSize(toSend.size());
        try (var files = Files.list(runner.outbox())) {
            assertThat(files.filter(p -> p.toString().endsWith(".eml")).count()).isEqualTo(toSend.size());
        }
        assertThat(runner.shedRequests()).isEqualTo(shed.size());
        System.out.printf("FloodIT: %d requests in %.0f s (bursts of %d every %d ms) and %d after: %d accepted, %d answered 429 "
                + "(all with Retry-After), 0 other, %d resent after a dropped kept-alive connection; %d messages sent once; drain %.1f s%n",
                flooded, SECONDS, BURST, BURST_EVERY_MS, AFTER, accepted.size(), shed.size(), dropped.get(), toSend.size(), drain);
    }
}
