package io.nudge.channel;

import java.util.Objects;

/** What a provider said about one send. Exceptions are reserved for bugs; every provider answer is one of these. */
public sealed interface SendOutcome {

    /** The provider took the message; its id correlates feedback. */
    record Accepted(String providerMessageId) implements SendOutcome {
        public Accepted {
            Objects.requireNonNull(providerMessageId, "providerMessageId");
        }
    }

    /**
     * The provider refused it for good (bad address, message rejected, not verified): FAILED, never retried. The
     * sender, which knows its provider's error codes and words, says what kind of refusal it was.
     */
    record Rejected(Rejection kind, String reason) implements SendOutcome {
        public Rejected {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why a provider refused a message for good, as far as its answer tells. */
    enum Rejection {
        /** The address itself is unusable (malformed, not a number the provider can reach). */
        INVALID_ADDRESS,
        /** The provider's own suppression list holds the address (it bounced or complained before). */
        SUPPRESSED_BY_PROVIDER,
        /** The recipient opted out with the provider or carrier (an SMS STOP). */
        OPTED_OUT,
        /** Anything else: the message, our configuration, the account. */
        OTHER;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The provider throttled the request (after the SDK's own retries): it did not take it, so it is safe to try again;
     * no sooner than {@code retryAfter} when it said so (a webhook's {@code Retry-After}).
     */
    record Throttled(String reason, java.util.Optional<java.time.Duration> retryAfter) implements SendOutcome {
        public Throttled {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }

        public Throttled(String reason) {
            this(reason, java.util.Optional.empty());
        }
    }

    /**
     * A webhook's endpoint answered 2xx: it took the message. {@code detail} ("HTTP 200 from hooks.example.com: ok", with
     * the first 512 bytes of the answer) goes
     * into the message's history; there is no provider id to correlate feedback with.
     */
    record Posted(int status, String detail) implements SendOutcome {
        public Posted {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** A webhook's destination is not one Nudge may call (a private address, plain http): FAILED blocked_destination. */
    record Blocked(String reason) implements SendOutcome {
        public Blocked {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The provider could not be reached or refused before looking at the message (unavailable, our credentials or
     * clock): it certainly did not take it, so it is safe to try again.
     */
    record Unavailable(String reason) implements SendOutcome {
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The push endpoint is disabled or no longer exists (the app was uninstalled, the token expired): this message
     * failed, and the caller removes the token from the user so later messages do not try it again.
     */
    record EndpointDisabled(String reason) implements SendOutcome {
        public EndpointDisabled {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The request may or may not have reached the provider (timeout, connection lost): never resent. */
    record Unknown(String reason) implements SendOutcome {
        public Unknown {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
