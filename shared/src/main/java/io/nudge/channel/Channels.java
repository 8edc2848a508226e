package io.nudge.channel;

import java.util.Objects;

/**
 * What deliver sends through: one sender per channel, the registry of push endpoints (registration and sending must
 * agree: an SNS endpoint ARN is what SNS publishes to, a local id only means something to the outbox), and the
 * address email goes out from.
 */
public record Channels(EmailSender email, SmsSender sms, PushSender push, PushEndpoints pushEndpoints, String emailFrom,
        WebhookSender webhook) {
    public Channels {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(sms, "sms");
        Objects.requireNonNull(push, "push");
        Objects.requireNonNull(pushEndpoints, "pushEndpoints");
        Objects.requireNonNull(emailFrom, "emailFrom");
        Objects.requireNonNull(webhook, "webhook");
    }

    /** Without webhooks: a webhook message fails as "webhooks are not configured". */
    public Channels(EmailSender email, SmsSender sms, PushSender push, PushEndpoints pushEndpoints, String emailFrom) {
        this(email, sms, push, pushEndpoints, emailFrom, WebhookSender.notConfigured());
    }

    /** Email and SMS only: a push message fails as "push is not configured". */
    public static Channels withoutPush(EmailSender email, SmsSender sms, String emailFrom) {
        return new Channels(email, sms, PushSender.notConfigured(), PushEndpoints.notConfigured(), emailFrom);
    }

    public Channels withWebhook(WebhookSender sender) {
        return new Channels(email, sms, push, pushEndpoints, emailFrom, sender);
    }
}
