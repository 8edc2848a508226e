package io.nudge.trigger;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

public enum Operator {
    EQ("eq"), NE("ne"), GT("gt"), GTE("gte"), LT("lt"), LTE("lte"), IN("in"), NOT_IN("not_in"),
    CONTAINS("contains"), STARTS_WITH("starts_with"), EXISTS("exists"), NOT_EXISTS("not_exists");

    private final String wire;

    Operator(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public boolean takesValue() {
        return this != EXISTS && this != NOT_EXISTS;
    }

    public static Optional<Operator> fromWire(String value) {
        for (Operator op : values()) {
            if (op.wire.equals(value)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    public static String allWire() {
        return Arrays.stream(values()).map(Operator::wire).collect(Collectors.joining(", "));
    }
}
