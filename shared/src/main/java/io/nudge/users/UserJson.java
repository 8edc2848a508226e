package io.nudge.users;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.model.Times;
import io.nudge.model.UserProfile;

/** The API's view of a profile: push tokens only as platform and the token's last characters. */
public final class UserJson {
    private UserJson() {}

    public static ObjectNode toJson(UserProfile user) {
        ObjectNode json = Json.object();
        json.put("userId", user.userId());
        user.email().ifPresent(v -> json.put("email", v));
        user.phone().ifPresent(v -> json.put("phone", v));
        user.timezone().ifPresent(v -> json.put("timezone", v));
        user.locale().ifPresent(v -> json.put("locale", v));
        json.set("attributes", user.attributes());
        ObjectNode consent = json.putObject("consent");
        user.consent().forEach((channel, c) -> {
            ObjectNode entry = consent.putObject(channel.wire());
            entry.put("status", c.status().wire());
            entry.put("source", c.source());
            entry.put("at", Times.format(c.at()));
        });
        ObjectNode subscriptions = json.putObject("subscriptions");
        user.subscriptions().forEach((topic, byChannel) -> {
            ObjectNode channels = subscriptions.putObject(topic);
            byChannel.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> channels.putObject(e.getKey().wire())
                    .put("status", e.getValue().status().wire()).put("source", e.getValue().source()).put("at", Times.format(e.getValue().at())));
        });
        // Only enough of each token to tell devices apart: the API never hands a sendable token back.
        ArrayNode tokens = json.putObject("push").putArray("tokens");
        user.pushTokens().forEach(t -> tokens.addObject()
                .put("platform", t.platform().wire())
                .put("tokenSuffix", t.tokenSuffix()));
        json.put("createdAt", Times.format(user.createdAt()));
        json.put("updatedAt", Times.format(user.updatedAt()));
        return json;
    }
}
