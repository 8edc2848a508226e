package io.nudge.guards;

import io.nudge.config.Env;
import io.nudge.model.Channel;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/** The guards' configuration; every value has a default that holds with no configuration at all. */
public record GuardSettings(QuietHours quietHours, ZoneId defaultZone, FrequencyCaps.Limits caps, Map<Channel, RateLimits.Limit> rates) {
    public static final String QUIET_HOURS = "NUDGE_QUIET_HOURS";
    public static final String DEFAULT_TIMEZONE = "NUDGE_DEFAULT_TIMEZONE";
    public static final String FREQUENCY_CAPS = "NUDGE_FREQUENCY_CAPS";
    public static final String RATE_LIMITS = "NUDGE_RATE_LIMITS";
    public static final List<String> ENVIRONMENT = List.of(QUIET_HOURS, DEFAULT_TIMEZONE, FREQUENCY_CAPS, RATE_LIMITS);

    public GuardSettings {
        rates = Map.copyOf(rates);
    }

    public static GuardSettings defaults() {
        return new GuardSettings(QuietHours.defaults(), ZoneId.of("UTC"), FrequencyCaps.Limits.defaults(), RateLimits.defaults());
    }

    public static GuardSettings fromEnvironment(Map<String, String> env) {
        GuardSettings d = defaults();
        QuietHours quiet = Env.optional(env, QUIET_HOURS).map(q -> QuietHours.parse(q)
                .orElseThrow(() -> new IllegalStateException(QUIET_HOURS + " must be HH:mm-HH:mm, e.g. 21:00-08:00"))).orElse(d.quietHours());
        ZoneId zone = Env.optional(env, DEFAULT_TIMEZONE).map(z -> {
            try {
                return ZoneId.of(z);
            } catch (java.time.DateTimeException e) {
                throw new IllegalStateException(DEFAULT_TIMEZONE + " must be an IANA time zone, not " + z);
            }
        }).orElse(d.defaultZone());
        FrequencyCaps.Limits caps = Env.optional(env, FREQUENCY_CAPS).map(FrequencyCaps.Limits::parse).orElse(d.caps());
        Map<Channel, RateLimits.Limit> rates = Env.optional(env, RATE_LIMITS).map(RateLimits::parse).orElse(d.rates());
        return new GuardSettings(quiet, zone, caps, rates);
    }
}
