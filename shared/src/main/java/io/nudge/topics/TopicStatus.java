package io.nudge.topics;

import java.util.Arrays;
import java.util.Optional;

/** Whether a person hears about a topic on a channel. */
public enum TopicStatus {
    SUBSCRIBED("subscribed"),
    UNSUBSCRIBED("unsubscribed");

    private final String wire;

    TopicStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<TopicStatus> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(value)).findFirst();
    }
}
