package io.nudge.channel;

/** Posts a webhook message: one HTTP request, its answer as a {@link SendOutcome}. */
public interface WebhookSender {
    SendOutcome send(WebhookRequest request);

    /** For wiring that has no webhook channel: every webhook message fails as not configured. */
    static WebhookSender notConfigured() {
        return request -> new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, "webhooks are not configured");
    }
}
