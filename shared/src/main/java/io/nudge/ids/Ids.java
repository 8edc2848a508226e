package io.nudge.ids;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/** The architecture's identifier rules, in one place. */
public final class Ids {
    private static final Pattern ADMIN_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final Pattern DERIVED_ID = Pattern.compile("[a-z2-7]{26}");
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private Ids() {}

    /** Trigger, template, segment, campaign and key ids. */
    public static boolean isAdminId(String value) {
        return value != null && ADMIN_ID.matcher(value).matches();
    }

    /** The shape {@link #derive} gives (message ids): 26 characters of [a-z2-7]. */
    public static boolean isDerivedId(String value) {
        return value != null && DERIVED_ID.matcher(value).matches();
    }

    public static boolean isEventName(String value) {
        return value != null && EVENT_NAME.matcher(value).matches();
    }

    /** Client-supplied event and user ids: printable characters, 1 to 128 of them. */
    public static boolean isClientId(String value) {
        if (value == null || value.isEmpty() || value.length() > 128) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isISOControl(c) || Character.isSurrogate(c) && !validSurrogate(value, i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean validSurrogate(String value, int i) {
        int cp = value.codePointAt(i);
        return Character.isSupplementaryCodePoint(cp) || i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
    }

    /**
     * A derived id: lowercase base32 of SHA-256 over the parts, 26 characters ([a-z2-7]), safe for SES tags,
     * schedule names and logs whatever the parts contain.
     */
    public static String derive(String kind, String... parts) {
        MessageDigest sha = sha256();
        sha.update(kind.getBytes(StandardCharsets.UTF_8));
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            sha.update((byte) 0);
            sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) ':');
            sha.update(bytes);
        }
        return base32(sha.digest(), 26);
    }

    public static String sha256Hex(String value) {
        byte[] digest = sha256().digest(value.getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder(64);
        for (byte b : digest) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return hex.toString();
    }

    public static String base32(byte[] bytes, int length) {
        StringBuilder out = new StringBuilder(length);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5 && out.length() < length) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return out.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
