package io.nudge.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A user as the app describes them. Email and phone are personal data, push tokens lead to a device: never logged.
 *
 * @param pushTokens the user's devices, at most {@link #MAX_PUSH_TOKENS}, each token once
 */
public record UserProfile(
        String userId,
        Optional<String> email,
        Optional<String> phone,
        Optional<String> timezone,
        Optional<String> locale,
        ObjectNode attributes,
        Map<Channel, Consent> consent,
        Map<String, Map<Channel, TopicSubscription>> subscriptions,
        List<PushToken> pushTokens,
        Instant createdAt,
        Instant updatedAt,
        long revision) {

    public static final int MAX_PUSH_TOKENS = 10;

    public UserProfile {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(attributes, "attributes");
        consent = Map.copyOf(consent);
        subscriptions = copy(subscriptions);
        pushTokens = List.copyOf(pushTokens);
    }

    public static UserProfile bare(String userId, Instant now) {
        return new UserProfile(userId, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                io.nudge.json.Json.object(), Map.of(), Map.of(), List.of(), now, now, 0);
    }

    private static Map<String, Map<Channel, TopicSubscription>> copy(Map<String, Map<Channel, TopicSubscription>> subscriptions) {
        Map<String, Map<Channel, TopicSubscription>> copy = new java.util.TreeMap<>();
        subscriptions.forEach((topic, byChannel) -> copy.put(topic, Map.copyOf(byChannel)));
        return java.util.Collections.unmodifiableMap(copy);
    }

    /** The person's own choice on a topic and channel, if they made one (else the topic's default applies). */
    public Optional<TopicSubscription> subscription(String topic, Channel channel) {
        return Optional.ofNullable(subscriptions.getOrDefault(topic, Map.of()).get(channel));
    }
}
