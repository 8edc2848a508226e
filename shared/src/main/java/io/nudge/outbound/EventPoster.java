package io.nudge.outbound;

import io.nudge.channel.WebhookRequest;
import io.nudge.channel.webhook.HttpWebhookSender;
import io.nudge.json.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Posts one event to one subscription with the webhook channel's sender: the same destination rules, timeouts, no
 * redirects, {@code Nudge-Signature} (one {@code v1} per valid secret) and the event's id as {@code Idempotency-Key}.
 */
public interface EventPoster {
    HttpWebhookSender.Attempt post(Subscription subscription, OutboundEvent event, Instant now);

    static EventPoster over(HttpWebhookSender sender) {
        return (subscription, event, now) -> sender.attempt(request(subscription, event, now));
    }

    static WebhookRequest request(Subscription subscription, OutboundEvent event, Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Nudge-Event-Type", event.type().wire());
        return new WebhookRequest(event.id(), "POST", subscription.url(), headers,
                Json.write(event.toJson(subscription.includeAddresses())), subscription.secretsAt(now));
    }
}
