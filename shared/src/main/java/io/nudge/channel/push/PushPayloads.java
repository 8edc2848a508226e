package io.nudge.channel.push;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.PushMessage;
import io.nudge.channel.PushPlatform;
import io.nudge.json.Json;
import java.util.Objects;

/**
 * The SNS {@code MessageStructure=json} message for a push: {@code "default"} plus one key for the target's
 * platform, whose value is that platform's payload <em>as a JSON string</em> (SNS requires the nesting).
 *
 * <p>FCM uses the HTTP v1 shape SNS documents ({@code {"fcmV1Message":{"message":{...}}}}), not the legacy one
 * Google switched off in 2024. APNs gets {@code aps.alert} with the data as top-level custom keys, where iOS apps read
 * them. Only the target's key is sent: SNS would ignore the others, and they would only make the message longer.
 */
public final class PushPayloads {
    public static final String MESSAGE_STRUCTURE = "json";

    private PushPayloads() {}

    /** The {@code Message} parameter of SNS Publish. */
    public static String snsMessage(PushMessage push) {
        Objects.requireNonNull(push, "push");
        ObjectNode message = Json.object();
        message.put("default", push.body());
        message.put(snsKey(push.platform()), Json.write(platformPayload(push)));
        return Json.write(message);
    }

    /** SNS's name for the platform in a JSON message: FCM still goes by {@code GCM}. */
    public static String snsKey(PushPlatform platform) {
        return switch (platform) {
            case FCM -> "GCM";
            case APNS -> "APNS";
            case APNS_SANDBOX -> "APNS_SANDBOX";
        };
    }

    /** The payload SNS hands to the platform, as an object (the outbox shows it this way so it can be read). */
    public static ObjectNode platformPayload(PushMessage push) {
        return switch (push.platform()) {
            case FCM -> fcm(push);
            case APNS, APNS_SANDBOX -> apns(push);
        };
    }

    private static ObjectNode fcm(PushMessage push) {
        ObjectNode root = Json.object();
        ObjectNode message = root.putObject("fcmV1Message").putObject("message");
        ObjectNode notification = message.putObject("notification");
        notification.put("title", push.title());
        notification.put("body", push.body());
        if (!push.data().isEmpty()) {
            // FCM v1 takes only string values here; the record's Map<String, String> guarantees it.
            ObjectNode data = message.putObject("data");
            push.data().forEach(data::put);
        }
        return root;
    }

    private static ObjectNode apns(PushMessage push) {
        ObjectNode root = Json.object();
        ObjectNode alert = root.putObject("aps").putObject("alert");
        alert.put("title", push.title());
        alert.put("body", push.body());
        push.data().forEach(root::put);
        return root;
    }
}
