package io.nudge.feedback;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a provider told us after a send, provider-neutral: an SES event about one email, an SMS delivery receipt, or
 * an SMS a user sent to our two-way number. Parsed by {@link FeedbackParser}, applied by {@link FeedbackService}.
 */
public sealed interface Feedback {

    /** One SES event (event publishing or the older notification format) about one email. */
    record Email(Mail mail, EmailEvent event) implements Feedback {
        public Email {
            Objects.requireNonNull(mail, "mail");
            Objects.requireNonNull(event, "event");
        }
    }

    /** An SNS SMS delivery-status log line (CloudWatch Logs): the carrier's verdict on one SMS. */
    record SmsReceipt(String providerMessageId, boolean delivered, String providerResponse, Optional<Instant> at) implements Feedback {
        public SmsReceipt {
            Objects.requireNonNull(providerMessageId, "providerMessageId");
            Objects.requireNonNull(providerResponse, "providerResponse");
            Objects.requireNonNull(at, "at");
        }
    }

    /** An SMS a user sent to the two-way number (AWS End User Messaging → SNS). */
    record InboundSms(String inboundMessageId, String fromNumber, Keyword keyword, Optional<String> previousPublishedMessageId)
            implements Feedback {
        public InboundSms {
            Objects.requireNonNull(inboundMessageId, "inboundMessageId");
            Objects.requireNonNull(fromNumber, "fromNumber");
            Objects.requireNonNull(keyword, "keyword");
            Objects.requireNonNull(previousPublishedMessageId, "previousPublishedMessageId");
        }
    }

    /** Nothing to do: an SES Send event (deliver recorded SENT itself), SES's subscription confirmation, … */
    record Ignored(String why) implements Feedback {
        public Ignored {
            Objects.requireNonNull(why, "why");
        }
    }

    /** What an inbound SMS asks for; its body, trimmed, in any case. */
    enum Keyword {
        STOP, START, HELP, OTHER;

        public static Keyword of(String body) {
            return switch (body.strip().toUpperCase(java.util.Locale.ROOT)) {
                case "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT" -> STOP;
                case "START", "UNSTOP" -> START;
                case "HELP" -> HELP;
                default -> OTHER;
            };
        }

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The email an SES event is about. {@code nudgeMessageId} comes from our {@code nudge_message_id} tag (absent in the
     * older notification format, which carries no tags); {@code sesMessageId} is SES's own id, the fallback.
     */
    record Mail(String sesMessageId, Optional<String> nudgeMessageId, List<String> destination, Optional<Instant> sentAt) {
        public Mail {
            Objects.requireNonNull(sesMessageId, "sesMessageId");
            Objects.requireNonNull(nudgeMessageId, "nudgeMessageId");
            destination = List.copyOf(destination);
            Objects.requireNonNull(sentAt, "sentAt");
        }
    }

    enum BounceType { PERMANENT, TRANSIENT, UNDETERMINED }

    /** One bounced address and what the receiving server said (scrubbed of addresses). */
    record BouncedRecipient(String address, String diagnostic) {
        public BouncedRecipient {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(diagnostic, "diagnostic");
        }
    }

    /**
     * The SES event types. {@link #type()} is SES's own name, part of the idempotency key; {@link #at()} is when
     * the event happened, if SES said.
     */
    sealed interface EmailEvent {
        String type();

        Optional<Instant> at();

        record Sent(Optional<Instant> at) implements EmailEvent {
            public String type() {
                return "Send";
            }
        }

        record Delivered(List<String> recipients, String smtpResponse, Optional<Instant> at) implements EmailEvent {
            public Delivered {
                recipients = List.copyOf(recipients);
            }

            public String type() {
                return "Delivery";
            }
        }

        record Bounced(BounceType bounceType, String subType, List<BouncedRecipient> recipients, Optional<Instant> at) implements EmailEvent {
            public Bounced {
                recipients = List.copyOf(recipients);
            }

            public String type() {
                return "Bounce";
            }
        }

        record Complained(List<String> recipients, Optional<String> feedbackType, Optional<Instant> at) implements EmailEvent {
            public Complained {
                recipients = List.copyOf(recipients);
            }

            public String type() {
                return "Complaint";
            }
        }

        record Rejected(String reason, Optional<Instant> at) implements EmailEvent {
            public String type() {
                return "Reject";
            }
        }

        record RenderingFailed(String errorMessage, Optional<Instant> at) implements EmailEvent {
            public String type() {
                return "Rendering Failure";
            }
        }

        record Opened(Optional<Instant> at) implements EmailEvent {
            public String type() {
                return "Open";
            }
        }

        /** {@code link} without its query string or fragment: those may carry personal data or tokens. */
        record Clicked(String link, Optional<Instant> at) implements EmailEvent {
            public String type() {
                return "Click";
            }
        }

        record Delayed(String delayType, List<String> recipients, Optional<Instant> at) implements EmailEvent {
            public Delayed {
                recipients = List.copyOf(recipients);
            }

            public String type() {
                return "DeliveryDelay";
            }
        }

        /** SES subscription management: the recipient unsubscribed (from everything or from a topic) or resubscribed. */
        record Subscription(boolean optedOut, Optional<Instant> at) implements EmailEvent {
            public String type() {
                return "Subscription";
            }
        }
    }
}
