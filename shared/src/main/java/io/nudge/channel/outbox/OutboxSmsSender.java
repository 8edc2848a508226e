package io.nudge.channel.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.SendOutcome;
import io.nudge.channel.SmsMessage;
import io.nudge.channel.SmsSender;
import io.nudge.channel.aws.SnsSmsSender;
import io.nudge.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Local mode: "sends" an SMS by writing {@code <outbox>/<messageId>.sms.json} with what SNS would have been given
 * ({@code smsType} spelled as SNS spells it) and the provider id a real send would have returned.
 */
public final class OutboxSmsSender implements SmsSender {
    private final Path outboxDir;
    private final Clock clock;
    private final Supplier<String> providerIds;

    public OutboxSmsSender(Path outboxDir, Clock clock) {
        this(outboxDir, clock, OutboxEmailSender::localId);
    }

    public OutboxSmsSender(Path outboxDir, Clock clock, Supplier<String> providerIds) {
        this.outboxDir = Objects.requireNonNull(outboxDir, "outboxDir");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.providerIds = Objects.requireNonNull(providerIds, "providerIds");
    }

    @Override
    public SendOutcome send(SmsMessage sms) {
        Objects.requireNonNull(sms, "sms");
        String fileName = AtomicFiles.requireSafeName(sms.messageId()) + ".sms.json";
        String providerId = Objects.requireNonNull(providerIds.get(), "provider id");
        ObjectNode json = Json.object()
                .put("messageId", sms.messageId())
                .put("triggerId", sms.triggerId())
                .put("providerMessageId", providerId)
                .put("to", sms.to())
                .put("body", sms.body())
                .put("smsType", SnsSmsSender.smsType(sms.priority()))
                .put("sentAt", clock.instant().toString());
        try {
            AtomicFiles.write(outboxDir, fileName, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an SMS", e);
        } catch (IOException e) {
            // The write is atomic, so nothing is in the outbox: safe to try again.
            return new SendOutcome.Unavailable("could not write to the outbox (" + e.getClass().getSimpleName() + ")");
        }
        return new SendOutcome.Accepted(providerId);
    }
}
