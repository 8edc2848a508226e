package io.nudge.deliver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.EmailMessage;
import io.nudge.channel.EmailSender;
import io.nudge.channel.PushSender;
import io.nudge.channel.SendOutcome;
import io.nudge.channel.SmsMessage;
import io.nudge.channel.SmsSegments;
import io.nudge.channel.SmsSender;
import io.nudge.evaluate.EvaluationContext;
import io.nudge.guards.FrequencyCaps;
import io.nudge.guards.GuardSettings;
import io.nudge.guards.QuietHours;
import io.nudge.guards.RateLimits;
import io.nudge.guards.Suppression;
import io.nudge.guards.SuppressionReason;
import io.nudge.guards.SuppressionStore;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.model.ConsentStatus;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.model.UserProfile;
import io.nudge.stats.Counter;
import io.nudge.stats.StatsStore;
import io.nudge.store.MessageStore;
import io.nudge.store.UserStore;
import io.nudge.template.CompiledTemplate;
import io.nudge.template.Rendered;
import io.nudge.template.TemplateCatalog;
import io.nudge.trigger.QuietHoursSetting;
import io.nudge.trigger.TriggerCatalog;
import io.nudge.trigger.TriggerDefinition;
import io.nudge.unsubscribe.UnsubscribeLinks;
import io.nudge.users.UserService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

/**
 * The guards in order — consent, suppression list, quiet hours, frequency caps, provider rate limits — then render,
 * then claim and stamp attemptAt in one write (READY → SENDING), call the provider once, record the outcome. Every
 * step is a conditional write from the expected status: at most once to the provider, and every decision is in the
 * message's history.
 */
public final class DeliverService {
    /** A provider that keeps refusing to take a message (throttled, unreachable) is given up after this many tries. */
    static final int MAX_DEFERRALS = 24;
    /** Tries of a message failing with an internal error (counted on the message) before it ends FAILED internal_error. */
    static final int MAX_INTERNAL_ERRORS = 3;
    private static final io.nudge.log.Log LOG = io.nudge.log.Log.of(DeliverService.class);
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);
    /** A provider's own Retry-After is honoured beyond our backoff's hour, up to a day. */
    private static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);
    /** Deferral reasons: our own per-second and daily limits, and the provider's two ways of not taking a message. */
    static final String RATE_LIMIT = "rate_limit";
    static final String DAILY_LIMIT = "daily_limit";
    static final String PROVIDER_THROTTLED = "provider_throttled";
    static final String PROVIDER_UNAVAILABLE = "provider_unavailable";
    /** A marketing message of a topic the user does not hear about on its channel (their choice, or the topic's default). */
    public static final String TOPIC_UNSUBSCRIBED = "topic_unsubscribed";
    /** Statuses a message has once some delivery claimed it for sending. */
    private static final java.util.Set<MessageStatus> CLAIMED = java.util.EnumSet.of(MessageStatus.SENDING, MessageStatus.SENT,
            MessageStatus.DELIVERED, MessageStatus.BOUNCED, MessageStatus.COMPLAINED, MessageStatus.UNKNOWN);

    private final MessageStore messages;
    private final UserStore users;
    private final UserService userService;
    private final TemplateCatalog templates;
    private final TriggerCatalog triggers;
    private final io.nudge.topics.TopicCatalog topics;
    private final SuppressionStore suppressions;
    private final FrequencyCaps caps;
    private final RateLimits rates;
    private final GuardSettings settings;
    private final io.nudge.stats.StatsBuffer stats;
    private final UnsubscribeLinks unsubscribe;
    private final EmailSender email;
    private final SmsSender sms;
    private final PushFanOut push;
    private final io.nudge.channel.WebhookSender webhook;
    private final String emailFrom;
    private final io.nudge.outbound.Outbound outbound;
    private final Clock clock;

    public DeliverService(MessageStore messages, UserStore users, UserService userService, TemplateCatalog templates,
            TriggerCatalog triggers, io.nudge.topics.TopicCatalog topics, SuppressionStore suppressions, FrequencyCaps caps, RateLimits rates, GuardSettings settings,
            StatsStore stats, UnsubscribeLinks unsubscribe, EmailSender email, SmsSender sms, PushSender push,
            io.nudge.channel.WebhookSender webhook, String emailFrom, io.nudge.outbound.Outbound outbound, Clock clock) {
        this.messages = messages;
        this.users = users;
        this.userService = userService;
        this.templates = templates;
        this.triggers = triggers;
        this.topics = topics;
        this.suppressions = suppressions;
        this.caps = caps;
        this.rates = rates;
        this.settings = settings;
        this.stats = new io.nudge.stats.StatsBuffer(stats);
        this.unsubscribe = unsubscribe;
        this.email = email;
        this.sms = sms;
        this.push = new PushFanOut(push, userService);
        this.webhook = webhook;
        this.emailFrom = emailFrom;
        this.outbound = outbound;
        this.clock = clock;
    }

    /** Runs one stream batch's work: its stats increments are written added up when it ends (StatsBuffer). */
    public <T> T inBatch(java.util.function.Supplier<T> work) {
        return stats.inBatch(work);
    }

    /** Call once per batch: picks up changed templates and triggers. */
    public void refreshDefinitions() {
        templates.refresh();
        triggers.refresh();
    }

    /**
     * {@code ready} is the message as the READY stream image shows it. The guards and the rendering run on it before
     * anything is written; then one conditional write claims it and stamps attemptAt (READY → SENDING), the provider
     * is called, and the outcome recorded. A guard's verdict moves it from READY; the provider's, from SENDING. Any
     * write from READY loses cleanly when the message moved on meanwhile (claimed by another delivery, cancelled).
     */
    public DeliveryResult deliver(Message ready) {
        if (ready.status() != MessageStatus.READY) {
            return new DeliveryResult.Skipped("not_ready");
        }
        try {
            return deliverReady(ready);
        } catch (io.nudge.outbound.Outbound.NotRecorded notRecorded) {
            // The outcome is recorded, its stream-out record is not: the stream's retry finds the message past READY and
            // writes the record (emitRecorded). Not an internal error of the message: nothing is counted on it.
            LOG.error("stream-out record not written; the record is retried", notRecorded, "messageId", ready.id());
            throw notRecorded;
        } catch (RuntimeException failure) {
            if (!io.nudge.lambda.PermanentFailure.isPermanent(failure)) {
                return internalError(ready, failure);
            }
            // A message no retry can deliver (a record that does not parse, DynamoDB refusing its content): FAILED.
            // (Should it have been claimed already, the transition from READY loses and the sweep rules on the claim.)
            return finish(ready, MessageStatus.READY, MessageStatus.FAILED,
                    new DeliveryResult.Failed("invalid_message: " + failure.getClass().getSimpleName()));
        }
    }

    /**
     * A failure that is not the message's (a defect here or in a library, an outage): thrown, so it is retried, and
     * counted on the message, so a defect that fails it every time ends it {@code FAILED internal_error} after
     * {@value #MAX_INTERNAL_ERRORS} tries instead of holding the stream. Logged at ERROR every time.
     */
    private DeliveryResult internalError(Message ready, RuntimeException failure) {
        String kind = failure.getClass().getSimpleName();
        java.util.OptionalInt attempts;
        try {
            attempts = messages.countInternalError(ready.id());
        } catch (RuntimeException storeDown) {
            failure.addSuppressed(storeDown);
            LOG.error("delivery failed; retrying", failure, "messageId", ready.id(), "exception", kind);
            throw failure;
        }
        if (attempts.isEmpty()) {
            // Claimed, finished or cancelled meanwhile (this image is stale, or it failed after the claim, which the
            // sweep rules on): a retry could change nothing.
            LOG.error("delivery failed on a message no longer READY", failure, "messageId", ready.id(), "exception", kind);
            return new DeliveryResult.Skipped("not_ready");
        }
        if (attempts.getAsInt() < MAX_INTERNAL_ERRORS) {
            LOG.error("delivery failed; retrying", failure, "messageId", ready.id(), "exception", kind, "attempt", attempts.getAsInt());
            throw failure;
        }
        LOG.error("delivery failed with an internal error; giving up", failure, "messageId", ready.id(), "exception", kind,
                "attempts", attempts.getAsInt());
        return finish(ready, MessageStatus.READY, MessageStatus.FAILED, new DeliveryResult.Failed("internal_error: " + kind));
    }

    private DeliveryResult deliverReady(Message message) {
        if (message.channel() == Channel.WEBHOOK) {
            return deliverWebhook(message);
        }
        Optional<UserProfile> user = users.find(message.userId());
        Optional<String> address = user.flatMap(u -> address(u, message.channel()));
        if (address.isEmpty()) {
            return finish(message, MessageStatus.READY, MessageStatus.SUPPRESSED, new DeliveryResult.Suppressed("invalid_address"));
        }
        Optional<TriggerDefinition> trigger = triggers.find(message.triggerId());
        boolean marketing = message.priority() == Priority.MARKETING;

        // 1. consent
        if (marketing && !consented(user.get(), message.channel())) {
            return finish(message, MessageStatus.READY, MessageStatus.SUPPRESSED, new DeliveryResult.Suppressed("no_consent"));
        }
        // 1b. topic: a marketing message of a topic only to someone who hears about it on this channel
        Optional<String> topic = marketing ? io.nudge.topics.TopicCatalog.of(message) : Optional.empty();
        if (topic.isPresent() && !topics.subscribed(user.get(), topic.get(), message.channel())) {
            return finish(message, MessageStatus.READY, MessageStatus.SUPPRESSED, new DeliveryResult.Suppressed(TOPIC_UNSUBSCRIBED));
        }
        // 2. suppression list: every message, transactional included
        // (not push: the list holds addresses, and a dead device is removed from the user instead)
        if (message.channel() != Channel.PUSH && suppressions.find(message.channel(), address.get()).isPresent()) {
            return finish(message, MessageStatus.READY, MessageStatus.SUPPRESSED, new DeliveryResult.Suppressed("suppressed"));
        }
        // 3. quiet hours: marketing waits for the morning, it is not dropped
        if (marketing) {
            Optional<QuietHours> quiet = quietHours(trigger);
            ZoneId zone = user.get().timezone().map(ZoneId::of).orElse(settings.defaultZone());
            Optional<Instant> end = quiet.flatMap(q -> q.endIfInside(clock.instant(), zone));
            if (end.isPresent()) {
                return defer(message, MessageStatus.READY, "quiet_hours", end.get());
            }
        }
        // 4. frequency caps over a rolling 24 hours
        if (marketing && caps.reserve(message.userId(), message.id(), message.channel(), message.triggerId(),
                trigger.flatMap(TriggerDefinition::frequencyCap), clock.instant()) instanceof FrequencyCaps.Reservation.CapReached) {
            return finish(message, MessageStatus.READY, MessageStatus.SUPPRESSED, new DeliveryResult.Suppressed("frequency_cap"));
        }
        // 5. provider rate and daily limits, shared by every instance: the per-second one frees up by the next slot,
        // the daily one at the next UTC midnight (deferring slot by slot would cycle the message all day)
        switch (rates.acquire(message.channel(), clock.instant())) {
            case RateLimits.Decision.Allowed allowed -> { }
            case RateLimits.Decision.PerSecondLimited perSecond -> {
                giveBackCap(message, marketing);
                return defer(message, MessageStatus.READY, RATE_LIMIT, clock.instant().plus(messages.slotWidth()));
            }
            case RateLimits.Decision.DailyLimited daily -> {
                giveBackCap(message, marketing);
                return defer(message, MessageStatus.READY, DAILY_LIMIT, daily.resetsAt());
            }
        }

        Rendered rendered;
        switch (render(message, user.get(), marketing)) {
            case Rendering.Stopped stopped -> {
                return stopped.result();
            }
            case Rendering.Ready ready -> rendered = ready.rendered();
        }
        if (rendered instanceof Rendered.Webhook) {
            // its template was changed to a webhook one after the message was made: no provider call fits it
            return finish(message, MessageStatus.READY, MessageStatus.FAILED,
                    new DeliveryResult.Failed("template_invalid: " + message.templateId() + " is a webhook template now"));
        }
        Optional<String> subject = rendered instanceof Rendered.Email e ? Optional.of(e.subject()) : Optional.empty();
        Optional<Integer> segments = rendered instanceof Rendered.Sms text ? Optional.of(SmsSegments.count(text.body()).segments()) : Optional.empty();
        if (!messages.claimForSend(message.id(), clock.instant(), address.get(), subject, segments)) {
            // Cancelled or deferred meanwhile: give the reservation back. Another delivery of the same message that
            // claimed it shares the reservation (keyed by message id): keep it then. (A rare extra read.)
            Optional<Message> current = marketing || wantsRecorded() ? messages.find(message.id()) : Optional.empty();
            if (marketing && current.map(m -> !CLAIMED.contains(m.status())).orElse(true)) {
                giveBackCap(message, marketing);
            }
            // A retry of a delivery that recorded its outcome and then died: its stream-out record, again.
            current.ifPresent(this::emitRecorded);
            return new DeliveryResult.Skipped("not_ready");
        }
        SendOutcome outcome = switch (rendered) {
            case Rendered.Email e -> email.send(new EmailMessage(message.id(), message.triggerId(), emailFrom,
                    address.get(), e.subject(), e.html(), e.text(), message.priority(),
                    // RFC 8058 one-click unsubscribe on marketing mail; a receipt has nothing to unsubscribe from
                    marketing ? Optional.of(unsubscribe.url(message.userId(), Channel.EMAIL, io.nudge.topics.TopicCatalog.of(message)))
                            : Optional.empty()));
            case Rendered.Sms s -> sms.send(new SmsMessage(message.id(), message.triggerId(), address.get(), s.body(), message.priority()));
            case Rendered.Push p -> push.send(message, user.get().pushTokens(), p);
            case Rendered.Webhook w -> throw new IllegalStateException("a " + message.channel() + " message rendered as a webhook"); // refused above
        };
        return recordOutcome(message, marketing, address.get(), outcome);
    }

    /** The template in force and the message rendered with it, or the verdict that stopped it (FAILED, with why). */
    private sealed interface Rendering {
        record Ready(CompiledTemplate template, Rendered rendered) implements Rendering {}

        record Stopped(DeliveryResult result) implements Rendering {}
    }

    private Rendering render(Message message, UserProfile user, boolean marketing) {
        Optional<CompiledTemplate> template;
        try {
            template = templates.find(message.templateId());
        } catch (io.nudge.validation.InvalidInputException stale) {
            // Saved before a rule it breaks existed (an include, say): permanent, so FAILED, never a retry loop.
            giveBackCap(message, marketing);
            return new Rendering.Stopped(finish(message, MessageStatus.READY, MessageStatus.FAILED,
                    new DeliveryResult.Failed("template_invalid: " + shorten(stale.getMessage()))));
        }
        if (template.isEmpty()) {
            giveBackCap(message, marketing);
            return new Rendering.Stopped(finish(message, MessageStatus.READY, MessageStatus.FAILED,
                    new DeliveryResult.Failed("template_not_found: " + message.templateId())));
        }
        try {
            return new Rendering.Ready(template.get(), MessageRendering.render(template.get(), message, user, unsubscribe));
        } catch (io.nudge.template.Liquid.LimitExceeded e) {
            giveBackCap(message, marketing);
            return new Rendering.Stopped(finish(message, MessageStatus.READY, MessageStatus.FAILED,
                    new DeliveryResult.Failed("render_limit: " + shorten(e.getMessage()))));
        } catch (io.nudge.template.Liquid.TemplateError e) {
            // A Liquid error in the template itself; a defect while rendering is an internal error (deliver's catch).
            giveBackCap(message, marketing);
            return new Rendering.Stopped(finish(message, MessageStatus.READY, MessageStatus.FAILED,
                    new DeliveryResult.Failed("render_error: " + shorten(e.getMessage()))));
        }
    }

    /**
     * A webhook: no person receives it, so consent, the suppression list, quiet hours and frequency caps do not apply;
     * the rate limit does, per destination host. It is rendered first (the host is in the URL), then claimed like any
     * other message (READY → SENDING), so two deliveries never post it at once. Unlike an email, an attempt whose
     * outcome is unknown (a timeout, a connection lost) is tried again: every attempt carries the message id as its
     * {@code Idempotency-Key}, so the endpoint can tell a repeat. The message's {@code to} is the URL's host, never the
     * URL (it may carry tokens).
     */
    private DeliveryResult deliverWebhook(Message message) {
        UserProfile user = users.find(message.userId()).orElseGet(() -> UserProfile.bare(message.userId(), clock.instant()));
        CompiledTemplate template;
        Rendered.Webhook request;
        switch (render(message, user, false)) {
            case Rendering.Stopped stopped -> {
                return stopped.result();
            }
            case Rendering.Ready ready when ready.rendered() instanceof Rendered.Webhook webhookRequest -> {
                template = ready.template();
                request = webhookRequest;
            }
            case Rendering.Ready ready -> {
                return finish(message, MessageStatus.READY, MessageStatus.FAILED,
                        new DeliveryResult.Failed("template_invalid: " + message.templateId() + " is not a webhook template"));
            }
        }
        if (!request.bodyKeepsItsPromise()) {
            return finish(message, MessageStatus.READY, MessageStatus.FAILED,
                    new DeliveryResult.Failed("invalid_body: the rendered body is not JSON, as its Content-Type says"));
        }
        Optional<String> badHeader = request.headers().entrySet().stream()
                .filter(h -> !io.nudge.template.TemplateParser.isHeaderValue(h.getValue())).map(Map.Entry::getKey).findFirst();
        if (badHeader.isPresent()) {
            return finish(message, MessageStatus.READY, MessageStatus.FAILED, new DeliveryResult.Failed("invalid_header: /headers/"
                    + badHeader.get() + " rendered a character an HTTP header cannot carry (a control character or one above U+00FF)"));
        }
        Optional<String> host = io.nudge.channel.webhook.WebhookDestinations.hostOf(request.url());
        if (host.isEmpty()) {
            return finish(message, MessageStatus.READY, MessageStatus.FAILED,
                    new DeliveryResult.Failed("blocked_destination: the rendered URL is not an http(s) URL with a host"));
        }
        switch (rates.acquire(Channel.WEBHOOK, host, clock.instant())) {
            case RateLimits.Decision.Allowed allowed -> { }
            case RateLimits.Decision.PerSecondLimited perSecond -> {
                return defer(message, MessageStatus.READY, RATE_LIMIT, clock.instant().plus(messages.slotWidth()));
            }
            case RateLimits.Decision.DailyLimited daily -> {
                return defer(message, MessageStatus.READY, DAILY_LIMIT, daily.resetsAt());
            }
        }
        if (!messages.claimForSend(message.id(), clock.instant(), host.get(), Optional.empty(), Optional.empty())) {
            repairRecorded(message);
            return new DeliveryResult.Skipped("not_ready");
        }
        Optional<String> secret = template.definition().parts() instanceof io.nudge.template.TemplateParts.Webhook parts
                ? parts.secret() : Optional.empty();
        SendOutcome outcome = webhook.send(new io.nudge.channel.WebhookRequest(message.id(), request.method(), request.url(),
                request.headers(), request.body(), secret));
        return recordOutcome(message, false, host.get(), outcome);
    }

    /** The provider's answer, recorded as a conditional write from SENDING. */
    private DeliveryResult recordOutcome(Message ready, boolean marketing, String address, SendOutcome outcome) {
        // as claimed: with the address it went to (the READY image has none yet), for the outcome's stream-out event
        Message message = new Message(ready.id(), ready.userId(), ready.triggerId(), ready.eventId(), ready.channel(), ready.priority(),
                ready.templateId(), ready.status(), ready.reason(), ready.context(), Optional.of(address), ready.subject(),
                ready.providerMessageId(), ready.attemptAt(), ready.dueAt(), ready.createdAt(), ready.history(), ready.smsSegments());
        return switch (outcome) {
            case SendOutcome.Accepted a -> {
                recordSent(message, Optional.empty(), Optional.of(a.providerMessageId()), address);
                yield new DeliveryResult.Sent(a.providerMessageId());
            }
            case SendOutcome.Rejected r -> message.channel() == Channel.PUSH
                    ? finish(message, MessageStatus.SENDING, MessageStatus.FAILED, new DeliveryResult.Failed("provider_rejected: " + shorten(r.reason())))
                    : refused(message, address, r);
            // For push, every device was disabled (and removed): the user has nowhere left to receive it.
            case SendOutcome.EndpointDisabled d -> message.channel() == Channel.PUSH
                    ? finish(message, MessageStatus.SENDING, MessageStatus.SUPPRESSED, new DeliveryResult.Suppressed("invalid_address"))
                    : finish(message, MessageStatus.SENDING, MessageStatus.FAILED, new DeliveryResult.Failed("endpoint_disabled: " + shorten(d.reason())));
            case SendOutcome.Unknown u -> finish(message, MessageStatus.SENDING, MessageStatus.UNKNOWN,
                    new DeliveryResult.Unknown("provider_outcome_unknown: " + shorten(u.reason())));
            case SendOutcome.Posted p -> {
                recordSent(message, Optional.of(p.detail()), Optional.empty(), address);
                yield new DeliveryResult.Sent(p.detail());
            }
            case SendOutcome.Blocked b -> finish(message, MessageStatus.SENDING, MessageStatus.FAILED,
                    new DeliveryResult.Failed("blocked_destination: " + shorten(b.reason())));
            case SendOutcome.Throttled t -> notTaken(message, marketing, PROVIDER_THROTTLED, t.reason(), t.retryAfter());
            case SendOutcome.Unavailable u -> notTaken(message, marketing, PROVIDER_UNAVAILABLE, u.reason(), Optional.empty());
        };
    }

    private void recordSent(Message message, Optional<String> reason, Optional<String> providerMessageId, String address) {
        Instant now = clock.instant();
        if (messages.transition(message.id(), MessageStatus.SENDING, MessageStatus.SENT, reason, providerMessageId, now)) {
            count(message, Counter.SENT.wire());
            outbound.emit(io.nudge.outbound.MessageEvents.statusChanged(message, MessageStatus.SENT, reason, providerMessageId,
                    Optional.of(address), now));
        } else {
            repairRecorded(message);
        }
    }

    private static final io.nudge.outbound.OutboundType[] RECORDED_HERE = {io.nudge.outbound.OutboundType.MESSAGE_SENT,
        io.nudge.outbound.OutboundType.MESSAGE_FAILED, io.nudge.outbound.OutboundType.MESSAGE_SUPPRESSED};

    private boolean wantsRecorded() {
        return outbound.wantsAny(RECORDED_HERE);
    }

    /**
     * A write from the expected status lost: another attempt of this delivery may have recorded an outcome and died
     * before its stream-out record. Reads the message only when someone listens.
     */
    private void repairRecorded(Message message) {
        if (wantsRecorded()) {
            messages.find(message.id()).ifPresent(this::emitRecorded);
        }
    }

    /** The stream-out events of the outcomes deliver records that {@code current}'s history holds (put again: a no-op when written). */
    private void emitRecorded(Message current) {
        outbound.emitAll(io.nudge.outbound.MessageEvents.fromHistory(current,
                java.util.EnumSet.of(MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.SUPPRESSED)));
    }

    /** Where a message of {@code channel} goes for {@code u}, if anywhere. */
    static Optional<String> address(UserProfile u, Channel channel) {
        return switch (channel) {
            case EMAIL -> u.email();
            case SMS -> u.phone();
            // Every device of the user; the recipient recorded is their number, never a token.
            case PUSH -> u.pushTokens().isEmpty() ? Optional.<String>empty() : Optional.of(PushFanOut.recipient(u.pushTokens()));
            // no person's address: the URL's host is the message's to, known once rendered (deliverWebhook)
            case WEBHOOK -> Optional.<String>empty();
        };
    }

    static boolean consented(UserProfile user, Channel channel) {
        Optional<ConsentStatus> consent = Optional.ofNullable(user.consent().get(channel)).map(c -> c.status());
        return channel == Channel.EMAIL ? consent.orElse(null) != ConsentStatus.OPTED_OUT : consent.orElse(null) == ConsentStatus.OPTED_IN;
    }

    private Optional<QuietHours> quietHours(Optional<TriggerDefinition> trigger) {
        return quietHours(trigger, settings);
    }

    static Optional<QuietHours> quietHours(Optional<TriggerDefinition> trigger, GuardSettings settings) {
        QuietHoursSetting setting = trigger.map(TriggerDefinition::quietHours).orElse(new QuietHoursSetting.Default());
        return switch (setting) {
            case QuietHoursSetting.Default d -> Optional.of(settings.quietHours());
            case QuietHoursSetting.Off off -> Optional.empty();
            case QuietHoursSetting.Window w -> Optional.of(w.hours());
        };
    }

    /**
     * A permanent refusal. An SMS refused because the number opted out with the carrier is a consent fact, not a
     * failure; an address the provider calls unusable, or holds on its own suppression list, joins ours.
     */
    private DeliveryResult refused(Message message, String address, SendOutcome.Rejected rejected) {
        switch (rejected.kind()) {
            case OPTED_OUT -> {
                if (message.channel() == Channel.SMS) {
                    userService.setConsent(message.userId(), Channel.SMS, ConsentStatus.OPTED_OUT, "carrier");
                    return finish(message, MessageStatus.SENDING, MessageStatus.SUPPRESSED, new DeliveryResult.Suppressed("no_consent"));
                }
            }
            case INVALID_ADDRESS, SUPPRESSED_BY_PROVIDER ->
                    suppressions.put(new Suppression(message.channel(), address, SuppressionReason.BOUNCED, "provider", clock.instant()));
            case OTHER -> { }
        }
        return finish(message, MessageStatus.SENDING, MessageStatus.FAILED, new DeliveryResult.Failed("provider_rejected: " + shorten(rejected.reason())));
    }

    /**
     * The provider certainly did not take it (throttled after retries, unreachable): try again later, backing off.
     * Only the provider's refusals count toward giving up; our own limits' deferrals say nothing about the provider.
     */
    private DeliveryResult notTaken(Message message, boolean marketing, String deferral, String reason, Optional<Duration> retryAfter) {
        giveBackCap(message, marketing);
        long deferrals = message.history().stream()
                .filter(h -> PROVIDER_THROTTLED.equals(h.reason()) || PROVIDER_UNAVAILABLE.equals(h.reason())).count();
        if (deferrals >= MAX_DEFERRALS) {
            return finish(message, MessageStatus.SENDING, MessageStatus.FAILED, new DeliveryResult.Failed("provider_unavailable: " + shorten(reason)));
        }
        Duration raw = messages.slotWidth().multipliedBy(1L << Math.min(deferrals, 12));
        Duration doubling = raw.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : raw;
        // the provider's own Retry-After when it asks for longer than our backoff (up to a day)
        Duration backoff = retryAfter.filter(after -> after.compareTo(doubling) > 0)
                .map(after -> after.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : after).orElse(doubling);
        return defer(message, MessageStatus.SENDING, deferral, clock.instant().plus(backoff));
    }

    private void giveBackCap(Message message, boolean marketing) {
        if (marketing) {
            caps.release(message.userId(), message.id());
        }
    }

    private DeliveryResult defer(Message message, MessageStatus from, String reason, Instant dueAt) {
        if (messages.reschedule(message, from, dueAt, reason, clock.instant())) {
            count(message, Counter.DEFERRED.wire());
        } else {
            repairRecorded(message);
        }
        return new DeliveryResult.Deferred(reason, dueAt);
    }

    private void count(Message message, String counter) {
        stats.increment(io.nudge.stats.StatsSubjects.of(message), message.channel(), clock.instant(), counter);
        if (counter.equals(Counter.SENT.wire())) {
            io.nudge.topics.TopicCatalog.of(message).ifPresent(topic -> stats.increment(io.nudge.stats.Subject.topic(topic), message.channel(),
                    clock.instant(), io.nudge.topics.TopicStats.SENT));
        }
    }

    private DeliveryResult finish(Message message, MessageStatus from, MessageStatus status, DeliveryResult result) {
        String reason = switch (result) {
            case DeliveryResult.Suppressed s -> s.reason();
            case DeliveryResult.Failed f -> f.reason();
            case DeliveryResult.Unknown u -> u.reason();
            default -> null;
        };
        Instant now = clock.instant();
        if (messages.transition(message.id(), from, status, Optional.ofNullable(reason), Optional.empty(), now)) {
            count(message, switch (result) {
                case DeliveryResult.Suppressed sup -> Counter.suppressed(sup.reason());
                case DeliveryResult.Unknown u -> Counter.UNKNOWN.wire();
                default -> Counter.FAILED.wire();
            });
            outbound.emit(io.nudge.outbound.MessageEvents.statusChanged(message, status, Optional.ofNullable(reason), Optional.empty(),
                    message.to(), now));
        } else {
            repairRecorded(message);
        }
        return result;
    }

    /** {user, event, message}: the user as they are now, the event as it was when the trigger matched. */
    static ObjectNode variables(Message message, UserProfile user) {
        ObjectNode vars = Json.object();
        vars.set("user", EvaluationContext.user(user));
        vars.set("event", message.context().path("event").isObject() ? message.context().get("event") : Json.object());
        ObjectNode meta = vars.putObject("message");
        meta.put("id", message.id());
        meta.put("channel", message.channel().wire());
        return vars;
    }

    private static String shorten(String reason) {
        if (reason == null) {
            return "no detail";
        }
        String oneLine = reason.replaceAll("\\s+", " ").strip();
        // long enough for a webhook's answer: "HTTP 400 from <host>: " and its first 512 bytes
        return oneLine.length() > 700 ? oneLine.substring(0, 700) : oneLine;
    }
}
