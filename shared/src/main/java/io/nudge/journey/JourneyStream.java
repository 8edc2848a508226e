package io.nudge.journey;

import io.nudge.scheduling.SlotService;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * advance-journeys' service, one JourneyInstances stream image at a time: an instance to run (RUN, DUE, RECEIVED) is
 * advanced; one that waits for a time gets its slot's schedule (or is woken at once when the slot is already due),
 * which is what keeps a waiting instance from being stranded. Ended instances and stale images need nothing.
 */
public final class JourneyStream {
    private final JourneyEngine engine;
    private final SlotService slots;
    private final JourneyInstanceStore instances;
    private final JourneyWake wake;

    public JourneyStream(JourneyEngine engine, SlotService slots, JourneyInstanceStore instances) {
        this.engine = engine;
        this.slots = slots;
        this.instances = instances;
        this.wake = new JourneyWake(instances);
    }

    public sealed interface Handled {
        record Advanced(String instanceId, int moves) implements Handled {}

        record Waiting(String instanceId, SlotService.Outcome slot) implements Handled {}

        record Nothing(String instanceId) implements Handled {}
    }

    public Handled handle(Map<String, AttributeValue> image) {
        JourneyInstance instance = JourneyInstanceStore.fromItem(image);
        if (!instance.active()) {
            return new Handled.Nothing(instance.id());
        }
        return switch (instance.phase()) {
            case RUN, DUE, RECEIVED -> new Handled.Advanced(instance.id(), engine.advance(instance.id()));
            case WAIT -> instance.dueAt().isEmpty() ? new Handled.Nothing(instance.id())
                    : new Handled.Waiting(instance.id(), slots.ensureSlot(instances.slotOf(instance), reason -> wake.wakeNow(instance)));
            case DONE -> new Handled.Nothing(instance.id());
        };
    }
}
