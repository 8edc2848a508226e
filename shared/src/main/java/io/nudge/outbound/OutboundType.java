package io.nudge.outbound;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The kinds of event the stream out carries; the wire names are the public contract (docs/events.md). */
public enum OutboundType {
    MESSAGE_SENT("message.sent"),
    MESSAGE_DELIVERED("message.delivered"),
    MESSAGE_BOUNCED("message.bounced"),
    MESSAGE_COMPLAINED("message.complained"),
    MESSAGE_OPENED("message.opened"),
    MESSAGE_CLICKED("message.clicked"),
    MESSAGE_FAILED("message.failed"),
    MESSAGE_SUPPRESSED("message.suppressed"),
    MESSAGE_CONVERTED("message.converted"),
    USER_UNSUBSCRIBED("user.unsubscribed"),
    USER_SUBSCRIBED("user.subscribed"),
    JOURNEY_ENTERED("journey.entered"),
    JOURNEY_EXITED("journey.exited");

    private final String wire;

    OutboundType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<OutboundType> fromWire(String value) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(value)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(OutboundType::wire).toList();
    }
}
