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
 */
public final class WebhookSignature {
    public static final String HEADER = "Nudge-Signature";

    private WebhookSignature() {}

    public static String header(String secret, long unixSeconds, String body) {
        return "t=" + unixSeconds + ",v1=" + hmac(secret, unixSeconds + "." + body);
    }

    /** What a receiver does: the header parses, its v1 matches, and t is within {@code toleranceSeconds} of now. */
    public static boolean verify(String secret, String header, String body, long nowSeconds, long toleranceSeconds) {
        Optional<Long> t = Optional.empty();
        Optional<String> v1 = Optional.empty();
        for (String part : header.split(",")) {
            String[] kv = part.strip().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t") && kv[1].matches("\\d{1,12}")) {
                t = Optional.of(Long.parseLong(kv[1]));
            } else if (kv.length == 2 && kv[0].equals("v1")) {
                v1 = Optional.of(kv[1]);
            }
        }
        if (t.isEmpty() || v1.isEmpty() || Math.abs(nowSeconds - t.get()) > toleranceSeconds) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, t.get() + "." + body).getBytes(StandardCharsets.US_ASCII),
                v1.get().getBytes(StandardCharsets.US_ASCII));
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
