package io.nudge.unsubscribe;

import io.nudge.model.Channel;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, self-contained unsubscribe tokens: {@code v1.<keyId>.<payload>.<signature>}, all URL-safe, so a link
 * needs no lookup table and cannot be forged or edited to unsubscribe someone else.
 *
 * <p>The payload is base64url (no padding) of {@code userId NUL channel}, or {@code userId NUL channel NUL topic} for a
 * link about one topic; the signature is HMAC-SHA256 over the
 * text {@code v1.<keyId>.<payload>} with the named key, base64url without padding. Signing the text as sent (not the
 * decoded bytes) means there is exactly one valid spelling of each token. Tokens do not expire: an unsubscribe link
 * in an old email must keep working (CAN-SPAM asks for 30 days at least); rotating the key ring is how old links end.
 */
public final class UnsubscribeTokens {
    private static final String VERSION = "v1";
    private static final String ALGORITHM = "HmacSHA256";
    private static final char SEPARATOR = '\u0000';
    // Keeps a token inside an email header: SES allows 870 characters for a header value, List-Unsubscribe included.
    static final int MAX_USER_ID_BYTES = 512;
    private static final int MAX_TOKEN_LENGTH = 1024;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final KeyRing keys;

    public UnsubscribeTokens(KeyRing keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /**
     * @throws IllegalArgumentException when the user id is empty, contains NUL (the separator), is not valid UTF-16
     *     (a lone surrogate) or is longer than 512 bytes in UTF-8
     */
    public String issue(String userId, Channel channel) {
        return issue(userId, channel, Optional.empty());
    }

    /** A token for one topic on the channel (a topic's one-click unsubscribe), or the whole channel. */
    public String issue(String userId, Channel channel, Optional<String> topic) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(topic, "topic");
        if (topic.map(t -> !io.nudge.ids.Ids.isAdminId(t)).orElse(false)) {
            throw new IllegalArgumentException("not a topic id");
        }
        Objects.requireNonNull(channel, "channel");
        if (userId.isEmpty()) {
            throw new IllegalArgumentException("userId is empty");
        }
        if (userId.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("userId contains NUL, the token's separator");
        }
        byte[] userBytes = strictUtf8(userId);
        if (userBytes.length > MAX_USER_ID_BYTES) {
            throw new IllegalArgumentException("userId is longer than " + MAX_USER_ID_BYTES + " bytes");
        }
        String payload = ENCODER.encodeToString((userId + SEPARATOR + channel.wire() + topic.map(t -> SEPARATOR + t).orElse(""))
                .getBytes(StandardCharsets.UTF_8));
        String signed = VERSION + "." + keys.currentKeyId() + "." + payload;
        return signed + "." + sign(keys.key(keys.currentKeyId()), signed);
    }

    /** The subscription a token speaks for; empty for anything malformed, altered, or signed with an unknown key. */
    public Optional<Subscription> verify(String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 4 || !VERSION.equals(parts[0])) {
            return Optional.empty();
        }
        byte[] key = keys.key(parts[1]);
        if (key == null) {
            return Optional.empty();
        }
        String expected = sign(key, parts[0] + "." + parts[1] + "." + parts[2]);
        // Constant time: how much of a guessed signature matched must not show in the response time.
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), parts[3].getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return subscription(parts[2]);
    }

    private static Optional<Subscription> subscription(String payload) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(payload)))
                    .toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return Optional.empty();
        }
        String[] parts = text.split(String.valueOf(SEPARATOR), -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty()) {
            return Optional.empty();
        }
        Optional<String> topic = parts.length == 3 ? Optional.of(parts[2]) : Optional.empty();
        if (topic.map(t -> !io.nudge.ids.Ids.isAdminId(t)).orElse(false)) {
            return Optional.empty();
        }
        return Channel.fromWire(parts[1]).map(channel -> new Subscription(parts[0], channel, topic));
    }

    private static String sign(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return ENCODER.encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            // Every Java runtime ships HmacSHA256, and the key ring only holds usable keys.
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static byte[] strictUtf8(String value) {
        try {
            ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            byte[] out = new byte[bytes.remaining()];
            bytes.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("userId is not valid text (a lone surrogate)");
        }
    }
}
