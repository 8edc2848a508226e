package io.nudge.channel.faults;

import io.nudge.channel.EmailSender;
import io.nudge.channel.PushSender;
import io.nudge.channel.SendOutcome;
import io.nudge.channel.SmsSender;
import io.nudge.channel.WebhookSender;
import io.nudge.channel.faults.ProviderFaults.Fault;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Puts a misbehaving provider in front of real senders (the outbox locally, or SES/SNS): it throttles, times out and
 * refuses at the rates of {@link ProviderFaults}, answering as the AWS adapters do ({@link SendOutcome}), and counts
 * what it injected and what it let through to the sender, per message, so a run can prove nothing went out twice.
 */
public final class FaultInjector {
    private final ProviderFaults faults;
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> handedOver = new ConcurrentHashMap<>();
    private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);

    public FaultInjector(ProviderFaults faults) {
        this.faults = Objects.requireNonNull(faults, "faults");
        for (Fault fault : Fault.values()) {
            injected.put(fault, new AtomicLong());
        }
    }

    public ProviderFaults faults() {
        return faults;
    }

    public EmailSender email(EmailSender sender) {
        Objects.requireNonNull(sender, "sender");
        return email -> attempt(key("email", email.messageId()), () -> sender.send(email));
    }

    public SmsSender sms(SmsSender sender) {
        Objects.requireNonNull(sender, "sender");
        return sms -> attempt(key("sms", sms.messageId()), () -> sender.send(sms));
    }

    /** Per device: a push to two devices is two provider calls, each with its own fault. */
    public PushSender push(PushSender sender) {
        Objects.requireNonNull(sender, "sender");
        return push -> attempt(key("push", push.messageId()) + ":" + Integer.toHexString(push.target().hashCode()), () -> sender.send(push));
    }

    /**
     * A webhook: a timeout after the request was written is retried (every attempt carries the same Idempotency-Key,
     * so the endpoint can tell a repeat), where an email's is UNKNOWN.
     */
    public WebhookSender webhook(WebhookSender sender) {
        Objects.requireNonNull(sender, "sender");
        return request -> attempt(key("webhook", request.messageId()), () -> sender.send(request), true);
    }

    /** The key of a message's email or SMS attempts: what {@link ProviderFaults#faultOf} is given. */
    public static String key(String channel, String messageId) {
        return channel + ":" + messageId;
    }

    /** How many attempts of each kind were answered with a fault ({@code NONE}: let through untouched). */
    public Map<Fault, Long> injected() {
        Map<Fault, Long> counts = new EnumMap<>(Fault.class);
        injected.forEach((fault, n) -> counts.put(fault, n.get()));
        return counts;
    }

    /**
     * How many times each key's message was handed to the real sender (the provider took it): never more than 1 for
     * email, SMS and push; for a webhook, once per timeout injected after the request was written, plus the one that went through.
     */
    public Map<String, Integer> handedOver() {
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        handedOver.forEach((key, n) -> counts.put(key, n.get()));
        return counts;
    }

    public String summary() {
        Map<Fault, Long> counts = injected();
        long twice = handedOver.values().stream().filter(n -> n.get() > 1).count();
        return "attempts " + counts.values().stream().mapToLong(Long::longValue).sum() + ", throttled " + counts.get(Fault.THROTTLE)
                + ", connect timeouts " + counts.get(Fault.CONNECT_TIMEOUT) + ", timeouts after sending " + counts.get(Fault.TIMEOUT)
                + ", refused for good " + counts.get(Fault.PERMANENT) + ", let through " + counts.get(Fault.NONE)
                + ", handed to the sender " + handedOver.values().stream().mapToInt(AtomicInteger::get).sum()
                + " (" + twice + " more than once)";
    }

    private SendOutcome attempt(String key, Supplier<SendOutcome> send) {
        return attempt(key, send, false);
    }

    private SendOutcome attempt(String key, Supplier<SendOutcome> send, boolean retriedAfterTimeout) {
        int attempt = attempts.computeIfAbsent(key, k -> new AtomicInteger()).getAndIncrement();
        Fault fault = faults.faultOf(key, attempt);
        injected.get(fault).incrementAndGet();
        return switch (fault) {
            case THROTTLE -> new SendOutcome.Throttled("the provider throttled the request (injected fault): Maximum sending rate exceeded.");
            case CONNECT_TIMEOUT -> new SendOutcome.Unavailable("could not connect to the provider (injected fault: connect timed out, the request never left)");
            case PERMANENT -> new SendOutcome.Rejected(SendOutcome.Rejection.OTHER, "Message rejected (injected fault): the provider refused this message for good.");
            case TIMEOUT -> {
                // The worst timeout: the provider took the message, and its answer never came.
                handOver(key, send);
                yield retriedAfterTimeout
                        ? new SendOutcome.Unavailable("the endpoint did not answer in time (injected fault: read timed out after the "
                                + "request was written); tried again with the same Idempotency-Key")
                        : new SendOutcome.Unknown("the provider did not answer in time (injected fault: read timed out after the "
                        + "request was written); it may have taken the message");
            }
            case NONE -> handOver(key, send);
        };
    }

    private SendOutcome handOver(String key, Supplier<SendOutcome> send) {
        SendOutcome outcome = send.get();
        if (outcome instanceof SendOutcome.Accepted || outcome instanceof SendOutcome.Posted) {
            handedOver.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }
        return outcome;
    }
}
