package io.nudge.api;

import io.nudge.model.ConsentStatus;
import io.nudge.unsubscribe.Subscription;
import io.nudge.unsubscribe.UnsubscribeTokens;
import io.nudge.users.UserService;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One-click unsubscribe, without a key: the signed token is the authority. GET shows a confirmation page and changes
 * nothing (mail scanners follow links); POST — the RFC 8058 one-click request from the mailbox provider, or the page's
 * button — withdraws the channel's consent.
 */
public final class UnsubscribeRoutes {
    private final UserService users;
    private final UnsubscribeTokens tokens;
    private final io.nudge.topics.TopicService topics;

    private UnsubscribeRoutes(UserService users, UnsubscribeTokens tokens, io.nudge.topics.TopicService topics) {
        this.users = users;
        this.tokens = tokens;
        this.topics = topics;
    }

    public static NudgeApi install(NudgeApi api, UserService users, UnsubscribeTokens tokens, io.nudge.topics.TopicService topics) {
        UnsubscribeRoutes routes = new UnsubscribeRoutes(users, tokens, topics);
        return api.addRoutes(UnsubscribeRoutes.class, List.of(
                Route.open("GET", "/v1/unsubscribe", (r, p) -> routes.unsubscribe(r)),
                Route.open("POST", "/v1/unsubscribe", (r, p) -> routes.unsubscribe(r))));
    }

    private ApiResponse unsubscribe(ApiRequest request) {
        String token = request.query().getOrDefault("token", "");
        Optional<Subscription> subscription = tokens.verify(token);
        if (subscription.isEmpty()) {
            // a person clicked this: a page, not JSON; the same for a forged, altered or retired-key token
            return UnsubscribePage.render(400, "This link is not valid", "This unsubscribe link is not valid or has expired. "
                    + "Use the link in a recent message from us, or reply to it to ask.", null);
        }
        String channel = subscription.get().channel().wire();
        if (subscription.get().topic().isPresent()) {
            return topic(request, token, subscription.get());
        }
        if (request.method().equals("POST")) {
            users.setConsent(subscription.get().userId(), subscription.get().channel(), ConsentStatus.OPTED_OUT, "unsubscribe");
            return UnsubscribePage.render(200, "You are unsubscribed", "You will no longer receive marketing " + channel + " from us.", null);
        }
        if (request.method().equals("GET") || request.method().equals("HEAD")) {
            return UnsubscribePage.render(200, "Unsubscribe?", "Stop marketing " + channel
                    + " to you? Messages you ask for (receipts, password resets) still arrive.",
                    "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        }
        throw new IllegalStateException("routed here for GET and POST only");
    }

    /**
     * A message of a topic: its one-click POST unsubscribes from that topic on the channel (source unsubscribe); its
     * page offers that, and the preference page for the rest. A topic deleted since is named by its id.
     */
    private ApiResponse topic(ApiRequest request, String token, Subscription subscription) {
        String topicId = subscription.topic().orElseThrow();
        String name = topics.find(topicId).map(io.nudge.topics.TopicDefinition::name).orElse(topicId);
        String channel = subscription.channel().wire();
        String preferences = PreferenceRoutes.PATH + "?token=" + URLEncoder.encode(tokens.issue(subscription.userId(), subscription.channel()),
                StandardCharsets.UTF_8);
        if (request.method().equals("POST")) {
            users.setTopics(subscription.userId(), Map.of(topicId, Map.of(subscription.channel(), io.nudge.topics.TopicStatus.UNSUBSCRIBED)),
                    "unsubscribe");
            return UnsubscribePage.render(200, "You are unsubscribed", "You will no longer receive " + channel + " about “" + name
                    + "” from us. Choose what else you hear about on your preference page.", null, preferences);
        }
        return UnsubscribePage.render(200, "Unsubscribe?", "Stop " + channel + " about “" + name
                + "”? Messages you ask for (receipts, password resets) still arrive.", "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8),
                preferences);
    }
}
