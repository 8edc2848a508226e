package io.nudge.trigger;

import java.util.List;
import java.util.Objects;

/**
 * "An {@code event} from the same user cancels this trigger's pending messages when the listed properties
 * equal those of the triggering event" (e.g. purchase_completed with the same properties.cartId).
 * An empty {@code match} means any such event.
 */
public record CancelRule(String event, List<List<String>> match) {
    public CancelRule {
        Objects.requireNonNull(event, "event");
        match = match.stream().map(List::copyOf).toList();
    }
}
