package io.nudge.channel.aws;

import java.util.regex.Pattern;

/**
 * Keeps personal data out of reasons. Providers quote addresses back: SES's "Email address is not verified. The
 * following identities failed the check ...: someone@example.com", SNS's "Invalid parameter: PhoneNumber ...".
 * A reason is stored with the message, shown by the API and may be logged, so it must not carry them.
 */
final class Redaction {
    static final int MAX_REASON_LENGTH = 500;
    private static final Pattern EMAIL = Pattern.compile("[^\\s<>(),;:\"'\\[\\]]+@[^\\s<>(),;:\"'\\[\\]]+");
    private static final Pattern PHONE = Pattern.compile("\\+\\d[\\d ().-]{5,18}\\d|\\b\\d{8,15}\\b");

    private Redaction() {}

    /** The text without the recipient, without anything shaped like an address or phone number, and bounded. */
    static String scrub(String text, String recipient) {
        String scrubbed = text;
        if (recipient != null && !recipient.isBlank()) {
            scrubbed = Pattern.compile(Pattern.quote(recipient), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
                    .matcher(scrubbed)
                    .replaceAll("<recipient>");
        }
        scrubbed = EMAIL.matcher(scrubbed).replaceAll("<address>");
        scrubbed = PHONE.matcher(scrubbed).replaceAll("<number>");
        scrubbed = scrubbed.replaceAll("[\\r\\n\\t]+", " ").strip();
        return scrubbed.length() <= MAX_REASON_LENGTH ? scrubbed : scrubbed.substring(0, MAX_REASON_LENGTH - 1) + "…";
    }
}
