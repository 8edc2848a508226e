package io.nudge.scheduling;

import java.util.BitSet;

/** The values one cron field allows, immutable. */
final class ValueSet {
    private final BitSet bits;

    ValueSet(BitSet bits) {
        this.bits = (BitSet) bits.clone();
    }

    boolean contains(int value) {
        return value >= 0 && bits.get(value);
    }

    /** The smallest allowed value ≥ {@code from}, or -1. */
    int next(int from) {
        return bits.nextSetBit(Math.max(from, 0));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ValueSet v && v.bits.equals(bits);
    }

    @Override
    public int hashCode() {
        return bits.hashCode();
    }

    @Override
    public String toString() {
        return bits.toString();
    }
}
