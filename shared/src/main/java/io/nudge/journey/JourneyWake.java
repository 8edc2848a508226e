package io.nudge.journey;

import io.nudge.log.Log;
import io.nudge.scheduling.SlotWaiters;
import java.util.Optional;

/**
 * A slot's part in journeys: its waiting instances that are due move from WAIT to DUE (conditionally, from the seq
 * read); their stream records then run them on (a delay's next, a wait_for's timeoutNext). An instance an event moved
 * meanwhile is left as it is, so a timeout and the awaited event never both win.
 */
public final class JourneyWake implements SlotWaiters {
    private static final Log LOG = Log.of(JourneyWake.class);

    private final JourneyInstanceStore instances;

    public JourneyWake(JourneyInstanceStore instances) {
        this.instances = instances;
    }

    @Override
    public int wake(long slot, int shard) {
        int woke = 0;
        // as for messages, the slot is the due time rounded up: whatever waits in it when it fires is due
        for (String id : instances.inSlot(slot, shard)) {
            Optional<JourneyInstance> found = instances.find(id);
            if (found.isPresent() && found.get().dueAt().isPresent() && wakeNow(found.get())) {
                woke++;
            }
        }
        if (woke > 0) {
            LOG.info("journey instances woke", "slot", slot, "shard", shard, "woke", woke);
        }
        return woke;
    }

    /** A waiting instance whose time has come (its slot fired, or was due before it was parked): WAIT → DUE. */
    public boolean wakeNow(JourneyInstance waiting) {
        return waiting.active() && waiting.phase() == JourneyInstance.Phase.WAIT
                && instances.write(waiting.next(waiting.status(), waiting.step(), JourneyInstance.Phase.DUE, waiting.woke(),
                        waiting.dueAt(), waiting.waitingFor(), waiting.path(), waiting.sends(), waiting.arms(), Optional.empty(),
                        Optional.empty()));
    }
}
