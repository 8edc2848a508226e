package io.nudge.deliver;

import io.nudge.channel.PushMessage;
import io.nudge.channel.PushSender;
import io.nudge.channel.SendOutcome;
import io.nudge.log.Log;
import io.nudge.model.Message;
import io.nudge.model.PushToken;
import io.nudge.template.Rendered;
import io.nudge.users.UserService;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One message, one push per device of the user, one outcome for the message. A device the provider calls disabled
 * is removed from the user (and its endpoint deleted) at once, so the next message does not try it again.
 */
final class PushFanOut {
    private static final Log LOG = Log.of(PushFanOut.class);

    private final PushSender sender;
    private final UserService users;

    PushFanOut(PushSender sender, UserService users) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.users = Objects.requireNonNull(users, "users");
    }

    /** What {@code claimForSend} records as the recipient: how many devices, never a token or an endpoint. */
    static String recipient(List<PushToken> devices) {
        return "push: " + devices.size() + " device(s)";
    }

    SendOutcome send(Message message, List<PushToken> devices, Rendered.Push push) {
        List<SendOutcome> outcomes = new ArrayList<>(devices.size());
        for (PushToken device : devices) {
            SendOutcome outcome = sender.send(new PushMessage(message.id(), message.triggerId(), device.target(),
                    device.platform(), push.title(), push.body(), push.data(), message.priority()));
            if (outcome instanceof SendOutcome.EndpointDisabled) {
                forget(message, device);
            }
            outcomes.add(outcome);
        }
        return combine(outcomes);
    }

    /**
     * The message's outcome from its devices'. Any device that took it makes it sent: sending again for the others
     * would repeat it on that device. Otherwise one that may have it makes it unknown (never resent), one that can
     * be retried defers it, a refusal fails it, and only when every device is gone is there nobody to send to.
     */
    static SendOutcome combine(List<SendOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            throw new IllegalArgumentException("outcomes is empty");
        }
        return first(outcomes, SendOutcome.Accepted.class)
                .or(() -> first(outcomes, SendOutcome.Unknown.class))
                .or(() -> first(outcomes, SendOutcome.Throttled.class))
                .or(() -> first(outcomes, SendOutcome.Unavailable.class))
                .or(() -> first(outcomes, SendOutcome.Rejected.class))
                .orElseGet(() -> outcomes.get(0));
    }

    private static Optional<SendOutcome> first(List<SendOutcome> outcomes, Class<? extends SendOutcome> type) {
        return outcomes.stream().filter(type::isInstance).findFirst();
    }

    private void forget(Message message, PushToken device) {
        try {
            users.removePushTarget(message.userId(), device.target());
        } catch (RuntimeException e) {
            // The send already happened; the device is tried (and removed) again with the user's next push.
            LOG.error("could not remove a disabled push device", e, "messageId", message.id(), "platform", device.platform().wire());
        }
    }
}
