package io.nudge.outbound;

import io.nudge.channel.SendOutcome;
import io.nudge.channel.webhook.HttpWebhookSender;
import io.nudge.json.Json;
import io.nudge.log.Log;
import io.nudge.store.DeadLetterStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * emit-events: hands each event of the Outbound stream to the subscriptions that want it, and to the bus. A user's
 * events come in the order they were written; an event waits in its subscription's queue for that user
 * ({@link DeliveryQueue}) while an earlier one does, so a receiver never gets a later event before an earlier one it
 * has not taken. A failed attempt is queued with backoff ({@link #backoff}); the retry run ({@link #retryDue}) takes
 * due queues from their head, and after {@link #GIVE_UP_AFTER} an event that still fails is dead-lettered with the
 * reason. Delivery failures never fail the stream batch: only the stores' do (the stream retries them).
 */
public final class EmitService {
    private static final Log LOG = Log.of(EmitService.class);
    public static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
    public static final Duration MAX_BACKOFF = Duration.ofHours(1);
    public static final Duration GIVE_UP_AFTER = Duration.ofHours(24);
    /** Due items read per shard in one retry run; a queue read a page at a time, at most a few pages per run. */
    static final int DUE_PER_SHARD = 100;
    static final int PER_QUEUE = 25;
    static final int MAX_PAGES = 8;
    /** How long a retry run takes new queues: Lambda's run has 120 s, a POST at most 30 s. */
    public static final Duration RUN_BUDGET = Duration.ofSeconds(80);
    /** What a stream invocation keeps in hand for one more POST (connect, headers, body: up to 30 s) and the log. */
    public static final Duration POST_RESERVE = Duration.ofSeconds(35);
    public static final String DEAD_LETTER_SOURCE = "emit-events";

    private final SubscriptionStore subscriptions;
    private final DeliveryQueue queue;
    private final DeliveryLog log;
    private final EventPoster poster;
    private final Optional<EventBus> bus;
    private final DeadLetterStore deadLetters;
    private final Clock clock;
    /** Within one batch: subscriptions whose endpoint did not answer, so the batch's later events queue without waiting for it. */
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    private final List<DeliveryLog.Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
    /** When this stream invocation stops posting (System.nanoTime), if it has a time limit. */
    private volatile Optional<Long> deadline = Optional.empty();

    public EmitService(SubscriptionStore subscriptions, DeliveryQueue queue, DeliveryLog log, EventPoster poster, Optional<EventBus> bus,
            DeadLetterStore deadLetters, Clock clock) {
        this.subscriptions = subscriptions;
        this.queue = queue;
        this.log = log;
        this.poster = poster;
        this.bus = bus;
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    /** One stream batch (or one retry run): the attempt log written when it ends. */
    public <T> T inBatch(Supplier<T> work) {
        return inBatch(Optional.empty(), work);
    }

    /**
     * As above, with the time the invocation has left (Lambda's): when less than {@link #POST_RESERVE} remains, the
     * batch's later events are queued for the retry run instead of posted, so a slow endpoint cannot time the batch out
     * (a timed-out batch is retried whole, and after its retries given up).
     */
    public <T> T inBatch(Optional<Duration> remaining, Supplier<T> work) {
        unreachable.clear();
        deadline = remaining.map(r -> System.nanoTime() + r.minus(POST_RESERVE).toNanos());
        try {
            return work.get();
        } finally {
            deadline = Optional.empty();
            flushLog();
        }
    }

    /** One event from the Outbound stream. */
    public void emit(OutboundEvent event) {
        bus.ifPresent(b -> b.publish(List.of(event)));
        for (Subscription subscription : subscriptions.all()) {
            if (subscription.wants(event.type())) {
                deliverOrQueue(subscription, event);
            }
        }
    }

    private void deliverOrQueue(Subscription subscription, OutboundEvent event) {
        Instant now = clock.instant();
        Optional<DeliveryQueue.Queued> waiting = queue.head(subscription.id(), event.userId());
        if (waiting.isPresent()) {
            // behind the user's earlier event: taken right after it; due by itself only as a backstop
            Instant headDue = waiting.get().dueAt().isAfter(now) ? waiting.get().dueAt() : now;
            queue.enqueue(subscription.id(), event, 0, now, headDue.plus(DeliveryQueue.BACKSTOP), Optional.empty());
            return;
        }
        if (unreachable.contains(subscription.id())) {
            queue.enqueue(subscription.id(), event, 0, now, now.plus(FIRST_BACKOFF),
                    Optional.of("not tried: the endpoint failed earlier in this batch"));
            return;
        }
        Optional<Long> until = deadline;
        if (until.isPresent() && System.nanoTime() > until.get()) {
            queue.enqueue(subscription.id(), event, 0, now, now, Optional.of("not tried: the invocation was running out of time"));
            return;
        }
        HttpWebhookSender.Attempt attempt = poster.post(subscription, event, now);
        record(subscription.id(), event, now, 1, attempt);
        if (!delivered(attempt)) {
            // whatever the failure, the batch's later events for this endpoint wait for the retry run instead of it
            unreachable.add(subscription.id());
            queue.enqueue(subscription.id(), event, 1, now, now.plus(backoff(1, attempt)), Optional.of(error(attempt)));
        }
    }

    /**
     * The retry run (every minute on AWS, every second locally): the queues with a due item, each from its head, in
     * order, until an attempt fails or the queue is empty; subscriptions taken in turn, one that did not answer skipped
     * for the rest of the run; no new queue after {@code budget}. How many events it delivered.
     */
    public int retryDue(Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        Instant now = clock.instant();
        Map<String, List<DeliveryQueue.Queued>> byQueue = new LinkedHashMap<>();
        for (int shard = 0; shard < DeliveryQueue.SHARDS; shard++) {
            for (DeliveryQueue.Queued due : queue.due(shard, now, DUE_PER_SHARD)) {
                byQueue.computeIfAbsent(due.pk(), k -> new ArrayList<>()).add(due);
            }
        }
        Set<String> failed = new java.util.HashSet<>();
        int delivered = 0;
        for (String pk : inTurns(byQueue)) {
            if (System.nanoTime() > deadline) {
                break;
            }
            String subscription = byQueue.get(pk).get(0).subscriptionId();
            if (!failed.contains(subscription)) {
                delivered += drain(pk, byQueue.get(pk), now, failed);
            }
        }
        return delivered;
    }

    /** The queues ordered so that subscriptions take turns: one dead endpoint does not hold the others back. */
    private static List<String> inTurns(Map<String, List<DeliveryQueue.Queued>> byQueue) {
        Map<String, java.util.ArrayDeque<String>> bySubscription = new LinkedHashMap<>();
        byQueue.forEach((pk, items) -> bySubscription.computeIfAbsent(items.get(0).subscriptionId(), k -> new java.util.ArrayDeque<>()).add(pk));
        List<String> order = new ArrayList<>();
        while (!bySubscription.isEmpty()) {
            for (java.util.Iterator<java.util.ArrayDeque<String>> it = bySubscription.values().iterator(); it.hasNext(); ) {
                java.util.ArrayDeque<String> next = it.next();
                order.add(next.poll());
                if (next.isEmpty()) {
                    it.remove();
                }
            }
        }
        return order;
    }

    /**
     * One queue from its head: only the head's due time counts; the items behind it follow it at once. A head that is
     * not due (the index showed an item behind it) pushes {@code seenDue} back to just after it, out of the index's way.
     */
    private int drain(String pk, List<DeliveryQueue.Queued> seenDue, Instant now, Set<String> failed) {
        int delivered = 0;
        for (int page = 0; page < MAX_PAGES; page++) {
            List<DeliveryQueue.Queued> items = queue.items(pk, PER_QUEUE);
            if (items.isEmpty()) {
                return delivered;
            }
            DeliveryQueue.Queued head = items.get(0);
            if (page == 0 && head.dueAt().isAfter(now)) {
                Instant after = head.dueAt().plus(DeliveryQueue.BACKSTOP);
                seenDue.stream().filter(q -> !q.sk().equals(head.sk()) && q.dueAt().isBefore(after)).forEach(q -> queue.delay(q, after, now));
                return delivered;
            }
            for (DeliveryQueue.Queued item : items) {
                Optional<Subscription> subscription = subscriptions.cached(item.subscriptionId());
                if (subscription.isEmpty() || !subscription.get().enabled()) {
                    queue.remove(item);
                    attempts.add(new DeliveryLog.Attempt(item.subscriptionId(), item.event().id(), item.event().type(), now, item.attempts(),
                            DeliveryLog.Outcome.DROPPED, java.util.OptionalInt.empty(), Optional.empty(),
                            Optional.of(subscription.isEmpty() ? "the subscription was deleted" : "the subscription is disabled")));
                    continue;
                }
                int attempt = item.attempts() + 1;
                HttpWebhookSender.Attempt result = poster.post(subscription.get(), item.event(), now);
                if (delivered(result)) {
                    record(item.subscriptionId(), item.event(), now, attempt, result);
                    queue.remove(item);
                    delivered++;
                    continue;
                }
                if (!now.isBefore(item.firstAt().plus(GIVE_UP_AFTER))) {
                    giveUp(item, attempt, result, now);
                    continue;
                }
                record(item.subscriptionId(), item.event(), now, attempt, result);
                queue.reschedule(item, attempt, now.plus(backoff(attempt, result)), error(result), now);
                if (result.outcome() instanceof SendOutcome.Unavailable) {
                    failed.add(item.subscriptionId());
                }
                return delivered;
            }
            if (items.size() < PER_QUEUE) {
                return delivered;
            }
        }
        return delivered; // the rest is due by its backstop
    }

    private void giveUp(DeliveryQueue.Queued item, int attempt, HttpWebhookSender.Attempt result, Instant now) {
        String reason = "webhook subscription " + item.subscriptionId() + ": not delivered after " + attempt + " attempts over "
                + GIVE_UP_AFTER.toHours() + " h: " + error(result);
        // one per subscription that gave up on it: the payload names the subscription
        deadLetters.put(DEAD_LETTER_SOURCE, item.event().id(), reason,
                Json.write(item.event().toJson(false).put("subscriptionId", item.subscriptionId())), now);
        queue.remove(item);
        attempts.add(new DeliveryLog.Attempt(item.subscriptionId(), item.event().id(), item.event().type(), now, attempt,
                DeliveryLog.Outcome.DEAD_LETTERED, result.statusCode(), Optional.of(result.latency()), Optional.of(error(result))));
        LOG.warn("webhook event dead-lettered", "subscriptionId", item.subscriptionId(), "eventId", item.event().id(),
                "attempts", attempt);
    }

    private void record(String subscriptionId, OutboundEvent event, Instant now, int attempt, HttpWebhookSender.Attempt result) {
        boolean ok = delivered(result);
        attempts.add(new DeliveryLog.Attempt(subscriptionId, event.id(), event.type(), now, attempt,
                ok ? DeliveryLog.Outcome.DELIVERED : DeliveryLog.Outcome.FAILED, result.statusCode(), Optional.of(result.latency()),
                ok ? Optional.empty() : Optional.of(error(result))));
    }

    private static boolean delivered(HttpWebhookSender.Attempt attempt) {
        return attempt.outcome() instanceof SendOutcome.Posted;
    }

    /** 5 s, doubling to an hour; a receiver's Retry-After when it asks for longer (up to the hour). */
    static Duration backoff(int attempts, HttpWebhookSender.Attempt result) {
        Duration doubling = FIRST_BACKOFF.multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 20));
        Duration base = doubling.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubling;
        if (result.outcome() instanceof SendOutcome.Throttled t && t.retryAfter().isPresent() && t.retryAfter().get().compareTo(base) > 0) {
            return t.retryAfter().get().compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : t.retryAfter().get();
        }
        return base;
    }

    /** What went wrong, without an address the endpoint's answer may quote. */
    private static String error(HttpWebhookSender.Attempt attempt) {
        return io.nudge.feedback.Redact.words(reason(attempt));
    }

    private static String reason(HttpWebhookSender.Attempt attempt) {
        return switch (attempt.outcome()) {
            case SendOutcome.Posted p -> "";
            case SendOutcome.Unavailable u -> u.reason();
            case SendOutcome.Throttled t -> t.reason();
            case SendOutcome.Blocked b -> "blocked_destination: " + b.reason();
            case SendOutcome.Rejected r -> r.reason();
            case SendOutcome.Unknown u -> u.reason();
            case SendOutcome.Accepted a -> "";
            case SendOutcome.EndpointDisabled d -> d.reason();
        };
    }

    private void flushLog() {
        List<DeliveryLog.Attempt> written;
        synchronized (attempts) {
            written = List.copyOf(attempts);
            attempts.clear();
        }
        if (written.isEmpty()) {
            return;
        }
        try {
            log.write(written);
        } catch (RuntimeException e) {
            // The deliveries happened; the log is for people reading it, and is not worth sending them again.
            LOG.error("webhook delivery log not written", e, "attempts", written.size());
        }
    }
}
