package io.nudge.scheduling;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Which days a cron fires on: from day-of-month or from day-of-week, whichever is not {@code ?}. */
sealed interface DayRule {
    boolean matches(LocalDate date);

    /** Exactly one of the two fields is {@code ?}, as EventBridge requires. */
    static DayRule parse(String dayOfMonth, String dayOfWeek) {
        boolean domAny = dayOfMonth.equals("?");
        boolean dowAny = dayOfWeek.equals("?");
        if (domAny && dowAny) {
            throw InvalidSchedule.because("cron(...) day-of-month and day-of-week cannot both be ?: set one of them");
        }
        if (!domAny && !dowAny) {
            throw InvalidSchedule.because("cron(...) day-of-month and day-of-week cannot both be set:"
                    + " use ? in one of them, e.g. cron(0 10 * * ? *) or cron(0 10 ? * MON *)");
        }
        return domAny ? dayOfWeek(dayOfWeek) : dayOfMonth(dayOfMonth);
    }

    private static DayRule dayOfMonth(String text) {
        if (text.equals("L")) {
            return new LastDayOfMonth();
        }
        Matcher weekday = Pattern.compile("(\\d{1,2})W").matcher(text);
        if (weekday.matches()) {
            return new NearestWeekday(CronField.DAY_OF_MONTH.value(weekday.group(1)));
        }
        if (text.contains("L") || text.contains("W")) {
            throw CronField.DAY_OF_MONTH.invalid("takes L and W alone (L, 15W), not in lists or ranges");
        }
        return new DaysOfMonth(CronField.DAY_OF_MONTH.parse(text));
    }

    private static DayRule dayOfWeek(String text) {
        CronField field = CronField.DAY_OF_WEEK;
        if (text.equals("L")) {
            // L alone is the last day of the week: Saturday.
            return new DaysOfWeek(field.parse("SAT"));
        }
        if (text.contains("#")) {
            Matcher nth = Pattern.compile("([^#,]+)#(\\d)").matcher(text);
            if (!nth.matches()) {
                throw field.invalid("takes one day#n expression alone, e.g. 2#1 for the first Monday");
            }
            int n = Integer.parseInt(nth.group(2));
            if (n < 1 || n > 5) {
                throw field.invalid("week number in " + text + " must be 1-5");
            }
            return new NthWeekdayOfMonth(weekday(field.value(nth.group(1))), n);
        }
        Matcher last = Pattern.compile("(\\d|[A-Za-z]{3})L").matcher(text);
        if (last.matches()) {
            return new LastWeekdayOfMonth(weekday(field.value(last.group(1))));
        }
        if (text.contains("L")) {
            throw field.invalid("takes L alone or after one day, e.g. 6L for the last Friday");
        }
        return new DaysOfWeek(field.parse(text));
    }

    /** EventBridge numbers days 1 = SUNDAY ... 7 = SATURDAY. */
    static int number(DayOfWeek day) {
        return day.getValue() % 7 + 1;
    }

    private static DayOfWeek weekday(int number) {
        return DayOfWeek.of(number == 1 ? 7 : number - 1);
    }

    record DaysOfMonth(ValueSet days) implements DayRule {
        @Override
        public boolean matches(LocalDate date) {
            return days.contains(date.getDayOfMonth());
        }
    }

    record LastDayOfMonth() implements DayRule {
        @Override
        public boolean matches(LocalDate date) {
            return date.getDayOfMonth() == date.lengthOfMonth();
        }
    }

    /**
     * {@code 15W}: the weekday nearest the 15th, never crossing into another month (1W on a Saturday is Monday the
     * 3rd). A day the month does not have (31W in April) fires nothing that month.
     */
    record NearestWeekday(int day) implements DayRule {
        @Override
        public boolean matches(LocalDate date) {
            YearMonth month = YearMonth.from(date);
            if (day > month.lengthOfMonth()) {
                return false;
            }
            LocalDate target = month.atDay(day);
            LocalDate nearest = switch (target.getDayOfWeek()) {
                case SATURDAY -> day == 1 ? target.plusDays(2) : target.minusDays(1);
                case SUNDAY -> day == month.lengthOfMonth() ? target.minusDays(2) : target.plusDays(1);
                default -> target;
            };
            return date.equals(nearest);
        }
    }

    record DaysOfWeek(ValueSet days) implements DayRule {
        @Override
        public boolean matches(LocalDate date) {
            return days.contains(number(date.getDayOfWeek()));
        }
    }

    /** {@code 6L}: the last Friday of the month. */
    record LastWeekdayOfMonth(DayOfWeek day) implements DayRule {
        @Override
        public boolean matches(LocalDate date) {
            return date.getDayOfWeek() == day && date.plusWeeks(1).getMonth() != date.getMonth();
        }
    }

    /** {@code 2#1}: the first Monday of the month; a fifth that does not exist fires nothing. */
    record NthWeekdayOfMonth(DayOfWeek day, int n) implements DayRule {
        @Override
        public boolean matches(LocalDate date) {
            return date.getDayOfWeek() == day && (date.getDayOfMonth() - 1) / 7 + 1 == n;
        }
    }
}
