package io.nudge.functions.deliver;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.definitions.DefinitionService;
import io.nudge.evaluate.EvaluateService;
import io.nudge.model.Event;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sweep function fed the real EventBridge payload from events/, against DynamoDB Local. */
class SweepHandlerTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T07:58:00Z");
    private Services services;
    private EvaluateService evaluate;
    private SweepHandler handler;
    private ScheduledEvent event;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("code", json("{'channel':'sms','body':'Your code is {{ event.properties.code }}'}"));
        definitions.putTrigger("otp", json("{'event':'otp_requested','channel':'sms','template':'code','priority':'transactional'}"));
        new UserService(services.users(), clock).upsert("kim", json("{'phone':'+442079460958'}"));
        evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        handler = new SweepHandler(services.sweep(io.nudge.wiring.SweepSettings.of(SweepHandler.GRACE)));
        event = EventLoader.loadScheduledEvent("events/scheduled-sweep.json");
    }

    private String messageFor(String eventId) {
        evaluate.evaluate(new Event(eventId, "kim", "otp_requested", (ObjectNode) json("{'code':'1'}"), clock.instant(), clock.instant()));
        return services.messages().forUser("kim", 10).stream().filter(m -> m.eventId().equals(eventId)).findFirst().orElseThrow().id();
    }

    private Message stored(String id) {
        return services.messages().find(id).orElseThrow();
    }

    @Test
    void the_scheduled_sweep_re_drives_a_ready_message_past_its_grace_and_marks_a_send_without_an_answer_unknown() {
        String ready = messageFor("e-ready");        // READY since 07:58, its stream record never reached deliver
        String sending = messageFor("e-sending");
        clock.set(Instant.parse("2026-11-24T07:59:00Z"));
        assertThat(services.messages().claimForSend(sending, clock.instant(), "+442079460958", Optional.empty(), Optional.of(1))).isTrue();
        clock.set(event.getTime().toDate().toInstant()); // 08:05, the fixture's time: both are past the 5-minute grace
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-24T08:05:00Z"));

        String answer = handler.handleRequest(event, null);

        assertThat(answer).contains("unknown=1", "redriven=1");
        assertThat(stored(ready).status()).isEqualTo(MessageStatus.READY);
        assertThat(stored(ready).history()).last().extracting(HistoryEntry::reason).asString()
                .startsWith("sweep: re-driven, READY since 2026-11-24T07:58");
        assertThat(stored(sending).status()).as("the provider may have taken it: never resent").isEqualTo(MessageStatus.UNKNOWN);
        assertThat(stored(sending).reason()).hasValue("sweep: provider call outcome unknown");
    }

    @Test
    void messages_within_their_grace_are_left_alone() {
        String ready = messageFor("e-ready");
        clock.set(event.getTime().toDate().toInstant().minus(Duration.ofMinutes(4)));
        String sending = messageFor("e-sending");
        assertThat(services.messages().claimForSend(sending, clock.instant(), "+442079460958", Optional.empty(), Optional.of(1))).isTrue();
        clock.set(event.getTime().toDate().toInstant());

        assertThat(handler.handleRequest(event, null)).contains("unknown=0", "redriven=1");
        assertThat(stored(sending).status()).isEqualTo(MessageStatus.SENDING);
        assertThat(stored(ready).status()).isEqualTo(MessageStatus.READY);
    }
}
