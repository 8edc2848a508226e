package io.nudge.config;

import java.util.List;
import java.util.Map;

/** The table names, read once from the environment and checked. */
public record Tables(String users, String events, String messages, String definitions, String apiKeys, String deadLetters,
        String slots, String state, String suppressions, String stats, String journeys, String outbound, String webhookDeliveries) {
    public static final String USERS = "USERS_TABLE";
    public static final String EVENTS = "EVENTS_TABLE";
    public static final String MESSAGES = "MESSAGES_TABLE";
    public static final String DEFINITIONS = "DEFINITIONS_TABLE";
    public static final String API_KEYS = "API_KEYS_TABLE";
    public static final String DEAD_LETTERS = "DEAD_LETTERS_TABLE";
    public static final String SLOTS = "SLOTS_TABLE";
    public static final String STATE = "STATE_TABLE";
    public static final String SUPPRESSIONS = "SUPPRESSIONS_TABLE";
    public static final String STATS = "STATS_TABLE";
    public static final String JOURNEYS = "JOURNEYS_TABLE";
    public static final String OUTBOUND = "OUTBOUND_TABLE";
    public static final String WEBHOOK_DELIVERIES = "WEBHOOK_DELIVERIES_TABLE";
    public static final List<String> ENVIRONMENT = List.of(USERS, EVENTS, MESSAGES, DEFINITIONS, API_KEYS, DEAD_LETTERS, SLOTS, STATE,
            SUPPRESSIONS, STATS, JOURNEYS, OUTBOUND, WEBHOOK_DELIVERIES);

    public static Tables fromEnvironment(Map<String, String> env) {
        return new Tables(Env.require(env, USERS), Env.require(env, EVENTS), Env.require(env, MESSAGES),
                Env.require(env, DEFINITIONS), Env.require(env, API_KEYS), Env.require(env, DEAD_LETTERS),
                Env.require(env, SLOTS), Env.require(env, STATE), Env.require(env, SUPPRESSIONS), Env.require(env, STATS),
                Env.require(env, JOURNEYS), Env.require(env, OUTBOUND), Env.require(env, WEBHOOK_DELIVERIES));
    }

    /** Local mode and tests: fixed names with a prefix. */
    public static Tables withPrefix(String prefix) {
        return new Tables(prefix + "Users", prefix + "Events", prefix + "Messages", prefix + "Definitions",
                prefix + "ApiKeys", prefix + "DeadLetters", prefix + "Slots", prefix + "State", prefix + "Suppressions",
                prefix + "Stats", prefix + "JourneyInstances", prefix + "Outbound", prefix + "WebhookDeliveries");
    }
}
