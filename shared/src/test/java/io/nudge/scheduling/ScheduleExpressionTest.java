package io.nudge.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.validation.InvalidInputException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ScheduleExpressionTest {
    static final ZoneId UTC = ZoneId.of("UTC");
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final Instant START = Instant.parse("2026-05-01T10:00:00Z");

    static Stream<Arguments> fireTimes() {
        return Stream.of(
                // Monday 10:00 in Berlin: 09:00Z in winter time, 08:00Z in summer time (switch on Sunday 29 March).
                Arguments.of("cron(0 10 ? * MON *)", BERLIN, "2026-03-20T00:00:00Z",
                        List.of("2026-03-23T09:00:00Z", "2026-03-30T08:00:00Z", "2026-04-06T08:00:00Z")),
                // ... and back on Sunday 25 October.
                Arguments.of("cron(0 10 ? * MON *)", BERLIN, "2026-10-15T00:00:00Z",
                        List.of("2026-10-19T08:00:00Z", "2026-10-26T09:00:00Z", "2026-11-02T09:00:00Z")),
                Arguments.of("cron(0/15 * * * ? *)", UTC, "2026-05-01T10:07:30Z",
                        List.of("2026-05-01T10:15:00Z", "2026-05-01T10:30:00Z", "2026-05-01T10:45:00Z",
                                "2026-05-01T11:00:00Z")),
                Arguments.of("cron(0/15 * * * ? *)", UTC, "2026-05-01T10:15:00Z",
                        List.of("2026-05-01T10:30:00Z")),
                Arguments.of("cron(5/20 * * * ? *)", UTC, "2026-05-01T10:00:00Z",
                        List.of("2026-05-01T10:05:00Z", "2026-05-01T10:25:00Z", "2026-05-01T10:45:00Z",
                                "2026-05-01T11:05:00Z")),
                Arguments.of("cron(0 8 L * ? *)", UTC, "2026-01-15T00:00:00Z",
                        List.of("2026-01-31T08:00:00Z", "2026-02-28T08:00:00Z", "2026-03-31T08:00:00Z",
                                "2026-04-30T08:00:00Z")),
                Arguments.of("cron(0 8 L * ? *)", UTC, "2028-02-01T00:00:00Z", List.of("2028-02-29T08:00:00Z")),
                Arguments.of("cron(0 9 ? * 2#1 *)", UTC, "2026-01-01T00:00:00Z",
                        List.of("2026-01-05T09:00:00Z", "2026-02-02T09:00:00Z", "2026-03-02T09:00:00Z")),
                // A fifth Monday only in months that have one.
                Arguments.of("cron(0 9 ? * MON#5 *)", UTC, "2026-01-01T00:00:00Z",
                        List.of("2026-03-30T09:00:00Z", "2026-06-29T09:00:00Z", "2026-08-31T09:00:00Z")),
                Arguments.of("cron(0 18 ? * 6L *)", UTC, "2026-01-01T00:00:00Z",
                        List.of("2026-01-30T18:00:00Z", "2026-02-27T18:00:00Z", "2026-03-27T18:00:00Z",
                                "2026-04-24T18:00:00Z")),
                // Saturday the 15th moves to Friday the 14th; Tuesday the 15th stays.
                Arguments.of("cron(0 12 15W * ? *)", UTC, "2026-08-01T00:00:00Z",
                        List.of("2026-08-14T12:00:00Z", "2026-09-15T12:00:00Z")),
                // Saturday the 1st moves forward to Monday the 3rd, never back into July.
                Arguments.of("cron(0 12 1W * ? *)", UTC, "2026-07-31T00:00:00Z", List.of("2026-08-03T12:00:00Z")),
                // Sunday the 31st moves back to Friday the 29th; June has no 31st.
                Arguments.of("cron(0 12 31W * ? *)", UTC, "2026-05-01T00:00:00Z",
                        List.of("2026-05-29T12:00:00Z", "2026-07-31T12:00:00Z")),
                Arguments.of("cron(0 18 ? * MON-FRI *)", UTC, "2026-05-01T19:00:00Z",
                        List.of("2026-05-04T18:00:00Z", "2026-05-05T18:00:00Z")),
                Arguments.of("cron(30 9,17 1,15 JAN,jul ? *)", UTC, "2026-01-01T12:00:00Z",
                        List.of("2026-01-01T17:30:00Z", "2026-01-15T09:30:00Z", "2026-01-15T17:30:00Z",
                                "2026-07-01T09:30:00Z")),
                Arguments.of("cron(0 0 1 1 ? 2027-2028)", UTC, "2026-05-01T00:00:00Z",
                        List.of("2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z")),
                Arguments.of("cron(0 0 ? * L *)", UTC, "2026-05-01T00:00:00Z",
                        List.of("2026-05-02T00:00:00Z", "2026-05-09T00:00:00Z")),
                // 02:30 does not exist in Berlin on 29 March: skipped, as EventBridge Scheduler documents.
                Arguments.of("cron(30 2 * * ? *)", BERLIN, "2026-03-28T12:00:00Z",
                        List.of("2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z")),
                // 02:30 happens twice on 25 October: fires once, at the first.
                Arguments.of("cron(30 2 * * ? *)", BERLIN, "2026-10-24T12:00:00Z",
                        List.of("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z")),
                // Every 15 minutes through the repeated hour: each local time once, so 02:45 CEST is followed by 03:00 CET.
                Arguments.of("cron(0/15 * * * ? *)", BERLIN, "2026-10-25T00:40:00Z",
                        List.of("2026-10-25T00:45:00Z", "2026-10-25T02:00:00Z")),
                // Created during the repeated hour (02:10 CET): it goes on from there in the second pass.
                Arguments.of("cron(0/15 * * * ? *)", BERLIN, "2026-10-25T01:10:00Z",
                        List.of("2026-10-25T01:15:00Z", "2026-10-25T01:30:00Z")),
                // ... and every 15 minutes through the missing hour: 01:45 CET is followed by 03:00 CEST.
                Arguments.of("cron(0/15 * * * ? *)", BERLIN, "2026-03-29T00:40:00Z",
                        List.of("2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z")),
                Arguments.of("at(2026-12-24T18:00:00)", NEW_YORK, "2026-05-01T00:00:00Z",
                        List.of("2026-12-24T23:00:00Z")),
                Arguments.of("at(2026-07-04T09:00:00)", NEW_YORK, "2026-05-01T00:00:00Z",
                        List.of("2026-07-04T13:00:00Z")),
                // Undocumented for at(): inside the gap it fires at the first valid instant after it, 03:00 CEST.
                Arguments.of("at(2026-03-29T02:30:00)", BERLIN, "2026-03-01T00:00:00Z",
                        List.of("2026-03-29T01:00:00Z")),
                Arguments.of("at(2026-10-25T02:30:00)", BERLIN, "2026-10-01T00:00:00Z",
                        List.of("2026-10-25T00:30:00Z")),
                Arguments.of("rate(5 minutes)", UTC, "2026-05-01T10:00:00Z",
                        List.of("2026-05-01T10:05:00Z", "2026-05-01T10:10:00Z", "2026-05-01T10:15:00Z")),
                Arguments.of("rate(5 minutes)", UTC, "2026-05-01T10:07:30Z", List.of("2026-05-01T10:10:00Z")),
                Arguments.of("rate(5 minutes)", UTC, "2026-04-01T00:00:00Z", List.of("2026-05-01T10:05:00Z")),
                Arguments.of("rate(1 minute)", UTC, "2026-05-01T10:00:00Z", List.of("2026-05-01T10:01:00Z")),
                Arguments.of("rate(2 hours)", UTC, "2026-05-01T13:00:00Z",
                        List.of("2026-05-01T14:00:00Z", "2026-05-01T16:00:00Z")),
                Arguments.of("rate(1 hour)", BERLIN, "2026-05-01T10:00:00Z", List.of("2026-05-01T11:00:00Z")),
                Arguments.of("rate(3 days)", UTC, "2026-05-01T10:00:00Z", List.of("2026-05-04T10:00:00Z")));
    }

    @ParameterizedTest(name = "{0} in {1} after {2}")
    @MethodSource("fireTimes")
    void computes_each_next_fire_time_from_the_previous_one(String text, ZoneId zone, String after, List<String> expected) {
        ScheduleExpression expression = ScheduleExpression.parse(text);

        List<String> fires = new ArrayList<>();
        Instant cursor = Instant.parse(after);
        for (int i = 0; i < expected.size(); i++) {
            Optional<Instant> next = expression.nextFireAfter(cursor, zone, START);
            if (next.isEmpty()) {
                break;
            }
            fires.add(next.get().toString());
            cursor = next.get();
        }

        assertThat(fires).isEqualTo(expected);
        assertThat(expression.text()).isEqualTo(text);
    }

    static Stream<Arguments> noFurtherTime() {
        return Stream.of(
                Arguments.of("at(2026-12-24T18:00:00)", NEW_YORK, "2026-12-24T23:00:00Z"),
                Arguments.of("at(2026-12-24T18:00:00)", NEW_YORK, "2027-01-01T00:00:00Z"),
                Arguments.of("cron(0 0 1 1 ? 2020)", UTC, "2026-05-01T00:00:00Z"),
                Arguments.of("cron(0 0 31 FEB ? *)", UTC, "2026-05-01T00:00:00Z"),
                Arguments.of("cron(59 23 31 DEC ? 2199)", UTC, "2199-12-31T23:59:00Z"));
    }

    @ParameterizedTest(name = "{0} after {2}")
    @MethodSource("noFurtherTime")
    void has_no_fire_time_once_it_is_past_or_can_never_happen(String text, ZoneId zone, String after) {
        assertThat(ScheduleExpression.parse(text).nextFireAfter(Instant.parse(after), zone, START)).isEmpty();
    }

    @Test
    void at_is_one_time_rate_and_cron_recur() {
        assertThat(ScheduleExpression.parse("at(2026-12-24T18:00:00)").oneTime()).isTrue();
        assertThat(ScheduleExpression.parse("rate(5 minutes)").oneTime()).isFalse();
        assertThat(ScheduleExpression.parse("cron(0 10 ? * MON *)").oneTime()).isFalse();
    }

    @Test
    void an_at_in_the_zone_of_the_schedule_is_not_the_same_instant_elsewhere() {
        ScheduleExpression christmasEve = ScheduleExpression.parse("at(2026-12-24T18:00:00)");
        Instant before = Instant.parse("2026-12-01T00:00:00Z");

        assertThat(christmasEve.nextFireAfter(before, NEW_YORK, START)).contains(Instant.parse("2026-12-24T23:00:00Z"));
        assertThat(christmasEve.nextFireAfter(before, BERLIN, START)).contains(Instant.parse("2026-12-24T17:00:00Z"));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("cron(* * * * * *)", "cannot both be set"),
                Arguments.of("cron(0 10 ? * ? *)", "cannot both be ?"),
                Arguments.of("cron(0 10 15 * MON *)", "cannot both be set"),
                Arguments.of("rate(0 minutes)", "1 or more"),
                Arguments.of("rate(1 minutes)", "rate(1 minute)"),
                Arguments.of("rate(1 hours)", "rate(1 hour)"),
                Arguments.of("rate(5 minute)", "rate(5 minutes)"),
                Arguments.of("rate(5 weeks)", "'weeks' is not one of"),
                Arguments.of("rate(-1 minutes)", "whole number and a unit"),
                Arguments.of("rate(five minutes)", "whole number and a unit"),
                Arguments.of("rate(5  minutes)", "whole number and a unit"),
                Arguments.of("rate(5 MINUTES)", "whole number and a unit"),
                Arguments.of("every 5 minutes", "expected at("),
                Arguments.of("cron 0 10 * * ? *", "expected at("),
                Arguments.of("CRON(0 10 * * ? *)", "expected at("),
                Arguments.of(" cron(0 10 * * ? *)", "expected at("),
                Arguments.of("cron(0 10 * * ? *) ", "expected at("),
                Arguments.of("cron(0 10 * * ?)", "6 fields"),
                Arguments.of("cron(0 10 * * ? * *)", "6 fields"),
                Arguments.of("cron(0  10 * * ? *)", "6 fields"),
                Arguments.of("cron()", "6 fields"),
                Arguments.of("cron(60 10 * * ? *)", "minutes value 60 is outside 0-59"),
                Arguments.of("cron(0 24 * * ? *)", "hours value 24 is outside 0-23"),
                Arguments.of("cron(0 10 32 * ? *)", "day-of-month value 32 is outside 1-31"),
                Arguments.of("cron(0 10 0 * ? *)", "day-of-month value 0 is outside 1-31"),
                Arguments.of("cron(0 10 * 13 ? *)", "month value 13 is outside 1-12"),
                Arguments.of("cron(0 10 * JANUARY ? *)", "month value 'JANUARY' is not a number or a name"),
                Arguments.of("cron(0 10 ? * 8 *)", "day-of-week value 8 is outside 1-7"),
                Arguments.of("cron(0 10 ? * 0 *)", "day-of-week value 0 is outside 1-7"),
                Arguments.of("cron(0 10 * * ? 1969)", "year value 1969 is outside 1970-2199"),
                Arguments.of("cron(0 10 * * ? 2200)", "year value 2200 is outside 1970-2199"),
                Arguments.of("cron(0 10 ? * 2#6 *)", "week number in 2#6 must be 1-5"),
                Arguments.of("cron(0 10 ? * 2#1,3#2 *)", "one day#n expression alone"),
                Arguments.of("cron(0 10 ? * MON/2 *)", "day-of-week does not take / increments"),
                Arguments.of("cron(0 10 L,15 * ? *)", "takes L and W alone"),
                Arguments.of("cron(0 10 1-15W * ? *)", "takes L and W alone"),
                Arguments.of("cron(0 10 ? * 2,L *)", "takes L alone or after one day"),
                Arguments.of("cron(0/0 * * * ? *)", "increment '0' must be a whole number of 1 or more"),
                Arguments.of("cron(10-5 * * * ? *)", "range 10-5 runs backwards"),
                Arguments.of("cron(? 10 * * ? *)", "minutes cannot be ?"),
                Arguments.of("cron(0,,5 10 * * ? *)", "empty item"),
                Arguments.of("at(2026-12-24 18:00:00)", "yyyy-mm-ddThh:mm:ss"),
                Arguments.of("at(2026-12-24T18:00)", "yyyy-mm-ddThh:mm:ss"),
                Arguments.of("at(2026-02-30T10:00:00)", "not a real date and time"),
                Arguments.of("at(2026-12-24T24:00:00)", "not a real date and time"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejects_what_eventbridge_would_reject_saying_what_is_wrong(String text, String problem) {
        assertThatThrownBy(() -> ScheduleExpression.parse(text))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_schedule");
                    assertThat(e.field()).isEqualTo("/schedule/expression");
                })
                .hasMessageContaining(problem);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void a_missing_expression_is_invalid(String text) {
        assertThatThrownBy(() -> ScheduleExpression.parse(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cron(0 10 * * ? *)", "cron(15 12 * * ? *)", "cron(0 18 ? * MON-FRI *)",
            "cron(0 8 1 * ? *)", "cron(0/10 * ? * MON-FRI *)", "cron(0/5 8-17 ? * MON-FRI *)",
            "cron(0 9 ? * 2#1 *)", "cron(0 10 ? * SUN,SAT *)", "cron(1/10 * * * ? *)", "cron(*/10 * * * ? *)",
            "cron(10-40/5 * * * ? *)", "cron(0 10 ? JAN-MAR FRIL 2026)", "at(2199-12-31T23:59:59)"})
    void accepts_the_documented_examples(String text) {
        assertThat(ScheduleExpression.parse(text).text()).isEqualTo(text);
    }

    @Test
    void a_rate_needs_its_start() {
        assertThatThrownBy(() -> ScheduleExpression.parse("rate(5 minutes)").nextFireAfter(START, UTC, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("start");
    }
}
