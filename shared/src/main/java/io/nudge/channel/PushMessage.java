package io.nudge.channel;

import io.nudge.model.Priority;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A rendered push notification, ready for a provider. {@code target} is the SNS platform endpoint ARN (or, in local
 * mode, a local token id); it leads to a device, so it is never logged.
 *
 * @param data custom string key-values handed to the app; kept sorted so the payload is the same on every send
 */
public record PushMessage(
        String messageId,
        String triggerId,
        String target,
        PushPlatform platform,
        String title,
        String body,
        Map<String, String> data,
        Priority priority) {
    // FCM refuses these keys (and any key starting "google" or "gcm"); "aps" would overwrite the APNs dictionary.
    private static final Set<String> RESERVED_KEYS = Set.of("aps", "from", "message_type");

    public PushMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(triggerId, "triggerId");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(priority, "priority");
        if (target.isBlank()) {
            throw new IllegalArgumentException("target is blank");
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        data.forEach((key, value) -> {
            Objects.requireNonNull(key, "data key");
            Objects.requireNonNull(value, "data value");
            if (key.isEmpty() || isReservedDataKey(key)) {
                throw new IllegalArgumentException("data key '" + key + "' is reserved by FCM or APNs");
            }
            sorted.put(key, value);
        });
        data = Collections.unmodifiableMap(sorted);
    }

    /** Keys FCM or APNs would refuse or misread in {@link #data()}; templates are checked against the same rule. */
    public static boolean isReservedDataKey(String key) {
        return RESERVED_KEYS.contains(key) || key.startsWith("google") || key.startsWith("gcm");
    }

    @Override
    public String toString() {
        return "PushMessage[messageId=" + messageId + ", triggerId=" + triggerId + ", platform=" + platform.wire() + "]";
    }
}
