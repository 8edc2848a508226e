package io.nudge.channel;

/**
 * Turns a device token into a sendable target and forgets it again. The SNS implementation creates platform
 * endpoints; the returned target is what {@link PushMessage#target()} carries.
 */
public interface PushEndpoints {
    /**
     * The target for this token; the same token gives the same target, so registering twice is harmless.
     *
     * @throws IllegalStateException when push to {@code platform} is not configured
     * @throws IllegalArgumentException when the provider refuses the token
     */
    String register(PushPlatform platform, String token, String userId);

    /** Forgets a target (the user removed the token, or the provider disabled it). Deleting twice is harmless. */
    void delete(String target);

    /**
     * For a deployment without push: registering fails as "not configured", so a profile update naming tokens is
     * refused instead of storing tokens nothing can send to.
     */
    static PushEndpoints notConfigured() {
        return new PushEndpoints() {
            @Override
            public String register(PushPlatform platform, String token, String userId) {
                throw new IllegalStateException("push to " + platform.wire() + " is not configured");
            }

            @Override
            public void delete(String target) {
                throw new IllegalStateException("push is not configured");
            }
        };
    }
}
