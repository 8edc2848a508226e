package io.nudge.outbound;

import java.util.List;

/** Where every event also goes when the deployment names an EventBridge bus ({@code EventBusName}). */
public interface EventBus {
    /** Publishes the events (addresses left out); throws when any could not be put, so the batch is retried. */
    void publish(List<OutboundEvent> events);
}
