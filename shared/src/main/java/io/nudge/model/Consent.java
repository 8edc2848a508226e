package io.nudge.model;

import java.time.Instant;
import java.util.Objects;

/** A channel's consent with where it came from (api, unsubscribe, carrier, …) and when. */
public record Consent(ConsentStatus status, String source, Instant at) {
    public Consent {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(at, "at");
    }
}
