package io.nudge.journey;

import java.util.List;
import java.util.Optional;

/** The journeys the engine runs: current versions by entry event, any version by number (instances keep theirs). */
public interface JourneyLookup {
    /** Enabled journeys (their current versions) entered by this event name. */
    List<JourneyDefinition> enteredBy(String eventName);

    /** A version, even one no longer current (an instance runs the version it entered). */
    Optional<JourneyDefinition> version(String journeyId, int version);

    /** Deleted (and not put again): its instances end with reason journey_deleted when next touched. */
    boolean deleted(String journeyId);

    /** Whether some journey's exitOn, wait_for or conversion names this event (else an event costs no instance lookup). */
    boolean cares(String eventName);

    /** Once per batch: picks up changed definitions. */
    default void refresh() {
    }
}
