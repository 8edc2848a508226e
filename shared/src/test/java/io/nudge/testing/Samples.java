package io.nudge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real payload samples in the repository's events/ folder, for tests of any module. */
public final class Samples {
    /** The message id the SES samples carry in their nudge_message_id tag. */
    public static final String MESSAGE_ID = "fbk4rr4mbnco2bke2xh7x2jpcq";
    /** The SES message id (mail.messageId) of the SES samples. */
    public static final String SES_MESSAGE_ID = "010201936a1f7c2e-8b4d5f60-2a71-4c3e-9d8b-6f1e2a3b4c5d-000000";
    /** The SNS message id of the SMS the receipt sample reports on, and the inbound samples reply to. */
    public static final String SMS_PROVIDER_ID = "3f4c8a1e-9d2b-5c6e-8f7a-1b2c3d4e5f60";
    /** The phone number of the SMS samples. */
    public static final String PHONE = "+4915112345678";
    /** The recipient of the SES samples. */
    public static final String EMAIL = "ada@example.com";

    private Samples() {}

    public static Path dir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("events")) && Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir.resolve("events");
            }
        }
        throw new IllegalStateException("no events/ folder above " + Path.of("").toAbsolutePath());
    }

    public static String text(String name) {
        try {
            return Files.readString(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String name) {
        try {
            return Json.parse(text(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SES event or inbound SMS a Lambda SNS sample carries (its first record's Sns.Message). */
    public static String snsMessage(String name) {
        return json(name).at("/Records/0/Sns/Message").textValue();
    }
}
