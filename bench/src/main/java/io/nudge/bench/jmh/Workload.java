package io.nudge.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.model.Consent;
import io.nudge.model.ConsentStatus;
import io.nudge.model.Event;
import io.nudge.model.UserProfile;
import io.nudge.trigger.Condition;
import io.nudge.trigger.TriggerDefinition;
import io.nudge.trigger.TriggerIndex;
import io.nudge.trigger.TriggerParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A deterministic, realistic workload for the trigger engine: 50 event names whose traffic follows a Zipf law (a
 * few events — page views, sessions, carts — make most of it), events of ~300 bytes with the properties apps send,
 * users with attributes and consent, and triggers of 1–5 conditions over those properties and attributes, parsed by
 * the real {@link TriggerParser}.
 *
 * <p>Where the triggers sit is the {@link Spread}: {@code zipf} puts them on event names as often as the traffic has
 * them (a popular event carries many triggers: the hard case), {@code uniform} spreads them evenly (most triggers
 * sit on events that are rare).
 */
public final class Workload {
    public static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    static final String[] EVENT_NAMES = {
        "page_viewed", "session_started", "product_viewed", "added_to_cart", "search_performed", "cart_abandoned",
        "checkout_started", "purchase_completed", "signed_up", "email_verified", "app_opened", "push_clicked",
        "wishlist_added", "review_posted", "coupon_applied", "order_shipped", "order_delivered", "order_returned",
        "subscription_started", "subscription_renewed", "subscription_cancelled", "trial_started", "trial_ending",
        "payment_failed", "payment_succeeded", "invoice_issued", "profile_updated", "password_reset", "referral_sent",
        "referral_converted", "level_completed", "achievement_unlocked", "content_shared", "video_watched",
        "article_read", "newsletter_opened", "feedback_given", "support_ticket_opened", "support_ticket_closed",
        "appointment_booked", "appointment_missed", "booking_cancelled", "loyalty_points_earned",
        "loyalty_tier_changed", "price_drop_alert", "back_in_stock", "store_visited", "gift_card_redeemed",
        "account_deleted", "data_exported",
    };
    private static final String[] PLANS = {"free", "starter", "pro", "enterprise"};
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP"};
    private static final String[] COUNTRIES = {"DE", "FR", "US", "GB", "NL", "ES", "IT"};
    private static final String[] SOURCES = {"ios", "android", "web"};
    private static final String[] TIERS = {"bronze", "silver", "gold"};
    private static final String[] LOCALES = {"en-GB", "de-DE", "fr-FR", "en-US", "nl-NL"};
    private static final String[] FIRST_NAMES = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"};

    public enum Spread { ZIPF, UNIFORM }

    private Workload() {}

    /** Zipf(s = 1) over the event names: name i has weight 1/(i+1). */
    static final class Zipf {
        private final double[] cumulative;

        Zipf(int n) {
            cumulative = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1.0 / (i + 1);
                cumulative[i] = sum;
            }
            for (int i = 0; i < n; i++) {
                cumulative[i] /= sum;
            }
        }

        int next(SplittableRandom random) {
            double u = random.nextDouble();
            int lo = 0;
            int hi = cumulative.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /** One event as an app posts it to {@code POST /v1/events}. */
    public static ObjectNode eventJson(SplittableRandom random, int n, String name, String userId) {
        ObjectNode event = Json.object();
        event.put("id", "evt-" + Long.toHexString(random.nextLong()) + "-" + n);
        event.put("userId", userId);
        event.put("name", name);
        ObjectNode properties = event.putObject("properties");
        properties.put("plan", pick(random, PLANS));
        properties.put("total", Math.round(random.nextDouble() * 50_000) / 100.0);
        properties.put("currency", pick(random, CURRENCIES));
        properties.put("country", pick(random, COUNTRIES));
        properties.put("source", pick(random, SOURCES));
        properties.put("cartId", "c-" + random.nextInt(10_000));
        ArrayNode items = properties.putArray("items");
        for (int i = 0, count = 1 + random.nextInt(4); i < count; i++) {
            items.add("sku-" + random.nextInt(40));
        }
        if (random.nextInt(4) == 0) {
            properties.put("coupon", "WELCOME" + random.nextInt(10));
        }
        properties.put("url", "https://shop.example/p/" + random.nextInt(5_000));
        event.put("timestamp", NOW.minusSeconds(random.nextInt(3_600)).toString());
        return event;
    }

    /** {@code n} events drawn with Zipf popularity over the names, from {@code users} users. */
    public static List<byte[]> rawEvents(int n, int users, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Zipf zipf = new Zipf(EVENT_NAMES.length);
        List<byte[]> raw = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = EVENT_NAMES[zipf.next(random)];
            raw.add(Json.write(eventJson(random, i, name, "user-" + random.nextInt(users))).getBytes(StandardCharsets.UTF_8));
        }
        return raw;
    }

    /**
     * The event as evaluate-triggers receives it: stored by ingest as a DynamoDB item, read back from the stream image
     * (numbers become longs and BigDecimals, as AttributeValues reads them).
     */
    public static Event asStreamImage(Event event) {
        java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item = new java.util.HashMap<>();
        item.put("eventId", io.nudge.store.AttributeValues.s(event.id()));
        item.put("userId", io.nudge.store.AttributeValues.s(event.userId()));
        item.put("name", io.nudge.store.AttributeValues.s(event.name()));
        item.put("properties", io.nudge.store.AttributeValues.fromJson(event.properties()));
        item.put("timestamp", io.nudge.store.AttributeValues.s(io.nudge.model.Times.format(event.timestamp())));
        item.put("receivedAt", io.nudge.store.AttributeValues.s(io.nudge.model.Times.format(event.receivedAt())));
        return io.nudge.store.EventStore.fromItem(item);
    }

    /** What ingest does with a posted event's JSON (the fields evaluation needs). */
    public static Event parse(byte[] raw) {
        try {
            JsonNode node = Json.MAPPER.readTree(raw);
            return new Event(node.get("id").textValue(), node.get("userId").textValue(), node.get("name").textValue(),
                    (ObjectNode) node.get("properties"), Instant.parse(node.get("timestamp").textValue()), NOW);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static UserProfile user(SplittableRandom random, String userId) {
        ObjectNode attributes = Json.object();
        attributes.put("first_name", pick(random, FIRST_NAMES));
        attributes.put("tier", pick(random, TIERS));
        attributes.put("lifetime_value", Math.round(random.nextDouble() * 200_000) / 100.0);
        attributes.put("signup_days", random.nextInt(1_000));
        attributes.put("newsletter", random.nextBoolean());
        Map<Channel, Consent> consent = random.nextInt(5) == 0
                ? Map.of(Channel.EMAIL, new Consent(ConsentStatus.OPTED_OUT, "api", NOW))
                : Map.of(Channel.EMAIL, new Consent(ConsentStatus.OPTED_IN, "api", NOW));
        return new UserProfile(userId, Optional.of(userId + "@example.com"), Optional.of("+4915112345678"),
                Optional.of("Europe/Berlin"), Optional.of(pick(random, LOCALES)), attributes, consent, java.util.Map.of(), List.of(), NOW, NOW, 3);
    }

    public static List<UserProfile> users(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<UserProfile> users = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            users.add(user(random, "user-" + i));
        }
        return users;
    }

    /** {@code n} triggers parsed by the real parser, 1–5 conditions each, placed on event names by {@code spread}. */
    public static List<TriggerDefinition> triggers(int n, Spread spread, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Zipf zipf = new Zipf(EVENT_NAMES.length);
        List<TriggerDefinition> triggers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String event = EVENT_NAMES[spread == Spread.ZIPF ? zipf.next(random) : random.nextInt(EVENT_NAMES.length)];
            triggers.add(TriggerParser.parse("t" + i, triggerJson(random, event), template -> Optional.of(Channel.EMAIL)));
        }
        return triggers;
    }

    public static TriggerIndex index(int n, Spread spread, long seed) {
        return TriggerIndex.of(triggers(n, spread, seed));
    }

    static ObjectNode triggerJson(SplittableRandom random, String event) {
        ObjectNode trigger = Json.object();
        trigger.put("event", event);
        ArrayNode conditions = trigger.putArray("conditions");
        for (int i = 0, count = 1 + random.nextInt(5); i < count; i++) {
            conditions.add(condition(random));
        }
        trigger.put("channel", "email");
        trigger.put("template", "tpl");
        return trigger;
    }

    /** One clause from the kinds real triggers use; values chosen so that a clause holds roughly half the time. */
    static ObjectNode condition(SplittableRandom random) {
        ObjectNode c = Json.object();
        switch (random.nextInt(12)) {
            case 0 -> c.put("path", "event.properties.plan").put("op", "eq").put("value", pick(random, PLANS));
            case 1 -> c.put("path", "event.properties.plan").put("op", "in").set("value", Json.MAPPER.createArrayNode()
                    .add(pick(random, PLANS)).add(pick(random, PLANS)));
            case 2 -> c.put("path", "event.properties.total").put("op", "gte").put("value", random.nextInt(300));
            case 3 -> c.put("path", "event.properties.total").put("op", "lt").put("value", 100 + random.nextInt(400));
            case 4 -> c.put("path", "event.properties.currency").put("op", "eq").put("value", pick(random, CURRENCIES));
            case 5 -> c.put("path", "event.properties.country").put("op", "not_in").set("value", Json.MAPPER.createArrayNode()
                    .add(pick(random, COUNTRIES)).add(pick(random, COUNTRIES)));
            case 6 -> c.put("path", "event.properties.items").put("op", "contains").put("value", "sku-" + random.nextInt(40));
            case 7 -> c.put("path", "event.properties.coupon").put("op", random.nextBoolean() ? "exists" : "not_exists");
            case 8 -> c.put("path", "user.attributes.tier").put("op", "ne").put("value", pick(random, TIERS));
            case 9 -> c.put("path", "user.attributes.lifetime_value").put("op", "gt").put("value", random.nextInt(1_500));
            case 10 -> c.put("path", "user.locale").put("op", "starts_with").put("value", random.nextBoolean() ? "en" : "de");
            default -> c.put("path", "user.consent.email").put("op", "eq").put("value", "opted_in");
        }
        return c;
    }

    /**
     * The matching step of evaluation exactly as EvaluateService.decide runs it: a disabled trigger is skipped, the
     * conditions are tested in order and the first that fails decides. Returns the number of triggers that matched.
     */
    public static int matchCount(List<TriggerDefinition> candidates, ObjectNode context) {
        int matched = 0;
        for (TriggerDefinition trigger : candidates) {
            if (!trigger.enabled()) {
                continue;
            }
            List<Condition> conditions = trigger.conditions();
            boolean all = true;
            for (int i = 0; i < conditions.size(); i++) {
                if (!conditions.get(i).test(context)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                matched++;
            }
        }
        return matched;
    }

    private static String pick(SplittableRandom random, String[] values) {
        return values[random.nextInt(values.length)];
    }
}
