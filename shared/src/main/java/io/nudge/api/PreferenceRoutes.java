package io.nudge.api;

import io.nudge.model.Channel;
import io.nudge.model.ConsentStatus;
import io.nudge.model.UserProfile;
import io.nudge.topics.TopicDefinition;
import io.nudge.topics.TopicService;
import io.nudge.topics.TopicStatus;
import io.nudge.unsubscribe.Subscription;
import io.nudge.unsubscribe.UnsubscribeTokens;
import io.nudge.users.UserService;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The preference page ({@code /v1/preferences?token=…}), without a key: the signed token (the unsubscribe key ring) is
 * the authority and names the one person the page is about. GET lists the topics of the person's channels with their
 * state; POST saves the form (a checkbox {@code <topicId>.<channel>} per topic and channel: checked subscribed, absent
 * unsubscribed) or unsubscribes from all marketing email. Plain HTML, no script; the person's locale picks the texts.
 * A POST whose {@code Origin} is present and not the public base URL's ({@code null} included) is refused: the form
 * cannot be posted from another site (mailbox providers' one-click requests carry no Origin, and go to /v1/unsubscribe).
 */
public final class PreferenceRoutes {
    public static final String PATH = "/v1/preferences";
    static final String SOURCE = "preference_page";
    private static final String BUNDLE = "io.nudge.preferences.messages";

    private final UserService users;
    private final TopicService topics;
    private final UnsubscribeTokens tokens;
    private final Supplier<String> baseUrl;

    private PreferenceRoutes(UserService users, TopicService topics, UnsubscribeTokens tokens, Supplier<String> baseUrl) {
        this.users = users;
        this.topics = topics;
        this.tokens = tokens;
        this.baseUrl = baseUrl;
    }

    public static NudgeApi install(NudgeApi api, UserService users, TopicService topics, UnsubscribeTokens tokens, Supplier<String> baseUrl) {
        PreferenceRoutes routes = new PreferenceRoutes(users, topics, tokens, baseUrl);
        return api.addRoutes(PreferenceRoutes.class, List.of(
                Route.open("GET", PATH, (r, p) -> routes.page(r)),
                Route.open("POST", PATH, (r, p) -> routes.page(r))));
    }

    private ApiResponse page(ApiRequest request) {
        String token = request.query().getOrDefault("token", "");
        Optional<Subscription> who = tokens.verify(token);
        Optional<UserProfile> user = who.flatMap(s -> users.find(s.userId()));
        if (user.isEmpty()) {
            ResourceBundle texts = texts(Optional.empty());
            return html(400, texts, texts.getString("invalid.title"), "<p>" + escape(texts.getString("invalid.text")) + "</p>");
        }
        ResourceBundle texts = texts(user.get().locale());
        String notice = "";
        if (request.method().equals("POST")) {
            if (!sameOrigin(request)) {
                return html(403, texts, texts.getString("refused.title"), "<p>" + escape(texts.getString("refused.text")) + "</p>");
            }
            Map<String, String> form = form(request);
            if ("unsubscribe_all".equals(form.get("action"))) {
                users.setConsent(user.get().userId(), Channel.EMAIL, ConsentStatus.OPTED_OUT, SOURCE);
                notice = texts.getString("unsubscribedAll");
            } else {
                users.setTopics(user.get().userId(), choices(user.get(), form.keySet()), SOURCE);
                notice = texts.getString("saved");
            }
            user = users.find(user.get().userId());
            if (user.isEmpty()) {
                return html(400, texts, texts.getString("invalid.title"), "<p>" + escape(texts.getString("invalid.text")) + "</p>");
            }
        }
        return html(200, texts, texts.getString("title"), body(user.get(), texts, token, notice));
    }

    /** Every topic and channel the page shows, subscribed when its box came checked. */
    private Map<String, Map<Channel, TopicStatus>> choices(UserProfile user, Set<String> checked) {
        Map<String, Map<Channel, TopicStatus>> choices = new TreeMap<>();
        for (TopicDefinition topic : shown(user)) {
            for (Channel channel : channels(user, topic)) {
                choices.computeIfAbsent(topic.id(), t -> new EnumMap<>(Channel.class))
                        .put(channel, checked.contains(topic.id() + "." + channel.wire()) ? TopicStatus.SUBSCRIBED : TopicStatus.UNSUBSCRIBED);
            }
        }
        return choices;
    }

    private List<TopicDefinition> shown(UserProfile user) {
        List<TopicDefinition> all = new ArrayList<>();
        for (var doc : topics.list()) {
            topics.find(doc.path("id").asText()).filter(t -> !channels(user, t).isEmpty()).ifPresent(all::add);
        }
        all.sort(java.util.Comparator.comparing(TopicDefinition::name).thenComparing(TopicDefinition::id));
        return all;
    }

    /** The topic's channels this person can be reached on. */
    private static List<Channel> channels(UserProfile user, TopicDefinition topic) {
        List<Channel> reachable = new ArrayList<>();
        for (Channel channel : List.of(Channel.EMAIL, Channel.SMS, Channel.PUSH)) {
            boolean has = switch (channel) {
                case EMAIL -> user.email().isPresent();
                case SMS -> user.phone().isPresent();
                case PUSH -> !user.pushTokens().isEmpty();
                case WEBHOOK -> false;
            };
            if (has && topic.covers(channel)) {
                reachable.add(channel);
            }
        }
        return reachable;
    }

    private String body(UserProfile user, ResourceBundle texts, String token, String notice) {
        String action = PATH + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        StringBuilder html = new StringBuilder();
        html.append("<p>").append(escape(user.email().map(e -> MessageFormat.format(texts.getString("intro"), mask(e)))
                .orElse(texts.getString("intro.noAddress")))).append("</p>");
        if (!notice.isEmpty()) {
            html.append("<p role=\"status\" id=\"notice\"><strong>").append(escape(notice)).append("</strong></p>");
        }
        boolean marketingOff = Optional.ofNullable(user.consent().get(Channel.EMAIL)).map(c -> c.status() == ConsentStatus.OPTED_OUT).orElse(false);
        if (marketingOff) {
            html.append("<p id=\"marketing-off\">").append(escape(texts.getString("marketingOff"))).append("</p>");
        }
        List<TopicDefinition> shown = shown(user);
        html.append("<form method=\"post\" action=\"").append(escape(action)).append("\" id=\"preferences\">")
                .append("<input type=\"hidden\" name=\"form\" value=\"preferences\">");
        if (shown.isEmpty()) {
            html.append("<p>").append(escape(texts.getString("none"))).append("</p>");
        }
        for (Channel channel : List.of(Channel.EMAIL, Channel.SMS, Channel.PUSH)) {
            List<TopicDefinition> onChannel = shown.stream().filter(t -> channels(user, t).contains(channel)).toList();
            if (onChannel.isEmpty()) {
                continue;
            }
            html.append("<fieldset><legend>").append(escape(texts.getString("channel." + channel.wire()))).append("</legend>");
            for (TopicDefinition topic : onChannel) {
                String name = topic.id() + "." + channel.wire();
                boolean on = user.subscription(topic.id(), channel).map(s -> s.status()).orElse(topic.defaultStatus()) == TopicStatus.SUBSCRIBED;
                html.append("<p><label><input type=\"checkbox\" name=\"").append(escape(name)).append("\" id=\"").append(escape(name))
                        .append("\" value=\"on\"").append(on ? " checked" : "").append("> ").append(escape(topic.name())).append("</label>");
                topic.description().ifPresent(d -> html.append("<br><small>").append(escape(d)).append("</small>"));
                html.append("</p>");
            }
            html.append("</fieldset>");
        }
        html.append("<p><button type=\"submit\">").append(escape(texts.getString("save"))).append("</button></p></form>");
        if (user.email().isPresent() && !marketingOff) {
            html.append("<form method=\"post\" action=\"").append(escape(action)).append("\" id=\"unsubscribe-all\">")
                    .append("<input type=\"hidden\" name=\"action\" value=\"unsubscribe_all\">")
                    .append("<p><button type=\"submit\">").append(escape(texts.getString("unsubscribeAll"))).append("</button></p></form>");
        }
        return html.toString();
    }

    private ApiResponse html(int status, ResourceBundle texts, String title, String body) {
        String lang = texts.getLocale() == null || texts.getLocale().getLanguage().isEmpty() ? "en" : texts.getLocale().getLanguage();
        String page = "<!doctype html><html lang=\"" + lang + "\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + escape(title) + "</title>"
                + "<style>body{font-family:system-ui,sans-serif;max-width:34em;margin:2em auto;padding:0 1em;line-height:1.5}"
                + "fieldset{border:1px solid #ccd;border-radius:6px;margin:1em 0}button{font:inherit;padding:.4em 1em}</style>"
                + "</head><body><main><h1>" + escape(title) + "</h1>" + body + "</main></body></html>";
        ApiResponse secured = ConsoleRoutes.secured(new ApiResponse(status, Map.of("content-type", "text/html; charset=utf-8",
                "cache-control", "no-store"), page));
        // The console's headers, but same-origin referrers: under no-referrer a browser posts this page's own form with
        // "Origin: null", which the cross-site check must refuse (a hostile page can send that too).
        Map<String, String> headers = new HashMap<>(secured.headers());
        headers.put("referrer-policy", "same-origin");
        return new ApiResponse(secured.status(), headers, secured.body(), secured.base64Encoded());
    }

    /** The texts of the person's language: German or English (the default). */
    static ResourceBundle texts(Optional<String> locale) {
        Locale wanted = locale.map(Locale::forLanguageTag).orElse(Locale.ROOT);
        return ResourceBundle.getBundle(BUNDLE, wanted, ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    /** {@code a***@example.com}: enough for a person to recognise their address, nothing for anyone else. */
    static String mask(String email) {
        int at = email.indexOf('@');
        return at <= 0 ? "***" : email.charAt(0) + "***" + email.substring(at);
    }

    /**
     * A POST from this page: no Origin (a client that sends none), or the public base URL's origin, or (where the
     * function does not know that URL: ingest-api on AWS, whose own URL would make a template cycle) the origin of the
     * host the request was sent to.
     */
    private boolean sameOrigin(ApiRequest request) {
        String origin = request.headers().get("origin");
        if (origin == null || origin.isBlank()) {
            return true;
        }
        Set<String> allowed = new HashSet<>();
        try {
            allowed.add(originOf(baseUrl.get()));
        } catch (RuntimeException notConfigured) {
            // only deliver must know NUDGE_PUBLIC_BASE_URL; the host the browser posted to is this page's origin
        }
        String host = request.headers().get("host");
        if (host != null && !host.isBlank()) {
            String scheme = request.headers().getOrDefault("x-forwarded-proto", "https").strip();
            allowed.add(originOf(scheme + "://" + host.strip()));
        }
        allowed.remove("");
        return allowed.stream().anyMatch(o -> o.equalsIgnoreCase(origin.strip()));
    }

    static String originOf(String url) {
        try {
            URI uri = URI.create(url.strip());
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException | NullPointerException e) {
            return "";
        }
    }

    private static Map<String, String> form(ApiRequest request) {
        Map<String, String> form = new HashMap<>();
        String body = request.body().map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
        Set<String> seen = new HashSet<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty() || form.size() > 1000) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (seen.add(name)) {
                    form.put(name, value);
                }
            } catch (IllegalArgumentException malformed) {
                // a broken pair is no choice
            }
        }
        return form;
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
