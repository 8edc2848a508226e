package io.nudge.deliver;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.Channels;
import io.nudge.definitions.DefinitionService;
import io.nudge.guards.GuardSettings;
import io.nudge.model.Channel;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingSenders;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A cancel racing the slot release and the claim: exactly one of SENT or CANCELLED, never both, never a second send. */
class CancelRaceTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T08:00:00Z");
    private final RecordingSenders senders = new RecordingSenders();
    private Services services;
    private DeliverService deliver;
    private int ids;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        new DefinitionService(services.definitions(), clock).putTemplate("t", json("{'channel':'email','subject':'s','text':'x'}"));
        new UserService(services.users(), clock).upsert("u", json("{'email':'u@example.com'}"));
        deliver = services.deliver(Channels.withoutPush(senders, senders, "from@example.com"), GuardSettings.defaults());
        deliver.refreshDefinitions();
    }

    private Message scheduledMessage() {
        Instant now = clock.instant();
        Message message = new Message("race" + ++ids, "u", "cart", "e" + ids, Channel.EMAIL, Priority.TRANSACTIONAL, "t",
                MessageStatus.SCHEDULED, Optional.of("delay"), (ObjectNode) json("{'event':{}}"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(Instant.parse("2026-11-24T08:00:30Z")), now,
                List.of(new HistoryEntry(MessageStatus.SCHEDULED, "delay", now)));
        services.messages().createIfAbsent(message);
        return message;
    }

    private enum Step { RELEASE, CANCEL, DELIVER }

    private void run(Step step, Message message) {
        switch (step) {
            case RELEASE -> services.messages().release(message.id(), services.messages().slotKeyOf(message), clock.instant());
            case CANCEL -> services.messages().cancel(message.id(), "cancelled_by: purchase_completed (event p)", clock.instant());
            case DELIVER -> deliver.deliver(services.messages().find(message.id()).orElseThrow());
        }
    }

    @Test
    void every_ordering_of_release_cancel_and_delivery_ends_in_sent_or_cancelled_alone() {
        List<List<Step>> orders = permutations(List.of(Step.RELEASE, Step.CANCEL, Step.DELIVER));
        for (List<Step> order : orders) {
            Message message = scheduledMessage();
            int sentBefore = senders.emails.size();
            for (Step step : order) {
                run(step, message);
            }
            run(Step.DELIVER, message); // a retried delivery after the fact changes nothing

            Message end = services.messages().find(message.id()).orElseThrow();
            int sends = senders.emails.size() - sentBefore;
            List<MessageStatus> statuses = end.history().stream().map(HistoryEntry::status).toList();
            assertThat(end.status()).as(order.toString()).isIn(MessageStatus.SENT, MessageStatus.CANCELLED);
            assertThat(statuses).as(order.toString()).doesNotContain(end.status() == MessageStatus.SENT ? MessageStatus.CANCELLED : MessageStatus.SENT);
            assertThat(sends).as(order.toString()).isEqualTo(end.status() == MessageStatus.SENT ? 1 : 0);
        }
    }

    @Test
    void concurrent_cancels_and_deliveries_never_both_win() throws Exception {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Message m = scheduledMessage();
            run(Step.RELEASE, m);
            messages.add(m);
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            CountDownLatch go = new CountDownLatch(1);
            for (Message m : messages) {
                pool.submit(() -> { go.await(); run(Step.CANCEL, m); return null; });
                pool.submit(() -> { go.await(); run(Step.DELIVER, m); return null; });
                pool.submit(() -> { go.await(); run(Step.DELIVER, m); return null; });
            }
            go.countDown();
        }
        long sent = 0;
        for (Message m : messages) {
            MessageStatus status = services.messages().find(m.id()).orElseThrow().status();
            assertThat(status).isIn(MessageStatus.SENT, MessageStatus.CANCELLED);
            if (status == MessageStatus.SENT) {
                sent++;
            }
        }
        assertThat(senders.emails).hasSize((int) sent);
        assertThat(senders.emails.stream().map(e -> e.messageId()).distinct().count()).isEqualTo(sent);
    }

    private static <T> List<List<T>> permutations(List<T> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<T>> result = new ArrayList<>();
        for (T first : items) {
            List<T> rest = new ArrayList<>(items);
            rest.remove(first);
            for (List<T> tail : permutations(rest)) {
                List<T> order = new ArrayList<>();
                order.add(first);
                order.addAll(tail);
                result.add(order);
            }
        }
        return result;
    }
}
