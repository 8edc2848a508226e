package io.nudge.scheduling;

import java.util.BitSet;
import java.util.Locale;
import java.util.Map;

/**
 * One numeric cron field: values, names, {@code *}, {@code ,} lists, {@code a-b} ranges and {@code /} increments
 * ({@code 0/15}, {@code *}{@code /10}, {@code 10-40/5}). The day fields' own wildcards ({@code ? L W #}) are
 * handled by {@link DayRule}.
 */
record CronField(String name, int min, int max, Map<String, Integer> names, boolean stepsAllowed) {
    static final CronField MINUTES = new CronField("minutes", 0, 59, Map.of(), true);
    static final CronField HOURS = new CronField("hours", 0, 23, Map.of(), true);
    static final CronField DAY_OF_MONTH = new CronField("day-of-month", 1, 31, Map.of(), true);
    static final CronField MONTH = new CronField("month", 1, 12, Map.ofEntries(
            Map.entry("JAN", 1), Map.entry("FEB", 2), Map.entry("MAR", 3), Map.entry("APR", 4),
            Map.entry("MAY", 5), Map.entry("JUN", 6), Map.entry("JUL", 7), Map.entry("AUG", 8),
            Map.entry("SEP", 9), Map.entry("OCT", 10), Map.entry("NOV", 11), Map.entry("DEC", 12)), true);
    // EventBridge lists no "/" for day-of-week; 1 = SUNDAY.
    static final CronField DAY_OF_WEEK = new CronField("day-of-week", 1, 7, Map.of(
            "SUN", 1, "MON", 2, "TUE", 3, "WED", 4, "THU", 5, "FRI", 6, "SAT", 7), false);
    static final CronField YEAR = new CronField("year", 1970, 2199, Map.of(), true);

    ValueSet parse(String text) {
        if (text.isEmpty()) {
            throw invalid("is empty");
        }
        if (text.equals("?")) {
            throw invalid("cannot be ?: only day-of-month or day-of-week can");
        }
        BitSet bits = new BitSet(max + 1);
        for (String item : text.split(",", -1)) {
            addItem(item, bits);
        }
        return new ValueSet(bits);
    }

    private void addItem(String item, BitSet bits) {
        if (item.isEmpty()) {
            throw invalid("has an empty item in its list");
        }
        int slash = item.indexOf('/');
        String range = slash < 0 ? item : item.substring(0, slash);
        int step = 1;
        if (slash >= 0) {
            if (!stepsAllowed) {
                throw invalid("does not take / increments");
            }
            String stepText = item.substring(slash + 1);
            if (!stepText.matches("\\d{1,4}") || Integer.parseInt(stepText) < 1) {
                throw invalid("increment '" + stepText + "' must be a whole number of 1 or more");
            }
            step = Integer.parseInt(stepText);
        }
        int from;
        int to;
        if (range.equals("*")) {
            from = min;
            to = max;
        } else {
            int dash = range.indexOf('-');
            if (dash < 0) {
                from = value(range);
                // "5/15" means 5, 20, 35, 50: a start with an increment runs to the end of the field.
                to = slash >= 0 ? max : from;
            } else {
                from = value(range.substring(0, dash));
                to = value(range.substring(dash + 1));
                if (from > to) {
                    throw invalid("range " + range + " runs backwards");
                }
            }
        }
        for (int v = from; v <= to; v += step) {
            bits.set(v);
        }
    }

    int value(String text) {
        Integer named = names.get(text.toUpperCase(Locale.ROOT));
        if (named != null) {
            return named;
        }
        if (!text.matches("\\d{1,4}")) {
            throw invalid("value '" + text + "' is not a number" + (names.isEmpty() ? "" : " or a name like " + example()));
        }
        int value = Integer.parseInt(text);
        if (value < min || value > max) {
            throw invalid("value " + value + " is outside " + min + "-" + max);
        }
        return value;
    }

    private String example() {
        return name.equals("month") ? "JAN" : "MON";
    }

    io.nudge.validation.InvalidInputException invalid(String problem) {
        return InvalidSchedule.because("cron(...) " + name + " " + problem);
    }
}
