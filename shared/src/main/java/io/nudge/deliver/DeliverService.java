package io.nudge.deliver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.EmailMessage;
import io.nudge.channel.EmailSender;
import io.nudge.channel.SendOutcome;
import io.nudge.channel.SmsMessage;
import io.nudge.channel.SmsSender;
import io.nudge.evaluate.EvaluationContext;
import io.nudge.json.Json;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.UserProfile;
import io.nudge.store.MessageStore;
import io.nudge.store.UserStore;
import io.nudge.template.CompiledTemplate;
import io.nudge.template.Rendered;
import io.nudge.template.Renderer;
import io.nudge.template.TemplateCatalog;
import java.time.Clock;
import java.util.Optional;

/**
 * Claim (READY → SENDING), check the address, render, stamp attemptAt, call the provider once, record the
 * outcome. Every step is a conditional write from the expected status: at most once to the provider.
 */
public final class DeliverService {
    /** A message the provider refused to take this often (throttled, unavailable) is given up as FAILED. */
    static final int MAX_REQUEUES = 5;

    private final MessageStore messages;
    private final UserStore users;
    private final TemplateCatalog templates;
    private final EmailSender email;
    private final SmsSender sms;
    private final String emailFrom;
    private final Clock clock;

    public DeliverService(MessageStore messages, UserStore users, TemplateCatalog templates, EmailSender email,
            SmsSender sms, String emailFrom, Clock clock) {
        this.messages = messages;
        this.users = users;
        this.templates = templates;
        this.email = email;
        this.sms = sms;
        this.emailFrom = emailFrom;
        this.clock = clock;
    }

    /** Call once per batch: picks up changed templates. */
    public void refreshDefinitions() {
        templates.refresh();
    }

    public DeliveryResult deliver(String messageId) {
        Optional<Message> claimed = messages.claim(messageId, clock.instant());
        if (claimed.isEmpty()) {
            return new DeliveryResult.Skipped("not_ready");
        }
        Message message = claimed.get();
        Optional<UserProfile> user = users.find(message.userId());
        Optional<String> address = user.flatMap(u -> switch (message.channel()) {
            case EMAIL -> u.email();
            case SMS -> u.phone();
            case PUSH -> Optional.<String>empty();
        });
        if (address.isEmpty()) {
            return finish(message, MessageStatus.SUPPRESSED, new DeliveryResult.Suppressed("invalid_address"));
        }
        Optional<CompiledTemplate> template = templates.find(message.templateId());
        if (template.isEmpty()) {
            return finish(message, MessageStatus.FAILED, new DeliveryResult.Failed("template_not_found: " + message.templateId()));
        }
        Rendered rendered;
        try {
            rendered = Renderer.render(template.get(), user.get().locale().orElse(null), variables(message, user.get()));
        } catch (RuntimeException e) {
            return finish(message, MessageStatus.FAILED, new DeliveryResult.Failed("render_error: " + shorten(e.getMessage())));
        }
        Optional<String> subject = rendered instanceof Rendered.Email e ? Optional.of(e.subject()) : Optional.empty();
        if (!messages.stampAttempt(message.id(), clock.instant(), address.get(), subject)) {
            return new DeliveryResult.Skipped("no_longer_sending");
        }
        SendOutcome outcome = switch (rendered) {
            case Rendered.Email e -> email.send(new EmailMessage(message.id(), message.triggerId(), emailFrom,
                    address.get(), e.subject(), e.html(), e.text(), message.priority()));
            case Rendered.Sms s -> sms.send(new SmsMessage(message.id(), message.triggerId(), address.get(), s.body(), message.priority()));
        };
        return switch (outcome) {
            case SendOutcome.Accepted a -> {
                messages.transition(message.id(), MessageStatus.SENDING, MessageStatus.SENT, Optional.empty(),
                        Optional.of(a.providerMessageId()), clock.instant());
                yield new DeliveryResult.Sent(a.providerMessageId());
            }
            case SendOutcome.Rejected r -> finish(message, MessageStatus.FAILED, new DeliveryResult.Failed("provider_rejected: " + shorten(r.reason())));
            // Stopgap from the channels branch so the module compiles; no push is sent here yet. Replace when wiring push.
            case SendOutcome.EndpointDisabled d -> finish(message, MessageStatus.FAILED, new DeliveryResult.Failed("endpoint_disabled: " + shorten(d.reason())));
            case SendOutcome.Unknown u -> finish(message, MessageStatus.UNKNOWN, new DeliveryResult.Unknown("provider_outcome_unknown: " + shorten(u.reason())));
            case SendOutcome.Retryable r -> requeue(message, r.reason());
        };
    }

    private DeliveryResult requeue(Message message, String reason) {
        long requeues = message.history().stream().filter(h -> h.reason() != null && h.reason().startsWith("requeued")).count();
        if (requeues >= MAX_REQUEUES) {
            return finish(message, MessageStatus.FAILED, new DeliveryResult.Failed("provider_unavailable: " + shorten(reason)));
        }
        messages.transition(message.id(), MessageStatus.SENDING, MessageStatus.READY,
                Optional.of("requeued: " + shorten(reason)), Optional.empty(), clock.instant());
        return new DeliveryResult.Requeued(reason);
    }

    private DeliveryResult finish(Message message, MessageStatus status, DeliveryResult result) {
        String reason = switch (result) {
            case DeliveryResult.Suppressed s -> s.reason();
            case DeliveryResult.Failed f -> f.reason();
            case DeliveryResult.Unknown u -> u.reason();
            default -> null;
        };
        messages.transition(message.id(), MessageStatus.SENDING, status, Optional.ofNullable(reason), Optional.empty(), clock.instant());
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
        return oneLine.length() > 300 ? oneLine.substring(0, 300) : oneLine;
    }

}
