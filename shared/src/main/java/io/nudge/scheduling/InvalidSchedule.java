package io.nudge.scheduling;

import io.nudge.validation.InvalidInputException;

/** The one error a schedule expression parser throws: code {@code invalid_schedule} on {@code /schedule/expression}. */
final class InvalidSchedule {
    static final String CODE = "invalid_schedule";
    static final String FIELD = "/schedule/expression";

    private InvalidSchedule() {}

    static InvalidInputException because(String message) {
        return new InvalidInputException(CODE, FIELD, message);
    }
}
