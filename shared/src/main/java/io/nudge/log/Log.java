package io.nudge.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import java.time.Instant;

/**
 * Structured one-line JSON logs on stdout (CloudWatch on Lambda, the console locally).
 * Callers pass ids and reasons only: never an email address, a phone number or a request body.
 */
public final class Log {
    private final String component;

    private Log(String component) {
        this.component = component;
    }

    public static Log of(Class<?> type) {
        return new Log(type.getSimpleName());
    }

    public void info(String message, Object... keyValues) {
        write("INFO", message, null, keyValues);
    }

    public void warn(String message, Object... keyValues) {
        write("WARN", message, null, keyValues);
    }

    /** Logs the exception's type and stack, not its message: messages may quote input. */
    public void error(String message, Throwable error, Object... keyValues) {
        write("ERROR", message, error, keyValues);
    }

    private void write(String level, String message, Throwable error, Object... keyValues) {
        ObjectNode line = Json.object();
        line.put("time", Instant.now().toString());
        line.put("level", level);
        line.put("component", component);
        line.put("message", message);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            line.put(String.valueOf(keyValues[i]), String.valueOf(keyValues[i + 1]));
        }
        if (error != null) {
            line.put("errorType", error.getClass().getName());
            StringBuilder stack = new StringBuilder();
            for (StackTraceElement frame : error.getStackTrace()) {
                if (stack.length() > 2000) {
                    break;
                }
                stack.append(frame).append('\n');
            }
            line.put("stack", stack.toString());
        }
        System.out.println(Json.write(line));
    }
}
