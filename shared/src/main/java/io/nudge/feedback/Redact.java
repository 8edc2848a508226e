package io.nudge.feedback;

import java.util.regex.Pattern;

/**
 * Provider words stored as a reason (and so shown by the API, maybe logged) without personal data: SMTP diagnostics
 * quote the address ("550 5.1.1 &lt;jane@example.com&gt;... User unknown"), carriers quote numbers.
 */
public final class Redact {
    static final int MAX_LENGTH = 300;
    private static final Pattern EMAIL = Pattern.compile("[^\\s<>(),;:\"'\\[\\]]+@[^\\s<>(),;:\"'\\[\\]]+");
    private static final Pattern PHONE = Pattern.compile("\\+\\d[\\d ().-]{5,18}\\d|\\b\\d{8,15}\\b");

    private Redact() {}

    public static String words(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String scrubbed = EMAIL.matcher(text).replaceAll("<address>");
        scrubbed = PHONE.matcher(scrubbed).replaceAll("<number>");
        scrubbed = scrubbed.replaceAll("[\\r\\n\\t]+", " ").strip();
        return scrubbed.length() <= MAX_LENGTH ? scrubbed : scrubbed.substring(0, MAX_LENGTH - 1) + "…";
    }

    /** scheme://host/path of a link: the query and fragment may carry personal data or tokens. */
    public static String link(String link) {
        if (link == null || link.isBlank()) {
            return "";
        }
        String bare = link.strip();
        int cut = bare.length();
        for (char c : new char[] {'?', '#'}) {
            int at = bare.indexOf(c);
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        bare = words(bare.substring(0, cut));
        return bare.length() <= 200 ? bare : bare.substring(0, 199) + "…";
    }
}
