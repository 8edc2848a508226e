package io.nudge.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;
import io.nudge.lambda.PermanentFailure;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.store.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * schedule-sends' two jobs. {@link #ensureScheduled} makes sure a SCHEDULED message's slot has its one-time schedule
 * (exactly one CreateSchedule per slot, elected by a conditional put) or, if the slot fired already, releases the
 * message at once. {@link #fire} releases a slot's messages, and those of any earlier slot that never fired
 * ({@link SlotReleaser}, which the sweep also runs for slots whose schedule was never created).
 */
public final class SlotService {
    /** A CREATING claim this old belongs to a caller that failed: take over (CreateSchedule is idempotent by name). */
    static final Duration STUCK_CLAIM = Duration.ofSeconds(30);
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private final SlotStore slots;
    private final MessageStore messages;
    private final Scheduler scheduler;
    private final SlotReleaser releaser;
    private final Clock clock;

    public SlotService(SlotStore slots, MessageStore messages, Scheduler scheduler, Clock clock) {
        this(slots, messages, scheduler, SlotWaiters.NONE, clock);
    }

    public SlotService(SlotStore slots, MessageStore messages, Scheduler scheduler, SlotWaiters waiters, Clock clock) {
        this.slots = slots;
        this.messages = messages;
        this.scheduler = scheduler;
        this.releaser = new SlotReleaser(slots, messages, waiters, clock);
        this.clock = clock;
    }

    public sealed interface Outcome {
        record ScheduleCreated(long slot) implements Outcome {}

        record AlreadyScheduled(long slot) implements Outcome {}

        /** The slot fired (or is due) already: the message was released now. */
        record ReleasedNow(long slot) implements Outcome {}

        record NotScheduled() implements Outcome {}
    }

    public Outcome ensureScheduled(Message message) {
        if (message.status() != MessageStatus.SCHEDULED || message.dueAt().isEmpty()) {
            return new Outcome.NotScheduled();
        }
        long slot = Slots.slotOf(message.dueAt().get(), messages.slotWidth());
        return ensureSlot(slot, reason -> messages.releaseNow(message.id(), reason, clock.instant()));
    }

    /**
     * Makes sure {@code slot} has its one-time schedule; when it is due or fired already, {@code dueAlready} is run with
     * the reason instead (a schedule in the past would never fire), for whatever waits in it.
     */
    public Outcome ensureSlot(long slot, java.util.function.Consumer<String> dueAlready) {
        Instant now = clock.instant();
        if (!Instant.ofEpochSecond(slot).isAfter(now)) {
            // Due already (a late stream record): a schedule in the past would never fire.
            dueAlready.accept("due");
            return new Outcome.ReleasedNow(slot);
        }
        return switch (slots.claim(slot, now)) {
            case SlotStore.Claim.Won won -> {
                createSchedule(slot);
                yield new Outcome.ScheduleCreated(slot);
            }
            case SlotStore.Claim.Creating creating -> {
                if (creating.since().plus(STUCK_CLAIM).isBefore(now)) {
                    createSchedule(slot);
                    yield new Outcome.ScheduleCreated(slot);
                }
                yield new Outcome.AlreadyScheduled(slot);
            }
            case SlotStore.Claim.Scheduled scheduled -> new Outcome.AlreadyScheduled(slot);
            case SlotStore.Claim.Fired fired -> {
                dueAlready.accept("due: slot had fired");
                yield new Outcome.ReleasedNow(slot);
            }
        };
    }

    private void createSchedule(long slot) {
        Instant at = Instant.ofEpochSecond(slot);
        scheduler.create(new ScheduleRequest(Slots.scheduleName(slot), "at(" + AT.format(at) + ")", ZoneOffset.UTC,
                ScheduleRequest.Target.SCHEDULE_SENDS, Json.write(Json.object().put("slot", at.toString())), true));
        slots.markScheduled(slot);
    }

    /** A Messages stream record's new image: its event source passes SCHEDULED only, a replayed one may be anything. */
    public Outcome ensureScheduledFromImage(Map<String, AttributeValue> image) {
        return ensureScheduled(MessageStore.fromItem(image));
    }

    /**
     * The slot Scheduler's input names ({"slot":"2026-11-24T09:01:00Z"}, as {@link #createSchedule} writes it).
     *
     * @throws PermanentFailure when it names none: retrying the same input would not change it
     */
    public static Instant slotOf(JsonNode input) {
        if (input == null || !input.path("slot").isTextual()) {
            throw new PermanentFailure("neither a stream batch nor a slot");
        }
        try {
            return Instant.parse(input.get("slot").textValue());
        } catch (DateTimeParseException e) {
            throw new PermanentFailure("neither a stream batch nor a slot");
        }
    }

    /** Scheduler invoked us for {@code slot}. Firing twice releases nothing twice: releases are conditional. */
    public SlotReleaser.Fired fire(Instant slotTime) {
        return releaser.fire(slotTime);
    }
}
