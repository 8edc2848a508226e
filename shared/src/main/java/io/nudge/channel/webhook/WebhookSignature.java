package io.nudge.channel.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code Nudge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">}: the receiver recomputes it with the
 * shared secret, compares in constant time and refuses a {@code t} older than five minutes (a replayed request).
 * While a rotated secret is still valid the header carries one {@code v1} per secret; any one matching is enough.
 */
public final class WebhookSignature {
    public static final String HEADER = "Nudge-Signature";

    private WebhookSignature() {}

    public static String header(String secret, long unixSeconds, String body) {
        return header(java.util.List.of(secret), unixSeconds, body);
    }

    /** One {@code v1} per secret, the current first: a receiver that knows either accepts the request. */
    public static String header(java.util.List<String> secrets, long unixSeconds, String body) {
        StringBuilder header = new StringBuilder("t=").append(unixSeconds);
        for (String secret : secrets) {
            header.append(",v1=").append(hmac(secret, unixSeconds + "." + body));
        }
        return header.toString();
    }

    /** What a receiver does: the header parses, its v1 matches, and t is within {@code toleranceSeconds} of now. */
    public static boolean verify(String secret, String header, String body, long nowSeconds, long toleranceSeconds) {
        Optional<Long> t = Optional.empty();
        java.util.List<String> v1 = new java.util.ArrayList<>();
        for (String part : header.split(",")) {
            String[] kv = part.strip().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t") && kv[1].matches("\\d{1,12}")) {
                t = Optional.of(Long.parseLong(kv[1]));
            } else if (kv.length == 2 && kv[0].equals("v1")) {
                v1.add(kv[1]);
            }
        }
        if (t.isEmpty() || v1.isEmpty() || Math.abs(nowSeconds - t.get()) > toleranceSeconds) {
            return false;
        }
        byte[] expected = hmac(secret, t.get() + "." + body).getBytes(StandardCharsets.US_ASCII);
        boolean matched = false;
        for (String candidate : v1) { // every one compared: no early exit to time
            matched |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII));
        }
        return matched;
    }

    private static String hmac(String secret, String signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
