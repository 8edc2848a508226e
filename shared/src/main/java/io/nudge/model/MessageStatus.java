package io.nudge.model;

/** The architecture's status table; the names are the API's wire values. */
public enum MessageStatus {
    SCHEDULED, READY, SENDING, SENT, DELIVERED, BOUNCED, COMPLAINED, SUPPRESSED, CANCELLED, FAILED, UNKNOWN
}
