package io.nudge.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A user as the app describes them. Email and phone are personal data: never logged. */
public record UserProfile(
        String userId,
        Optional<String> email,
        Optional<String> phone,
        Optional<String> timezone,
        Optional<String> locale,
        ObjectNode attributes,
        Map<Channel, Consent> consent,
        Instant createdAt,
        Instant updatedAt,
        long revision) {

    public UserProfile {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(attributes, "attributes");
        consent = Map.copyOf(consent);
    }

    public static UserProfile bare(String userId, Instant now) {
        return new UserProfile(userId, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                io.nudge.json.Json.object(), Map.of(), now, now, 0);
    }
}
