package io.nudge.channel.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.PushMessage;
import io.nudge.channel.PushSender;
import io.nudge.channel.SendOutcome;
import io.nudge.channel.push.PushPayloads;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Local mode: "sends" a push by writing {@code <outbox>/<messageId>.<platform>-<device>.push.json}, one file per
 * device of the message ({@code <device>} is a hash of the target). {@code message} is exactly what SNS
 * would be given; {@code payload} is the platform's part of it as an object, because inside {@code message} it is an
 * escaped JSON string nobody wants to read.
 */
public final class OutboxPushSender implements PushSender {
    private final Path outboxDir;
    private final Clock clock;
    private final Supplier<String> providerIds;

    public OutboxPushSender(Path outboxDir, Clock clock) {
        this(outboxDir, clock, OutboxEmailSender::localId);
    }

    public OutboxPushSender(Path outboxDir, Clock clock, Supplier<String> providerIds) {
        this.outboxDir = Objects.requireNonNull(outboxDir, "outboxDir");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.providerIds = Objects.requireNonNull(providerIds, "providerIds");
    }

    @Override
    public SendOutcome send(PushMessage push) {
        Objects.requireNonNull(push, "push");
        String fileName = fileName(push);
        String providerId = Objects.requireNonNull(providerIds.get(), "provider id");
        ObjectNode json = Json.object()
                .put("messageId", push.messageId())
                .put("triggerId", push.triggerId())
                .put("providerMessageId", providerId)
                .put("target", push.target())
                .put("platform", push.platform().wire())
                .put("priority", push.priority().wire())
                .put("messageStructure", PushPayloads.MESSAGE_STRUCTURE)
                .put("message", PushPayloads.snsMessage(push))
                .put("sentAt", clock.instant().toString());
        json.set("payload", PushPayloads.platformPayload(push));
        try {
            AtomicFiles.write(outboxDir, fileName, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a push", e);
        } catch (IOException e) {
            // The write is atomic, so nothing is in the outbox: safe to try again.
            return new SendOutcome.Unavailable("could not write to the outbox (" + e.getClass().getSimpleName() + ")");
        }
        return new SendOutcome.Accepted(providerId);
    }

    /** A message goes to every device of its user, so the file names the device too (hashed: a target leads to one). */
    static String fileName(PushMessage push) {
        String device = Ids.derive("outbox-push-target", push.target()).substring(0, 10);
        return AtomicFiles.requireSafeName(push.messageId()) + "." + push.platform().wire() + "-" + device + ".push.json";
    }
}
