package io.nudge.feedback;

import static io.nudge.store.AttributeValues.s;

import io.nudge.feedback.Feedback.BounceType;
import io.nudge.feedback.Feedback.BouncedRecipient;
import io.nudge.feedback.Feedback.EmailEvent;
import io.nudge.guards.Suppression;
import io.nudge.guards.SuppressionReason;
import io.nudge.guards.SuppressionStore;
import io.nudge.log.Log;
import io.nudge.model.Channel;
import io.nudge.model.Consent;
import io.nudge.model.ConsentStatus;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Times;
import io.nudge.outbound.MessageEvents;
import io.nudge.outbound.Outbound;
import io.nudge.outbound.OutboundType;
import io.nudge.stats.Counter;
import io.nudge.stats.StatsStore;
import io.nudge.stats.StatsSubjects;
import io.nudge.store.Markers;
import io.nudge.store.MessageStore;
import io.nudge.store.UserStore;
import io.nudge.users.UserService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Applies provider feedback, following the architecture's status table:
 * <ul>
 *   <li>Delivery: SENT → DELIVERED. Bounce {@code Permanent}: SENT or DELIVERED → BOUNCED and a {@code bounced}
 *       suppression of the bounced address; {@code Transient}/{@code Undetermined}: a history note and a count, a
 *       suppression at the third within 7 days. Complaint: SENT, DELIVERED or BOUNCED → COMPLAINED, a
 *       {@code complained} suppression, email consent opted_out (source {@code complaint}). Reject and Rendering
 *       Failure: SENT → FAILED with the reason. Open (the first) and Click (each, with its link): history notes, no
 *       status change. DeliveryDelay: a note. Subscription: email consent opted_out (source {@code ses_subscription}).</li>
 *   <li>SMS receipts: SENT → DELIVERED, or SENT → FAILED with the carrier's words.</li>
 *   <li>Inbound SMS: STOP … → SMS consent opted_out for every user with the number; START/UNSTOP → opted_in and
 *       {@code OptInPhoneNumber} (a refusal is recorded in the consent source and a State record); HELP recorded.</li>
 * </ul>
 * Late feedback that the table does not allow (a Delivery after a Complaint) changes nothing. Counters are incremented
 * right after the conditional write that decided them; a notification applied before changes nothing (see
 * {@link FeedbackLedger}).
 */
public final class FeedbackService {
    /** How long after a send feedback may arrive before the provider-id index knows the message: retried, not lost. */
    static final Duration CORRELATION_GRACE = Duration.ofMinutes(15);
    /** First-open, first-click and opt-in records outlive any reasonable late feedback. */
    static final Duration ENGAGEMENT_RETENTION = Duration.ofDays(400);
    private static final Log LOG = Log.of(FeedbackService.class);
    private static final Set<MessageStatus> NEVER_SENT = Set.of(MessageStatus.SCHEDULED, MessageStatus.READY,
            MessageStatus.SUPPRESSED, MessageStatus.CANCELLED);

    private final MessageStore messages;
    private final UserStore users;
    private final UserService userService;
    private final SuppressionStore suppressions;
    private final StatsStore stats;
    private final FeedbackLedger ledger;
    private final Markers markers;
    private final Engagement engagement;
    private final SoftBounces softBounces;
    private final PhoneOptIn phoneOptIn;
    private final Outbound outbound;
    private final Clock clock;

    public FeedbackService(MessageStore messages, UserStore users, UserService userService, SuppressionStore suppressions,
            StatsStore stats, FeedbackLedger ledger, Markers markers, SoftBounces softBounces, PhoneOptIn phoneOptIn, Outbound outbound, Clock clock) {
        this.messages = messages;
        this.users = users;
        this.userService = userService;
        this.suppressions = suppressions;
        this.stats = stats;
        this.ledger = ledger;
        this.markers = markers;
        this.engagement = new Engagement(markers);
        this.softBounces = softBounces;
        this.phoneOptIn = phoneOptIn;
        this.outbound = outbound;
        this.clock = clock;
    }

    public FeedbackResult apply(Feedback feedback) {
        return switch (feedback) {
            case Feedback.Ignored ignored -> new FeedbackResult.Ignored(ignored.why());
            case Feedback.Email email -> email(email);
            case Feedback.SmsReceipt receipt -> smsReceipt(receipt);
            case Feedback.InboundSms inbound -> inbound(inbound);
        };
    }

    // ------------------------------------------------------------------ email

    private FeedbackResult email(Feedback.Email email) {
        Feedback.Mail mail = email.mail();
        EmailEvent event = email.event();
        if (event instanceof EmailEvent.Sent) {
            return new FeedbackResult.Ignored("SES Send: deliver recorded SENT when SES accepted the email");
        }
        Optional<Message> found = mail.nudgeMessageId().flatMap(messages::find)
                .or(() -> messages.findByProviderId(mail.sesMessageId()));
        if (found.isEmpty()) {
            if (mail.nudgeMessageId().isEmpty() && recent(mail.sentAt().or(event::at))) {
                throw new RetryLater("no message has this SES message id yet (the index may lag a fresh send)");
            }
            return new FeedbackResult.Unmatched(mail.nudgeMessageId().map(id -> "no message " + id)
                    .orElse("no message has the SES message id of this " + event.type() + " event"));
        }
        Message message = found.get();
        Optional<FeedbackResult> notApplicable = notApplicable(message);
        if (notApplicable.isPresent()) {
            return notApplicable.get();
        }
        List<String> effects = new ArrayList<>();
        boolean anyNew = false;
        for (String recipient : recipients(event, mail)) {
            String key = FeedbackLedger.key(typeOf(event), mail.sesMessageId(), recipient, discriminator(event));
            Optional<List<String>> applied = once(key, () -> emailEffects(message, event, recipient, key));
            if (applied.isPresent()) {
                anyNew = true;
                effects.addAll(applied.get());
            }
        }
        return result(message.id(), anyNew, effects, event.type());
    }

    /** The recipients an event names, each applied (and de-duplicated) on its own; "" for events about the email. */
    private static List<String> recipients(EmailEvent event, Feedback.Mail mail) {
        List<String> named = switch (event) {
            case EmailEvent.Delivered d -> d.recipients();
            case EmailEvent.Bounced b -> b.recipients().stream().map(BouncedRecipient::address).toList();
            case EmailEvent.Complained c -> c.recipients();
            case EmailEvent.Delayed d -> d.recipients();
            default -> List.of("");
        };
        List<String> normalised = named.stream().map(r -> r.isEmpty() ? r : Suppression.normalise(Channel.EMAIL, r)).distinct().toList();
        return normalised.isEmpty() ? List.of("") : normalised;
    }

    private static String typeOf(EmailEvent event) {
        return event instanceof EmailEvent.Bounced b ? "Bounce:" + b.bounceType().name() : event.type();
    }

    /** What tells two notifications of one type apart: opens, clicks and delays happen more than once per email. */
    private static String discriminator(EmailEvent event) {
        return switch (event) {
            case EmailEvent.Opened o -> o.at().map(Instant::toString).orElse("");
            case EmailEvent.Clicked c -> c.at().map(Instant::toString).orElse("") + "|" + c.link();
            case EmailEvent.Delayed d -> d.at().map(Instant::toString).orElse("") + "|" + d.delayType();
            default -> "";
        };
    }

    private List<String> emailEffects(Message message, EmailEvent event, String recipient, String key) {
        Instant now = clock.instant();
        List<String> effects = new ArrayList<>();
        switch (event) {
            case EmailEvent.Delivered d -> transition(message, Set.of(MessageStatus.SENT), MessageStatus.DELIVERED,
                    d.smtpResponse().isEmpty() ? "ses_delivery" : "ses_delivery: " + d.smtpResponse(), Counter.DELIVERED, now, effects);
            case EmailEvent.Bounced b -> bounced(message, b, recipient, key, now, effects);
            case EmailEvent.Complained c -> {
                transition(message, Set.of(MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.BOUNCED), MessageStatus.COMPLAINED,
                        "complaint" + c.feedbackType().map(t -> ": " + t).orElse(""), Counter.COMPLAINED, now, effects);
                if (!recipient.isEmpty()) {
                    suppressions.put(new Suppression(Channel.EMAIL, recipient, SuppressionReason.COMPLAINED, "ses_complaint", now));
                    effects.add("suppressed:complained");
                }
                optOut(message, Channel.EMAIL, "complaint", Optional.empty(), now, effects);
            }
            case EmailEvent.Rejected r -> transition(message, Set.of(MessageStatus.SENT), MessageStatus.FAILED,
                    "ses_reject: " + r.reason(), Counter.FAILED, now, effects);
            case EmailEvent.RenderingFailed f -> transition(message, Set.of(MessageStatus.SENT), MessageStatus.FAILED,
                    "rendering_failure: " + f.errorMessage(), Counter.FAILED, now, effects);
            case EmailEvent.Opened o -> {
                outbound.emit(MessageEvents.engaged(message, OutboundType.MESSAGE_OPENED, key, Optional.empty(), o.at().orElse(now)));
                if (engagement.firstOpen(message.id(), now, ENGAGEMENT_RETENTION)) {
                    count(message, Counter.OPENED, now, effects);
                    note(message, "opened", now, effects);
                }
            }
            case EmailEvent.Clicked c -> {
                outbound.emit(MessageEvents.engaged(message, OutboundType.MESSAGE_CLICKED, key,
                        c.link().isEmpty() ? Optional.empty() : Optional.of(c.link()), c.at().orElse(now)));
                note(message, c.link().isEmpty() ? "clicked" : "clicked: " + c.link(), now, effects);
                if (engagement.firstClick(message.id(), now, ENGAGEMENT_RETENTION)) {
                    count(message, Counter.CLICKED, now, effects);
                }
            }
            case EmailEvent.Delayed d -> note(message, "delivery_delayed: " + d.delayType(), now, effects);
            case EmailEvent.Subscription sub -> {
                if (sub.optedOut()) {
                    optOut(message, Channel.EMAIL, "ses_subscription", Optional.of(Counter.UNSUBSCRIBED), now, effects);
                    note(message, "unsubscribed (SES subscription management)", now, effects);
                } else {
                    note(message, "subscription preferences changed (SES subscription management)", now, effects);
                }
            }
            case EmailEvent.Sent s -> { }
        }
        return effects;
    }

    private void bounced(Message message, EmailEvent.Bounced bounce, String recipient, String key, Instant now, List<String> effects) {
        String diagnostic = bounce.recipients().stream()
                .filter(r -> Suppression.normalise(Channel.EMAIL, r.address()).equals(recipient))
                .map(BouncedRecipient::diagnostic).filter(d -> !d.isEmpty()).findFirst().map(d -> ": " + d).orElse("");
        String kind = switch (bounce.bounceType()) {
            case PERMANENT -> "Permanent";
            case TRANSIENT -> "Transient";
            case UNDETERMINED -> "Undetermined";
        };
        String reason = "bounce: " + kind + "/" + bounce.subType() + diagnostic;
        if (bounce.bounceType() == BounceType.PERMANENT) {
            transition(message, Set.of(MessageStatus.SENT, MessageStatus.DELIVERED), MessageStatus.BOUNCED, reason, Counter.BOUNCED, now, effects);
            if (suppressions.putUnless(new Suppression(Channel.EMAIL, recipient, SuppressionReason.BOUNCED, "ses_bounce", now),
                    Set.of(SuppressionReason.COMPLAINED))) {
                effects.add("suppressed:bounced");
            }
            return;
        }
        note(message, "soft_" + reason, now, effects);
        int recent = softBounces.record(recipient, key, now);
        effects.add("soft_bounces:" + recent);
        if (recent >= SoftBounces.LIMIT && suppressions.putUnless(new Suppression(Channel.EMAIL, recipient, SuppressionReason.BOUNCED,
                "ses_soft_bounces: " + recent + " in " + SoftBounces.WINDOW.toDays() + " days", now),
                Set.of(SuppressionReason.COMPLAINED, SuppressionReason.BOUNCED))) {
            effects.add("suppressed:bounced");
        }
    }

    // ------------------------------------------------------------------ SMS receipts

    private FeedbackResult smsReceipt(Feedback.SmsReceipt receipt) {
        Optional<Message> found = messages.findByProviderId(receipt.providerMessageId());
        if (found.isEmpty()) {
            if (recent(receipt.at())) {
                throw new RetryLater("no message has this SNS message id yet (the index may lag a fresh send)");
            }
            return new FeedbackResult.Unmatched("no message has the SNS message id of this SMS receipt");
        }
        Message message = found.get();
        Optional<FeedbackResult> notApplicable = notApplicable(message);
        if (notApplicable.isPresent()) {
            return notApplicable.get();
        }
        String key = FeedbackLedger.key("SmsReceipt", receipt.providerMessageId(), receipt.delivered() ? "SUCCESS" : "FAILURE");
        Optional<List<String>> applied = once(key, () -> {
            Instant now = clock.instant();
            List<String> effects = new ArrayList<>();
            if (receipt.delivered()) {
                transition(message, Set.of(MessageStatus.SENT), MessageStatus.DELIVERED, "carrier: " + receipt.providerResponse(),
                        Counter.DELIVERED, now, effects);
            } else {
                transition(message, Set.of(MessageStatus.SENT), MessageStatus.FAILED, "carrier: " + receipt.providerResponse(),
                        Counter.FAILED, now, effects);
                String words = receipt.providerResponse().toLowerCase(Locale.ROOT);
                if (words.contains("opted out") || words.contains("opt-out") || words.contains("opt out")) {
                    optOut(message, Channel.SMS, "carrier", Optional.empty(), now, effects);
                }
            }
            return effects;
        });
        return result(message.id(), applied.isPresent(), applied.orElse(List.of()), "SmsReceipt");
    }

    // ------------------------------------------------------------------ inbound SMS

    private FeedbackResult inbound(Feedback.InboundSms sms) {
        String subject = "inbound:" + sms.inboundMessageId();
        String key = FeedbackLedger.key("InboundSms", sms.inboundMessageId());
        Optional<List<String>> applied = once(key, () -> {
            Instant now = clock.instant();
            List<String> userIds = users.idsByPhone(sms.fromNumber());
            List<String> effects = new ArrayList<>();
            effects.add("keyword:" + sms.keyword().wire());
            effects.add("users:" + userIds.size());
            switch (sms.keyword()) {
                case STOP -> {
                    Optional<Message> repliedTo = sms.previousPublishedMessageId().flatMap(messages::findByProviderId);
                    for (String userId : userIds) {
                        boolean changed = setConsent(userId, Channel.SMS, ConsentStatus.OPTED_OUT, "inbound_sms");
                        if (changed) {
                            effects.add("consent:sms:opted_out");
                            repliedTo.filter(m -> m.userId().equals(userId)).ifPresent(m -> {
                                count(m, Counter.UNSUBSCRIBED, now, effects);
                                note(m, "unsubscribed (inbound SMS STOP)", now, effects);
                            });
                        }
                    }
                }
                case START -> {
                    if (!userIds.isEmpty()) {
                        PhoneOptIn.Result optIn = optInOnce(sms, now);
                        String source = switch (optIn) {
                            case PhoneOptIn.Result.OptedIn ok -> "inbound_sms";
                            case PhoneOptIn.Result.Refused refused -> "inbound_sms; aws_opt_in_refused";
                        };
                        if (optIn instanceof PhoneOptIn.Result.Refused refused) {
                            effects.add("aws_opt_in_refused: " + refused.reason());
                        }
                        for (String userId : userIds) {
                            if (setConsent(userId, Channel.SMS, ConsentStatus.OPTED_IN, source)) {
                                effects.add("consent:sms:opted_in");
                            }
                        }
                    }
                }
                case HELP, OTHER -> { }
            }
            LOG.info("inbound SMS applied", "inboundMessageId", sms.inboundMessageId(), "keyword", sms.keyword().wire(),
                    "users", userIds.size());
            return effects;
        });
        return applied.<FeedbackResult>map(effects -> new FeedbackResult.Applied(subject, effects))
                .orElseGet(() -> new FeedbackResult.Duplicate(subject));
    }

    /**
     * OptInPhoneNumber at most once per inbound START (AWS allows it once per 30 days per number, so a retry must not
     * ask again): the answer is kept in the State table under the inbound message's id, refusals included.
     */
    private PhoneOptIn.Result optInOnce(Feedback.InboundSms sms, Instant now) {
        String key = "optin#" + sms.inboundMessageId();
        Optional<PhoneOptIn.Result> earlier = markers.find(key, now).map(item -> item.containsKey("refused")
                ? new PhoneOptIn.Result.Refused(item.get("refused").s()) : new PhoneOptIn.Result.OptedIn());
        if (earlier.isPresent()) {
            return earlier.get();
        }
        PhoneOptIn.Result result = phoneOptIn.optIn(sms.fromNumber());
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> record = new java.util.HashMap<>();
        record.put("at", s(Times.format(now)));
        if (result instanceof PhoneOptIn.Result.Refused refused) {
            record.put("refused", s(refused.reason()));
            LOG.warn("AWS refused OptInPhoneNumber; SMS consent is opted_in but AWS keeps the number opted out",
                    "inboundMessageId", sms.inboundMessageId(), "reason", refused.reason());
        }
        markers.putIfAbsent(key, record, now.plus(ENGAGEMENT_RETENTION), now);
        return result;
    }

    // ------------------------------------------------------------------ shared steps

    /** Feedback about a message that was never handed to a provider cannot apply; a SENDING one will, shortly. */
    private static Optional<FeedbackResult> notApplicable(Message message) {
        if (message.status() == MessageStatus.SENDING) {
            throw new RetryLater("message " + message.id() + " is still SENDING");
        }
        if (NEVER_SENT.contains(message.status())) {
            return Optional.of(new FeedbackResult.Ignored("message " + message.id() + " is " + message.status() + ": it was never sent"));
        }
        return Optional.empty();
    }

    /**
     * Runs {@code effects} once per ledger key. Empty when the key was applied before; a transient failure gives the
     * claim back and propagates, so the retry applies it.
     */
    private Optional<List<String>> once(String key, Supplier<List<String>> effects) {
        Instant now = clock.instant();
        switch (ledger.claim(key, now)) {
            case FeedbackLedger.Claim.Done done -> {
                return Optional.empty();
            }
            case FeedbackLedger.Claim.InProgress busy -> throw new RetryLater("the same notification is being applied right now");
            case FeedbackLedger.Claim.Claimed claimed -> { }
        }
        List<String> applied;
        try {
            applied = effects.get();
        } catch (RuntimeException failure) {
            ledger.release(key);
            throw failure;
        }
        ledger.complete(key, String.join(",", applied));
        return Optional.of(applied);
    }

    private void transition(Message message, Set<MessageStatus> from, MessageStatus to, String reason, Counter counter,
            Instant now, List<String> effects) {
        if (messages.transitionFrom(message.id(), from, to, Optional.of(reason), now)) {
            effects.add("status:" + to.name());
            count(message, counter, now, effects);
            outbound.emit(MessageEvents.statusChanged(message, to, Optional.of(reason), Optional.empty(), message.to(), now));
        } else {
            // Applied before by this same notification (its ledger claim was given back after a failure): the record again.
            if (MessageEvents.typeOf(to).map(outbound::wantsAny).orElse(false)) {
                messages.find(message.id()).ifPresent(current -> outbound.emitAll(MessageEvents.fromHistory(current, Set.of(to))));
            }
            // Late feedback the status table does not allow (a Delivery after a Complaint): no change.
            effects.add("no_change:" + to.name());
        }
    }

    private void count(Message message, Counter counter, Instant now, List<String> effects) {
        stats.increment(StatsSubjects.of(message), message.channel(), now, counter);
        if (counter == Counter.COMPLAINED) {
            io.nudge.topics.TopicCatalog.of(message).ifPresent(topic -> stats.increment(io.nudge.stats.Subject.topic(topic), message.channel(),
                    now, io.nudge.topics.TopicStats.COMPLAINED));
        }
        effects.add("counted:" + counter.wire());
    }

    private void note(Message message, String reason, Instant now, List<String> effects) {
        messages.noteCurrent(message.id(), reason, now).ifPresent(status -> effects.add("noted:" + reason.split(":")[0]));
    }

    /** Consent opted_out for the message's user; {@code counter} is counted only when the consent actually changed. */
    private void optOut(Message message, Channel channel, String source, Optional<Counter> counter, Instant now, List<String> effects) {
        if (setConsent(message.userId(), channel, ConsentStatus.OPTED_OUT, source)) {
            effects.add("consent:" + channel.wire() + ":opted_out");
            counter.ifPresent(c -> count(message, c, now, effects));
        }
    }

    /** @return true when the consent changed (the user exists and was not {@code status} already) */
    private boolean setConsent(String userId, Channel channel, ConsentStatus status, String source) {
        Optional<io.nudge.model.UserProfile> user = users.find(userId);
        if (user.isEmpty()) {
            return false; // erased meanwhile: feedback must not bring a profile back
        }
        Optional<ConsentStatus> before = Optional.ofNullable(user.get().consent().get(channel)).map(Consent::status);
        if (before.isPresent() && before.get() == status) {
            userService.consentUnchanged(user.get(), channel);
            return false;
        }
        userService.setConsent(userId, channel, status, source);
        return true;
    }

    private boolean recent(Optional<Instant> at) {
        return at.map(t -> t.isAfter(clock.instant().minus(CORRELATION_GRACE))).orElse(false);
    }

    private static FeedbackResult result(String messageId, boolean anyNew, List<String> effects, String type) {
        if (!anyNew) {
            return new FeedbackResult.Duplicate(messageId);
        }
        LOG.info("feedback applied", "messageId", messageId, "type", type, "effects", String.join(",", effects));
        return new FeedbackResult.Applied(messageId, effects);
    }
}
