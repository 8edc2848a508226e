package io.nudge.scheduling;

/** Others that wait in time slots beside SCHEDULED messages (journey instances): woken when a slot fires. */
public interface SlotWaiters {
    SlotWaiters NONE = (slot, shard) -> 0;

    /** Wakes what waits in this slot's shard; how many woke. Conditional, so firing twice wakes nothing twice. */
    int wake(long slot, int shard);
}
