package io.nudge.model;

import io.nudge.channel.PushPlatform;
import java.util.Objects;

/**
 * One device of a user: the token the app got from FCM or APNs and the target it was registered as (the SNS platform
 * endpoint ARN, or a local id). Both lead to a device, so neither is ever logged: {@link #toString()} leaves them out.
 */
public record PushToken(PushPlatform platform, String token, String target) {
    /** How much of a token the API shows back: enough to tell devices apart, too little to send to one. */
    public static final int SHOWN_CHARACTERS = 8;

    public PushToken {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(target, "target");
        if (token.isBlank()) {
            throw new IllegalArgumentException("token is blank");
        }
        if (target.isBlank()) {
            throw new IllegalArgumentException("target is blank");
        }
    }

    /** Whether this is the same device token, whatever it was registered as. */
    public boolean sameToken(PushPlatform otherPlatform, String otherToken) {
        return platform == otherPlatform && token.equals(otherToken);
    }

    /** The last {@value #SHOWN_CHARACTERS} characters of the token. */
    public String tokenSuffix() {
        return token.length() <= SHOWN_CHARACTERS ? token : token.substring(token.length() - SHOWN_CHARACTERS);
    }

    @Override
    public String toString() {
        return "PushToken[platform=" + platform.wire() + "]";
    }
}
