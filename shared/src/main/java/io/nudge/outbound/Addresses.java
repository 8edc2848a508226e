package io.nudge.outbound;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Keeps email addresses and phone numbers out of an event's free text (a provider's reason, a bounce's diagnostic, a
 * clicked URL's query): a subscription sees an address only in {@code data.to}, and only when it asks for addresses.
 */
final class Addresses {
    static final String REDACTED = "[redacted]";
    private static final Pattern EMAIL = Pattern.compile("[^\\s@<>\"'(),;:\\[\\]]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
            + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+");
    /** E.164 as written in provider text: a plus, then 7 to 15 digits, maybe grouped. */
    private static final Pattern PHONE = Pattern.compile("\\+\\d(?:[\\s.-]?\\d){6,14}");
    /** The same in a URL's query, where the plus may be percent-encoded and the at sign too. */
    private static final Pattern ENCODED = Pattern.compile("[^\\s&=?/#]{1,64}%40[A-Za-z0-9.-]+\\.[A-Za-z]{2,}|%2B\\d{7,15}");

    private Addresses() {}

    static String scrub(String text, Optional<String> known) {
        String out = text;
        if (known.isPresent() && !known.get().isBlank()) {
            out = out.replace(known.get(), REDACTED);
        }
        out = EMAIL.matcher(out).replaceAll(REDACTED);
        out = ENCODED.matcher(out).replaceAll(REDACTED);
        return PHONE.matcher(out).replaceAll(REDACTED);
    }
}
