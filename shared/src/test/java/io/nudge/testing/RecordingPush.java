package io.nudge.testing;

import io.nudge.channel.PushEndpoints;
import io.nudge.channel.PushMessage;
import io.nudge.channel.PushPlatform;
import io.nudge.channel.PushSender;
import io.nudge.channel.SendOutcome;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Push endpoints and a push sender that record what they were asked and answer what the test says. A token is
 * registered as {@code endpoint/<platform>/<token>}, so tests can name the target they expect.
 */
public final class RecordingPush implements PushEndpoints, PushSender {
    public record Registration(PushPlatform platform, String token, String userId) {}

    public final List<Registration> registered = new CopyOnWriteArrayList<>();
    public final List<String> deleted = new CopyOnWriteArrayList<>();
    public final List<PushMessage> sent = new CopyOnWriteArrayList<>();
    private final Set<PushPlatform> configured;
    private final Set<String> refusedTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, SendOutcome> answers = new ConcurrentHashMap<>();

    /** Every platform configured. */
    public RecordingPush() {
        this(EnumSet.allOf(PushPlatform.class));
    }

    public RecordingPush(Set<PushPlatform> configured) {
        this.configured = Set.copyOf(configured);
    }

    public static String target(PushPlatform platform, String token) {
        return "endpoint/" + platform.wire() + "/" + token;
    }

    /** The provider will refuse this token when it is registered. */
    public void refuse(String token) {
        refusedTokens.add(token);
    }

    /** Sends to {@code target} get this answer; others are accepted as {@code provider-<n>}. */
    public void answer(String target, SendOutcome outcome) {
        answers.put(target, outcome);
    }

    @Override
    public String register(PushPlatform platform, String token, String userId) {
        if (!configured.contains(platform)) {
            throw new IllegalStateException("NUDGE_PUSH_APP_ARN_" + platform.name() + " is not set");
        }
        if (refusedTokens.contains(token)) {
            throw new IllegalArgumentException("SNS refused the push token: Invalid parameter: Token");
        }
        registered.add(new Registration(platform, token, userId));
        return target(platform, token);
    }

    @Override
    public void delete(String target) {
        deleted.add(target);
    }

    @Override
    public synchronized SendOutcome send(PushMessage push) {
        sent.add(push);
        SendOutcome answer = answers.get(push.target());
        return answer != null ? answer : new SendOutcome.Accepted("provider-" + sent.size());
    }
}
