package io.nudge.outbound.aws;

import io.nudge.json.Json;
import io.nudge.outbound.EventBus;
import io.nudge.outbound.OutboundEvent;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * PutEvents to the deployment's bus: {@code source} {@value #SOURCE}, {@code detail-type} the event type, {@code detail}
 * the event as a subscription without addresses gets it, up to 10 entries a call (PutEvents' limit). A partial failure
 * throws: the stream retries the batch, and rules see the same ids again (receivers de-duplicate, as for webhooks).
 */
public final class EventBridgeBus implements EventBus {
    public static final String SOURCE = "nudge";
    static final int ENTRIES_PER_CALL = 10;

    private final EventBridgeClient client;
    private final String busName;

    public EventBridgeBus(EventBridgeClient client, String busName) {
        this.client = client;
        this.busName = busName;
    }

    @Override
    public void publish(List<OutboundEvent> events) {
        for (int from = 0; from < events.size(); from += ENTRIES_PER_CALL) {
            List<PutEventsRequestEntry> entries = new ArrayList<>();
            for (OutboundEvent event : events.subList(from, Math.min(events.size(), from + ENTRIES_PER_CALL))) {
                entries.add(entry(busName, event));
            }
            PutEventsResponse response = client.putEvents(b -> b.entries(entries));
            if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
                String first = response.entries().stream().filter(e -> e.errorCode() != null).map(PutEventsResultEntry::errorCode)
                        .findFirst().orElse("unknown");
                throw new IllegalStateException("PutEvents failed for " + response.failedEntryCount() + " of " + entries.size()
                        + " events (" + first + ")");
            }
        }
    }

    static PutEventsRequestEntry entry(String busName, OutboundEvent event) {
        return PutEventsRequestEntry.builder().eventBusName(busName).source(SOURCE).detailType(event.type().wire())
                .detail(Json.write(event.toJson(false))).time(event.occurredAt()).build();
    }
}
