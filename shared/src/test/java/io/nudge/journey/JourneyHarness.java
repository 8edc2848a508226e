package io.nudge.journey;

import static io.nudge.testing.Fixtures.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.model.Event;
import io.nudge.model.Message;
import io.nudge.model.UserProfile;
import io.nudge.scheduling.SlotService;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.wiring.Services;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Journeys driven by hand, as the functions would drive them: an event goes to the engine as evaluate hands it over,
 * then every instance image goes through {@link JourneyStream} until none has anything to run (the JourneyInstances
 * stream); time passes by moving the clock and firing the slots due (their schedules).
 */
final class JourneyHarness {
    final Services services;
    final MutableClock clock;
    final RecordingScheduler scheduler = new RecordingScheduler();
    final JourneyEngine engine;
    private final JourneyStream stream;
    private final SlotService slots;
    private final List<String> users = new ArrayList<>();

    JourneyHarness(Services services, MutableClock clock, JourneyLookup lookup) {
        this.services = services;
        this.clock = clock;
        this.engine = services.journeyEngine(lookup);
        this.stream = services.journeyStream(lookup, scheduler);
        this.slots = services.slots(scheduler);
    }

    /** An event of {@code userId} now, then the stream until nothing is left to run. */
    List<JourneyEngine.Outcome> post(String userId, String id, String name, String properties) {
        if (!users.contains(userId)) {
            users.add(userId);
        }
        Instant now = clock.instant();
        Event event = new Event(id, userId, name, (ObjectNode) json(properties), now, now);
        UserProfile user = services.users().find(userId).orElse(UserProfile.bare(userId, now));
        List<JourneyEngine.Outcome> outcomes = engine.onEvent(event, user);
        drain();
        return outcomes;
    }

    /** The clock moves on and the slots due meanwhile fire, in order, each followed by the stream. */
    void timePasses(Duration duration) {
        Instant until = clock.instant().plus(duration);
        while (true) {
            long next = scheduler.schedules.keySet().stream().mapToLong(JourneyHarness::slotOf).filter(s -> s <= until.getEpochSecond())
                    .min().orElse(Long.MAX_VALUE);
            if (next == Long.MAX_VALUE) {
                break;
            }
            clock.set(Instant.ofEpochSecond(next));
            scheduler.schedules.remove(io.nudge.scheduling.Slots.scheduleName(next));
            slots.fire(Instant.ofEpochSecond(next));
            drain();
        }
        clock.set(until);
    }

    private static long slotOf(String scheduleName) {
        return Long.parseLong(scheduleName.substring("nudge-slot-".length()));
    }

    /** Every instance image of the users seen through the stream handler until none runs (bounded: a defect would spin). */
    void drain() {
        for (int round = 0; round < 50; round++) {
            boolean moved = false;
            for (String user : users) {
                for (JourneyInstance instance : services.journeyInstances().forUser(user, 50)) {
                    JourneyStream.Handled handled = stream.handle(services.journeyInstances().toItem(instance));
                    moved |= handled instanceof JourneyStream.Handled.Advanced a && a.moves() > 0;
                }
            }
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("the instances kept moving");
    }

    List<JourneyInstance> instances(String userId) {
        return services.journeyInstances().forUser(userId, 50);
    }

    List<Message> messages(String userId) {
        return services.messages().forUser(userId, 50);
    }
}
