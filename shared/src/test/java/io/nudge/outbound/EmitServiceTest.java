package io.nudge.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.channel.SendOutcome;
import io.nudge.channel.webhook.HttpWebhookSender;
import io.nudge.channel.webhook.WebhookDestinations;
import io.nudge.channel.webhook.WebhookSignature;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.testing.WebhookReceiver;
import io.nudge.testing.WebhookReceiver.Answer;
import io.nudge.wiring.Services;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** emit-events' service against DynamoDB Local and a receiver on loopback: order per user, retries, giving up, dropping. */
class EmitServiceTest {
    private final MutableClock clock = MutableClock.at("2026-12-08T09:00:00Z");
    private Services services;
    private EmitService emit;
    private WebhookReceiver receiver;
    private int sequence;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private Subscription start(Answer... answers) throws Exception {
        receiver = new WebhookReceiver(answers);
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        emit = services.emit(EventPoster.over(new HttpWebhookSender(WebhookDestinations.allowing(List.of("127.0.0.1")), clock)),
                Optional.empty());
        Subscription subscription = new Subscription("warehouse", receiver.url("/events"),
                EnumSet.of(OutboundType.MESSAGE_SENT, OutboundType.USER_UNSUBSCRIBED), true, false, "whsec_test", Optional.empty(),
                Optional.empty(), clock.instant(), clock.instant());
        services.subscriptions().put(subscription);
        return subscription;
    }

    private OutboundEvent event(String userId, OutboundType type) {
        String id = io.nudge.ids.Ids.derive("test", userId, String.valueOf(++sequence));
        return new OutboundEvent(id, type, clock.instant(), userId, Optional.of("m" + sequence), Optional.of("welcome"), Optional.empty(),
                Optional.empty(), Optional.of(Channel.EMAIL), Json.object().put("status", "SENT"), Optional.of("ada@example.com"));
    }

    private void emitInBatch(OutboundEvent event) {
        emit.inBatch(() -> {
            emit.emit(event);
            return null;
        });
    }

    private List<String> receivedIds() throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (WebhookReceiver.Received r : receiver.all()) {
            if (r.header("Idempotency-Key") != null && !ids.contains(r.header("Idempotency-Key"))) {
                ids.add(r.header("Idempotency-Key"));
            }
        }
        return ids;
    }

    private List<JsonNode> log() {
        return services.deliveryLog().page("warehouse", Optional.empty(), 200, clock.instant()).deliveries().stream()
                .map(JsonNode.class::cast).toList();
    }

    @Test
    void an_event_is_posted_at_once_signed_with_its_id_as_idempotency_key_and_logged() throws Exception {
        start(Answer.of(204, ""));
        OutboundEvent sent = event("ada", OutboundType.MESSAGE_SENT);

        emitInBatch(sent);
        emitInBatch(event("ada", OutboundType.JOURNEY_ENTERED)); // not a type the subscription wants

        assertThat(receiver.all()).hasSize(1);
        WebhookReceiver.Received request = receiver.all().get(0);
        assertThat(request.header("Idempotency-Key")).isEqualTo(sent.id());
        assertThat(request.header("Nudge-Event-Type")).isEqualTo("message.sent");
        assertThat(WebhookSignature.verify("whsec_test", request.header(WebhookSignature.HEADER), request.body(),
                clock.instant().getEpochSecond(), 300)).isTrue();
        JsonNode body = Json.parse(request.body());
        assertThat(body).isEqualTo(sent.toJson(false));
        assertThat(body.at("/data/to").isMissingNode()).as("no address without includeAddresses").isTrue();
        assertThat(log()).singleElement().satisfies(line -> {
            assertThat(line.get("outcome").asText()).isEqualTo("delivered");
            assertThat(line.get("statusCode").asInt()).isEqualTo(204);
            assertThat(line.get("eventId").asText()).isEqualTo(sent.id());
            assertThat(line.get("attempt").asInt()).isEqualTo(1);
        });
        assertThat(emit.retryDue(Duration.ofSeconds(30))).isZero();
    }

    @Test
    void a_failed_event_holds_the_users_later_ones_until_the_retry_takes_them_in_order_while_other_users_go_on() throws Exception {
        start(Answer.of(503, "down"), Answer.of(200, "ok"));
        OutboundEvent first = event("ada", OutboundType.MESSAGE_SENT);
        OutboundEvent second = event("ada", OutboundType.USER_UNSUBSCRIBED);
        OutboundEvent other = event("bo", OutboundType.MESSAGE_SENT);

        emitInBatch(first);   // 503: queued, due in 5 s
        emitInBatch(second);  // behind it, not tried
        emitInBatch(other);   // another user: not held up
        assertThat(receivedIds()).containsExactly(first.id(), other.id());

        clock.advance(Duration.ofSeconds(4));
        assertThat(emit.inBatch(() -> emit.retryDue(Duration.ofSeconds(30)))).as("not due yet").isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(emit.inBatch(() -> emit.retryDue(Duration.ofSeconds(30)))).isEqualTo(2);

        assertThat(receivedIds()).containsExactly(first.id(), other.id(), second.id());
        assertThat(receiver.all()).hasSize(4);
        assertThat(services.deliveryQueue().head("warehouse", "ada")).isEmpty();
        assertThat(log()).extracting(l -> l.get("outcome").asText() + " " + l.get("attempt").asInt())
                .containsExactlyInAnyOrder("failed 1", "delivered 1", "delivered 2", "delivered 1");
        assertThat(log()).filteredOn(l -> l.get("outcome").asText().equals("failed")).singleElement()
                .satisfies(l -> assertThat(l.get("error").asText()).contains("HTTP 503").contains("down"));
    }

    @Test
    void retries_back_off_and_after_24_hours_the_event_is_dead_lettered_with_the_reason_and_the_next_one_tried() throws Exception {
        start(Answer.of(500, "broken"));
        OutboundEvent first = event("ada", OutboundType.MESSAGE_SENT);
        emitInBatch(first);
        clock.advance(Duration.ofHours(1));
        OutboundEvent later = event("ada", OutboundType.MESSAGE_SENT);
        emitInBatch(later); // behind the first

        int attempts = 1;
        Instant end = clock.instant().plus(Duration.ofHours(24));
        while (clock.instant().isBefore(end)) {
            clock.advance(Duration.ofMinutes(30));
            emit.inBatch(() -> emit.retryDue(Duration.ofSeconds(30)));
        }
        attempts = (int) receiver.all().stream().filter(r -> first.id().equals(r.header("Idempotency-Key"))).count();
        // 5 s, 10 s, … doubling to an hour: about 28 attempts in a day at half-hour runs; far fewer than one a run
        assertThat(attempts).isBetween(20, 60);

        List<Map<String, AttributeValue>> deadLetters = services.dynamo().scan(b -> b.tableName(services.tables().deadLetters())).items();
        assertThat(deadLetters).anySatisfy(item -> {
            assertThat(item.get("source").s()).isEqualTo(EmitService.DEAD_LETTER_SOURCE);
            assertThat(item.get("reason").s()).contains("warehouse").contains("24 h").contains("HTTP 500");
            assertThat(item.get("payload").s()).contains(first.id()).doesNotContain("ada@example.com");
        });
        assertThat(log()).anySatisfy(l -> assertThat(l.get("outcome").asText()).isEqualTo("dead_lettered"));
        assertThat(receiver.all().stream().filter(r -> later.id().equals(r.header("Idempotency-Key"))).count())
                .as("the next event is tried once the first is given up").isPositive();
    }

    @Test
    void a_long_queue_behind_a_failing_head_does_not_keep_other_users_waiting() throws Exception {
        Subscription subscription = start(Answer.of(200, "ok"));
        // ada's endpoint calls fail, everyone else's go through
        EmitService picky = services.emit((s, e, now) -> new HttpWebhookSender.Attempt(e.userId().equals("ada")
                ? new SendOutcome.Unavailable("down for ada") : new SendOutcome.Posted(200, "HTTP 200"), OptionalInt.empty(), Duration.ZERO),
                Optional.empty());
        DeliveryQueue queue = services.deliveryQueue();
        OutboundEvent head = event("ada", OutboundType.MESSAGE_SENT);
        queue.enqueue(subscription.id(), head, 1, clock.instant(), clock.instant().plus(Duration.ofSeconds(5)), Optional.of("down"));
        for (int i = 0; i < 150; i++) {
            queue.enqueue(subscription.id(), event("ada", OutboundType.MESSAGE_SENT), 0, clock.instant(),
                    clock.instant().plus(Duration.ofSeconds(5)).plus(DeliveryQueue.BACKSTOP), Optional.empty());
        }
        clock.advance(Duration.ofMinutes(10));
        OutboundEvent bo = event("bo", OutboundType.MESSAGE_SENT);
        queue.enqueue(subscription.id(), bo, 1, clock.instant(), clock.instant().plus(Duration.ofSeconds(5)), Optional.of("down"));
        clock.advance(Duration.ofMinutes(1));

        int runs = 0;
        while (queue.head(subscription.id(), "bo").isPresent() && runs < 5) {
            picky.inBatch(() -> picky.retryDue(Duration.ofSeconds(30)));
            clock.advance(Duration.ofSeconds(1));
            runs++;
        }

        assertThat(queue.head(subscription.id(), "bo")).as("bo's event delivered").isEmpty();
        assertThat(runs).as("runs it took").isLessThanOrEqualTo(3);
        assertThat(queue.head(subscription.id(), "ada")).map(q -> q.event().id()).as("ada's queue still waits on its head").contains(head.id());
    }

    @Test
    void an_invocation_running_out_of_time_queues_instead_of_posting_and_the_retry_run_posts_at_once() throws Exception {
        start(Answer.of(200, "ok"));
        OutboundEvent sent = event("ada", OutboundType.MESSAGE_SENT);

        emit.inBatch(Optional.of(Duration.ofSeconds(20)), () -> {
            emit.emit(sent);
            return null;
        });

        assertThat(receiver.all()).as("not posted with 20 s left").isEmpty();
        assertThat(emit.inBatch(() -> emit.retryDue(Duration.ofSeconds(30)))).isEqualTo(1);
        assertThat(receiver.all()).singleElement().satisfies(r -> assertThat(r.header("Idempotency-Key")).isEqualTo(sent.id()));
    }

    @Test
    void a_deleted_subscriptions_queue_is_dropped_and_logged() throws Exception {
        start(Answer.of(503, "down"));
        emitInBatch(event("ada", OutboundType.MESSAGE_SENT));
        services.subscriptions().delete("warehouse");
        clock.advance(Duration.ofSeconds(5));

        assertThat(emit.inBatch(() -> emit.retryDue(Duration.ofSeconds(30)))).isZero();

        assertThat(receiver.all()).hasSize(1);
        assertThat(services.deliveryQueue().head("warehouse", "ada")).isEmpty();
        assertThat(log()).anySatisfy(l -> assertThat(l.get("outcome").asText()).isEqualTo("dropped"));
    }

    @Test
    void a_subscription_with_addresses_gets_data_to() throws Exception {
        Subscription plain = start(Answer.of(200, "ok"));
        services.subscriptions().put(new Subscription(plain.id(), plain.url(), plain.events(), true, true, plain.secret(),
                Optional.empty(), Optional.empty(), plain.createdAt(), clock.instant()));

        emitInBatch(event("ada", OutboundType.MESSAGE_SENT));

        assertThat(Json.parse(receiver.all().get(0).body()).at("/data/to").asText()).isEqualTo("ada@example.com");
    }

    @Test
    void backoff_doubles_from_5_seconds_to_an_hour_and_a_longer_retry_after_is_honoured_up_to_the_hour() {
        HttpWebhookSender.Attempt unavailable = new HttpWebhookSender.Attempt(new SendOutcome.Unavailable("down"), OptionalInt.empty(),
                Duration.ZERO);
        assertThat(EmitService.backoff(1, unavailable)).isEqualTo(Duration.ofSeconds(5));
        assertThat(EmitService.backoff(2, unavailable)).isEqualTo(Duration.ofSeconds(10));
        assertThat(EmitService.backoff(11, unavailable)).isEqualTo(Duration.ofHours(1));
        assertThat(EmitService.backoff(60, unavailable)).isEqualTo(Duration.ofHours(1));
        HttpWebhookSender.Attempt throttled = new HttpWebhookSender.Attempt(
                new SendOutcome.Throttled("429", Optional.of(Duration.ofMinutes(2))), OptionalInt.of(429), Duration.ZERO);
        assertThat(EmitService.backoff(1, throttled)).isEqualTo(Duration.ofMinutes(2));
        HttpWebhookSender.Attempt longer = new HttpWebhookSender.Attempt(
                new SendOutcome.Throttled("429", Optional.of(Duration.ofDays(1))), OptionalInt.of(429), Duration.ZERO);
        assertThat(EmitService.backoff(1, longer)).isEqualTo(Duration.ofHours(1));
    }
}
