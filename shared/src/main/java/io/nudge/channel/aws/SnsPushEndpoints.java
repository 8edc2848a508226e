package io.nudge.channel.aws;

import io.nudge.channel.PushEndpoints;
import io.nudge.channel.PushPlatform;
import io.nudge.config.Env;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.CreatePlatformEndpointRequest;
import software.amazon.awssdk.services.sns.model.DeleteEndpointRequest;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;

/**
 * Registers device tokens as SNS platform endpoints, one platform application per {@link PushPlatform}
 * ({@code NUDGE_PUSH_APP_ARN_FCM}, {@code _APNS}, {@code _APNS_SANDBOX}).
 *
 * <p>{@code CreatePlatformEndpoint} is idempotent for the same token and attributes. When the token is already
 * registered with other attributes (another user id in {@code CustomUserData}), SNS refuses and names the existing
 * endpoint in its message; AWS documents reading the ARN from there, since no other call finds an endpoint by token.
 */
public final class SnsPushEndpoints implements PushEndpoints {
    public static final String APP_ARN_VARIABLE_PREFIX = "NUDGE_PUSH_APP_ARN_";
    // AWS's documented pattern, widened from "arn:aws:" to every partition (aws-cn, aws-us-gov).
    private static final Pattern ALREADY_EXISTS = Pattern.compile(
            ".*Endpoint (arn:aws[a-z-]*:sns:[^ ]+) already exists with the same [Tt]oken.*", Pattern.DOTALL);

    private final SnsClient sns;
    private final Map<PushPlatform, String> applicationArns;

    /** @param applicationArns the platform application per platform; a platform may be missing if it is not used */
    public SnsPushEndpoints(SnsClient sns, Map<PushPlatform, String> applicationArns) {
        this.sns = Objects.requireNonNull(sns, "sns");
        Objects.requireNonNull(applicationArns, "applicationArns");
        EnumMap<PushPlatform, String> copy = new EnumMap<>(PushPlatform.class);
        applicationArns.forEach((platform, arn) -> {
            if (arn == null || arn.isBlank()) {
                throw new IllegalArgumentException("the platform application ARN for " + platform.wire() + " is blank");
            }
            copy.put(platform, arn);
        });
        this.applicationArns = Map.copyOf(copy);
    }

    /** The application ARNs set in {@code env}; platforms whose variable is unset are left out. */
    public static Map<PushPlatform, String> applicationArns(Map<String, String> env) {
        EnumMap<PushPlatform, String> arns = new EnumMap<>(PushPlatform.class);
        for (PushPlatform platform : PushPlatform.values()) {
            Env.optional(env, applicationArnVariable(platform)).ifPresent(arn -> arns.put(platform, arn));
        }
        return arns;
    }

    /** {@code NUDGE_PUSH_APP_ARN_FCM}, {@code NUDGE_PUSH_APP_ARN_APNS}, {@code NUDGE_PUSH_APP_ARN_APNS_SANDBOX}. */
    public static String applicationArnVariable(PushPlatform platform) {
        return APP_ARN_VARIABLE_PREFIX + platform.name();
    }

    /**
     * @return the endpoint ARN for the token, new or existing
     * @throws IllegalStateException when no platform application is configured for {@code platform}
     * @throws IllegalArgumentException when SNS refuses the token (the message never contains the token)
     */
    @Override
    public String register(PushPlatform platform, String token, String userId) {
        Objects.requireNonNull(platform, "platform");
        requireText(token, "token");
        requireText(userId, "userId");
        String applicationArn = applicationArns.get(platform);
        if (applicationArn == null) {
            throw new IllegalStateException("push to " + platform.wire() + " is not configured: environment variable "
                    + applicationArnVariable(platform) + " is not set");
        }
        try {
            return sns.createPlatformEndpoint(CreatePlatformEndpointRequest.builder()
                            .platformApplicationArn(applicationArn)
                            .token(token)
                            .customUserData(userId)
                            .build())
                    .endpointArn();
        } catch (InvalidParameterException e) {
            Optional<String> existing = existingEndpoint(e);
            if (existing.isPresent()) {
                return existing.get();
            }
            throw new IllegalArgumentException("SNS refused the push token: " + ProviderFailures.providerWords(e, token));
        }
    }

    @Override
    public void delete(String endpointArn) {
        requireText(endpointArn, "endpointArn");
        // DeleteEndpoint is idempotent: deleting an endpoint that is already gone succeeds.
        sns.deleteEndpoint(DeleteEndpointRequest.builder().endpointArn(endpointArn).build());
    }

    static Optional<String> existingEndpoint(InvalidParameterException e) {
        String words = e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage()
                : e.getMessage();
        if (words == null) {
            return Optional.empty();
        }
        Matcher m = ALREADY_EXISTS.matcher(words);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static void requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " is blank");
        }
    }
}
