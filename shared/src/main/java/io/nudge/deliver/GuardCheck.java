package io.nudge.deliver;

import io.nudge.guards.FrequencyCaps;
import io.nudge.guards.GuardSettings;
import io.nudge.guards.RateLimits;
import io.nudge.guards.SuppressionStore;
import io.nudge.model.Channel;
import io.nudge.model.Message;
import io.nudge.model.Priority;
import io.nudge.model.UserProfile;
import io.nudge.trigger.TriggerDefinition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link DeliverService}'s guards asked now, in its order, about a message that is not stored — reading only: no
 * reservation, no token, no transition. Every guard is asked (deliver stops at the first that does not pass), so a
 * test shows each verdict; the first that is not {@link Pass} is the one deliver would act on.
 */
public final class GuardCheck {
    /** The guards, in deliver's order. */
    public enum Guard {
        ADDRESS("address"), CONSENT("consent"), TOPIC("topic"), SUPPRESSION("suppression"), QUIET_HOURS("quiet_hours"),
        FREQUENCY_CAP("frequency_cap"), RATE_LIMIT("rate_limit");

        private final String wire;

        Guard(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /** What one guard would do with the message now. */
    public sealed interface Verdict permits Pass, Stop, Defer {}

    /** Lets it through; {@code reason} says why when the guard does not apply (a transactional message, say). */
    public record Pass(Optional<String> reason) implements Verdict {}

    /** Would end it SUPPRESSED with {@code reason} (deliver's status reason); {@code detail} says more to a person. */
    public record Stop(String reason, Optional<String> detail) implements Verdict {
        public Stop(String reason) {
            this(reason, Optional.empty());
        }
    }

    /** Would hold it until {@code until}. */
    public record Defer(String reason, Instant until) implements Verdict {}

    public record Checked(Guard guard, Verdict verdict) {
        public Checked {
            Objects.requireNonNull(guard, "guard");
            Objects.requireNonNull(verdict, "verdict");
        }
    }

    private final SuppressionStore suppressions;
    private final FrequencyCaps caps;
    private final RateLimits rates;
    private final GuardSettings settings;
    private final java.time.Duration slotWidth;
    private final Clock clock;
    private final io.nudge.topics.TopicCatalog topics;

    public GuardCheck(SuppressionStore suppressions, FrequencyCaps caps, RateLimits rates, GuardSettings settings,
            java.time.Duration slotWidth, io.nudge.topics.TopicCatalog topics, Clock clock) {
        this.topics = Objects.requireNonNull(topics, "topics");
        this.suppressions = suppressions;
        this.caps = caps;
        this.rates = rates;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.slotWidth = Objects.requireNonNull(slotWidth, "slotWidth");
        this.clock = clock;
    }

    public List<Checked> check(Message message, UserProfile user, TriggerDefinition trigger) {
        Instant now = clock.instant();
        boolean marketing = message.priority() == Priority.MARKETING;
        Optional<Pass> transactional = marketing ? Optional.empty() : Optional.of(new Pass(Optional.of("transactional")));
        if (message.channel() == Channel.WEBHOOK) {
            // no person receives it: only the destination's rate limit applies, per host, when it is sent
            Pass notApplicable = new Pass(Optional.of("webhooks reach no person: this guard does not apply"));
            return List.of(new Checked(Guard.ADDRESS, new Pass(Optional.of("the URL's host, once rendered"))),
                    new Checked(Guard.CONSENT, notApplicable), new Checked(Guard.TOPIC, notApplicable),
                    new Checked(Guard.SUPPRESSION, notApplicable),
                    new Checked(Guard.QUIET_HOURS, notApplicable), new Checked(Guard.FREQUENCY_CAP, notApplicable),
                    new Checked(Guard.RATE_LIMIT, new Pass(Optional.of("per destination host, checked when it is sent"))));
        }
        Optional<String> address = DeliverService.address(user, message.channel());

        Verdict addressed = address.isPresent() ? pass() : new Stop("invalid_address");
        Verdict consent = transactional.<Verdict>map(p -> p)
                .orElseGet(() -> DeliverService.consented(user, message.channel()) ? pass() : new Stop("no_consent"));
        Verdict topic = transactional.<Verdict>map(p -> p).orElseGet(() -> io.nudge.topics.TopicCatalog.of(message)
                .<Verdict>map(t -> topics.subscribed(user, t, message.channel()) ? new Pass(Optional.of("subscribed to " + t))
                        : new Stop(DeliverService.TOPIC_UNSUBSCRIBED, Optional.of(user.subscription(t, message.channel())
                                .map(s -> "chose unsubscribed (" + s.source() + ", " + s.at() + ")")
                                .orElse("the topic's default is unsubscribed"))))
                .orElseGet(() -> new Pass(Optional.of("no topic"))));
        Verdict suppression;
        if (message.channel() == Channel.PUSH) {
            suppression = new Pass(Optional.of("push is not on the suppression list"));
        } else if (address.isEmpty()) {
            suppression = new Pass(Optional.of("no address to look up"));
        } else {
            suppression = suppressions.find(message.channel(), address.get()).<Verdict>map(s -> new Stop("suppressed",
                    Optional.of("the " + message.channel().wire() + " address is on the suppression list (" + s.reason().wire() + ", "
                            + s.source() + ", since " + s.at() + ")")))
                    .orElseGet(GuardCheck::pass);
        }
        Verdict quiet = transactional.<Verdict>map(p -> p).orElseGet(() -> {
            ZoneId zone = user.timezone().map(ZoneId::of).orElse(settings.defaultZone());
            return DeliverService.quietHours(Optional.of(trigger), settings).flatMap(q -> q.endIfInside(now, zone))
                    .<Verdict>map(end -> new Defer("quiet_hours", end)).orElseGet(GuardCheck::pass);
        });
        Verdict cap = transactional.<Verdict>map(p -> p).orElseGet(() -> switch (caps.check(message.userId(), message.id(),
                message.channel(), trigger.id(), trigger.frequencyCap(), now)) {
            case FrequencyCaps.Reservation.Reserved r -> pass();
            case FrequencyCaps.Reservation.CapReached reached -> new Stop("frequency_cap: " + reached.cap());
        });
        Verdict rate = switch (rates.check(message.channel(), now)) {
            case RateLimits.Decision.Allowed a -> pass();
            case RateLimits.Decision.PerSecondLimited limited ->
                    new Defer(DeliverService.RATE_LIMIT + ": " + limited.limit(), now.plus(slotWidth));
            case RateLimits.Decision.DailyLimited limited -> new Defer(DeliverService.DAILY_LIMIT + ": " + limited.limit(), limited.resetsAt());
        };
        return List.of(new Checked(Guard.ADDRESS, addressed), new Checked(Guard.CONSENT, consent), new Checked(Guard.TOPIC, topic),
                new Checked(Guard.SUPPRESSION, suppression), new Checked(Guard.QUIET_HOURS, quiet),
                new Checked(Guard.FREQUENCY_CAP, cap), new Checked(Guard.RATE_LIMIT, rate));
    }

    private static Pass pass() {
        return new Pass(Optional.empty());
    }
}
