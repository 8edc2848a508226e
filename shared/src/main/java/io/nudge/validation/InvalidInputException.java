package io.nudge.validation;

import java.util.Objects;

/**
 * Input that can never be accepted, naming the offending field as a JSON pointer ("/conditions/0/op").
 * Thrown only by parsers and validators; the API maps it to a 400 with the same code, message and field.
 */
public final class InvalidInputException extends RuntimeException {
    private final String code;
    private final String field;

    public InvalidInputException(String code, String field, String message) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.field = field;
    }

    public static InvalidInputException invalid(String field, String message) {
        return new InvalidInputException("invalid_field", field, message);
    }

    public static InvalidInputException missing(String field) {
        return new InvalidInputException("missing_field", field, field + " is required");
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
