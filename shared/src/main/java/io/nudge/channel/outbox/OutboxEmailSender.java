package io.nudge.channel.outbox;

import io.nudge.channel.EmailMessage;
import io.nudge.channel.EmailSender;
import io.nudge.channel.SendOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Local mode: "sends" an email by writing {@code <outbox>/<messageId>.eml}, a complete MIME message any mail client
 * opens. The returned provider id plays the part of the SES message id, and is the file's {@code Message-ID}.
 */
public final class OutboxEmailSender implements EmailSender {
    private final Path outboxDir;
    private final Clock clock;
    private final Supplier<String> providerIds;

    public OutboxEmailSender(Path outboxDir, Clock clock) {
        this(outboxDir, clock, OutboxEmailSender::localId);
    }

    public OutboxEmailSender(Path outboxDir, Clock clock, Supplier<String> providerIds) {
        this.outboxDir = Objects.requireNonNull(outboxDir, "outboxDir");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.providerIds = Objects.requireNonNull(providerIds, "providerIds");
    }

    @Override
    public SendOutcome send(EmailMessage email) {
        Objects.requireNonNull(email, "email");
        String fileName = AtomicFiles.requireSafeName(email.messageId()) + ".eml";
        String providerId = Objects.requireNonNull(providerIds.get(), "provider id");
        String mime = MimeEmail.render(email, providerId, clock.instant());
        try {
            AtomicFiles.write(outboxDir, fileName, mime.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The write is atomic, so nothing is in the outbox: safe to try again.
            return new SendOutcome.Unavailable("could not write to the outbox (" + e.getClass().getSimpleName() + ")");
        }
        return new SendOutcome.Accepted(providerId);
    }

    static String localId() {
        return "local-" + UUID.randomUUID();
    }
}
