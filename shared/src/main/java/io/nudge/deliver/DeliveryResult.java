package io.nudge.deliver;

/** What deliver did with one message. */
public sealed interface DeliveryResult {
    record Sent(String providerMessageId) implements DeliveryResult {}

    /** A guard stopped it for good (no usable address, no consent, …). */
    record Suppressed(String reason) implements DeliveryResult {}

    /** Rendering or the provider failed permanently. */
    record Failed(String reason) implements DeliveryResult {}

    /** Not now: quiet hours, a rate limit or a provider that refused to take it yet; SCHEDULED again for {@code dueAt}. */
    record Deferred(String reason, java.time.Instant dueAt) implements DeliveryResult {}

    /** The provider may have taken it: never resent. */
    record Unknown(String reason) implements DeliveryResult {}

    /** Not ours to send: claimed by another delivery, or no longer READY. */
    record Skipped(String reason) implements DeliveryResult {}
}
