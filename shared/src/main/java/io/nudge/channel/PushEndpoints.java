package io.nudge.channel;

/**
 * Turns a device token into a sendable target and forgets it again. The SNS implementation creates platform
 * endpoints; the returned target is what {@link PushMessage#target()} carries.
 */
public interface PushEndpoints {
    /** The target for this token; the same token gives the same target, so registering twice is harmless. */
    String register(PushPlatform platform, String token, String userId);

    /** Forgets a target (the user removed the token, or the provider disabled it). Deleting twice is harmless. */
    void delete(String target);
}
