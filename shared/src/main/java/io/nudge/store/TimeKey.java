package io.nudge.store;

import java.util.Objects;

/**
 * One entry of a user's keys-only time index (Events {@code byUserTime}, Messages {@code byUser}): the time it sorts by,
 * as stored (ISO-8601, {@link io.nudge.model.Times#format}), and the item's id. Also where a page of the index stopped:
 * the next page starts after it (ties at the same instant included: DynamoDB orders them by the item's key).
 */
public record TimeKey(String at, String id) {
    public TimeKey {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(id, "id");
    }
}
