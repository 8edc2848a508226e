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

    /** The provider refused it for good (bad address, message rejected, not verified): FAILED, never retried. */
    record Rejected(String reason) implements SendOutcome {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The provider certainly did not take it (throttled after retries, service unavailable): safe to try again. */
    record Retryable(String reason) implements SendOutcome {
        public Retryable {
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
