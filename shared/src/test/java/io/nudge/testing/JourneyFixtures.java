package io.nudge.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import java.util.Map;
import java.util.Optional;

/** The onboarding journey (#16) and the templates it names, for parser, route and OpenAPI tests. */
public final class JourneyFixtures {
    private JourneyFixtures() {}

    /** The document, word for word. */
    public static final String ONBOARDING = """
            {
              "name": "Onboarding",
              "enabled": true,
              "entry": {"event": "signed_up", "conditions": [{"path": "event.properties.plan", "op": "ne", "value": "internal"}]},
              "reentry": "once",
              "exitOn": [{"event": "account_closed"}, {"event": "purchase_completed", "match": ["properties.cartId"]}],
              "conversion": {"event": "project_created", "within": "P14D", "exit": true},
              "start": "welcome",
              "steps": {
                "welcome":  {"type": "send", "channel": "email", "template": "welcome_email", "priority": "transactional", "next": "wait_day"},
                "wait_day": {"type": "delay", "duration": "P1D", "sendAt": {"localTime": "10:00"}, "next": "created"},
                "created":  {"type": "wait_for", "event": "project_created", "match": [], "timeout": "P2D", "next": "congrats", "timeoutNext": "engaged"},
                "engaged":  {"type": "branch", "branches": [{"conditions": [{"path": "steps.welcome.opened", "op": "eq", "value": true}], "next": "tips"}], "default": "sms"},
                "tips":     {"type": "split", "arms": [{"id": "A", "weight": 50, "next": "tips_a"}, {"id": "B", "weight": 50, "next": "tips_b"}]},
                "tips_a":   {"type": "send", "channel": "email", "template": "tips_a", "next": "mark"},
                "tips_b":   {"type": "send", "channel": "email", "template": "tips_b", "next": "mark"},
                "sms":      {"type": "send", "channel": "sms", "template": "nudge_sms", "next": "mark"},
                "mark":     {"type": "update_user", "attributes": {"onboarding": "nudged"}, "next": "end"},
                "congrats": {"type": "send", "channel": "email", "template": "congrats", "next": "end"},
                "end":      {"type": "exit"}
              }
            }
            """;

    /** The templates the onboarding document names, by channel. */
    public static final Map<String, Channel> TEMPLATES = Map.of("welcome_email", Channel.EMAIL, "tips_a", Channel.EMAIL,
            "tips_b", Channel.EMAIL, "nudge_sms", Channel.SMS, "congrats", Channel.EMAIL);

    public static Optional<Channel> templateChannel(String id) {
        return Optional.ofNullable(TEMPLATES.get(id));
    }

    public static ObjectNode onboarding() {
        try {
            return (ObjectNode) Json.parse(ONBOARDING);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A template document for each of {@link #TEMPLATES}: PUT them before the journey. */
    public static Map<String, String> templateDocuments() {
        Map<String, String> docs = new java.util.TreeMap<>();
        TEMPLATES.forEach((id, channel) -> docs.put(id, channel == Channel.SMS
                ? "{\"channel\":\"sms\",\"body\":\"Acme: \" }"
                : "{\"channel\":\"email\",\"subject\":\"S\",\"text\":\"T\"}"));
        return docs;
    }
}
