package io.nudge.channel;

import java.util.Objects;

/**
 * How many SMS parts a body costs. GSM 03.38 (7-bit) when every character is in the basic set or the extension
 * table, UCS-2 otherwise: one character outside GSM, an emoji say, turns a 160-character message into three parts.
 *
 * <p>A single part holds 160 septets (GSM-7) or 70 UTF-16 code units (UCS-2); a concatenated message spends
 * 7 septets / 3 code units of each part on the header, leaving 153 / 67. An extension character (two septets, escape
 * plus code) or a surrogate pair is never split between parts, as phones and carriers do not split them either.
 * National language shift tables are not used (SNS does not send them).
 */
public final class SmsSegments {
    private static final int GSM_SINGLE = 160;
    private static final int GSM_PART = 153;
    private static final int UCS2_SINGLE = 70;
    private static final int UCS2_PART = 67;

    // GSM 03.38 basic character set, in code order (0x1B, the escape to the extension table, left out).
    private static final String GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    // The extension table: each costs the escape septet plus its own.
    private static final String GSM_EXTENSION = "\f^{}\\[~]|€";

    public enum Encoding { GSM_7, UCS_2 }

    /**
     * @param characters septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2 (an emoji 2)
     * @param segments parts billed; 0 for an empty body
     */
    public record Segments(Encoding encoding, int characters, int segments) {}

    private SmsSegments() {}

    public static Segments count(String body) {
        Objects.requireNonNull(body, "body");
        return isGsm(body) ? gsm(body) : ucs2(body);
    }

    private static boolean isGsm(String body) {
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (GSM_BASIC.indexOf(c) < 0 && GSM_EXTENSION.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static Segments gsm(String body) {
        int[] widths = new int[body.length()];
        int total = 0;
        for (int i = 0; i < body.length(); i++) {
            widths[i] = GSM_EXTENSION.indexOf(body.charAt(i)) >= 0 ? 2 : 1;
            total += widths[i];
        }
        return new Segments(Encoding.GSM_7, total, parts(widths, total, GSM_SINGLE, GSM_PART));
    }

    private static Segments ucs2(String body) {
        // One entry per code point, so a surrogate pair stays in one part.
        int[] widths = body.codePoints().map(Character::charCount).toArray();
        return new Segments(Encoding.UCS_2, body.length(), parts(widths, body.length(), UCS2_SINGLE, UCS2_PART));
    }

    private static int parts(int[] widths, int total, int single, int perPart) {
        if (total == 0) {
            return 0;
        }
        if (total <= single) {
            return 1;
        }
        int parts = 1;
        int used = 0;
        for (int width : widths) {
            if (used + width > perPart) {
                parts++;
                used = 0;
            }
            used += width;
        }
        return parts;
    }
}
