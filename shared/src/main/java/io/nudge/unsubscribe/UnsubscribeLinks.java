package io.nudge.unsubscribe;

import io.nudge.model.Channel;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One-click unsubscribe links: {@code <NUDGE_PUBLIC_BASE_URL>/v1/unsubscribe?token=<signed user+channel>}.
 * The base URL is a supplier because locally it is only known once the HTTP server has its port.
 */
public record UnsubscribeLinks(UnsubscribeTokens tokens, Supplier<String> baseUrl) {
    public static final String BASE_URL = "NUDGE_PUBLIC_BASE_URL";
    public static final String PATH = "/v1/unsubscribe";

    public UnsubscribeLinks {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(baseUrl, "baseUrl");
    }

    public static final String PREFERENCES_PATH = "/v1/preferences";

    public String url(String userId, Channel channel) {
        return url(userId, channel, java.util.Optional.empty());
    }

    /** The one-click link of a message: about its topic only when it has one (RFC 8058 POST unsubscribes from that). */
    public String url(String userId, Channel channel, java.util.Optional<String> topic) {
        return base() + PATH + "?token=" + URLEncoder.encode(tokens.issue(userId, channel, topic), StandardCharsets.UTF_8);
    }

    /** The person's preference page: their topics on their channels, signed for them alone. */
    public String preferencesUrl(String userId, Channel channel) {
        return base() + PREFERENCES_PATH + "?token=" + URLEncoder.encode(tokens.issue(userId, channel), StandardCharsets.UTF_8);
    }

    private String base() {
        String base = baseUrl.get();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** A fresh random key that lives as long as the process: tests, and local runs that did not configure one. */
    public static KeyRing randomKeys() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new KeyRing("local", Map.of("local", key));
    }

}
