package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Topics end to end in the local runner: two topics, a person subscribed to both; the one-click unsubscribe of a topic-A
 * email stops topic A only; the preference page linked from a topic-B email stops B with its form; a forged token and
 * a form posted from another site change nothing; the export shows each choice with its source.
 */
class TopicsIT extends LocalRunnerCase {
    private final HttpClient http = HttpClient.newHttpClient();
    private int events;

    @BeforeEach
    void define() throws Exception {
        startRunner();
        api.call("PUT", "/v1/topics/digest", "{'name':'Weekly digest','default':'subscribed','channels':['email']}");
        api.call("PUT", "/v1/topics/offers", "{'name':'Offers','description':'Now and then','default':'subscribed','channels':['email']}");
        api.call("PUT", "/v1/templates/mail", "{'channel':'email','subject':'Hello','text':'Hello. Your preferences: {{ preferences_url }}'}");
        api.call("PUT", "/v1/triggers/digest", "{'event':'digest','channel':'email','template':'mail','topic':'digest','quietHours':'off'}");
        api.call("PUT", "/v1/triggers/offers", "{'event':'offers','channel':'email','template':'mail','topic':'offers','quietHours':'off'}");
        api.call("PUT", "/v1/users/ada", "{'email':'ada@example.com','subscriptions':{'digest':{'email':'subscribed'},"
                + "'offers':{'email':'subscribed'}}}");
    }

    private JsonNode outcome(String userId, String eventName) {
        String id = "t-" + ++events;
        api.call("POST", "/v1/events", "{'id':'" + id + "','userId':'" + userId + "','name':'" + eventName + "'}");
        return api.settled(userId, id);
    }

    private String mail(String messageId) throws Exception {
        return java.nio.file.Files.readString(runner.outbox().resolve(messageId + ".eml")).replace("=\r\n", "").replace("\r\n ", "");
    }

    /** An email's text as the outbox API reads it back (decoded from quoted-printable). */
    private String text(String messageId) {
        for (JsonNode item : api.call("GET", "/local/outbox?limit=100", null).get("items")) {
            if (item.path("messageId").asText().equals(messageId)) {
                return item.path("text").asText();
            }
        }
        throw new AssertionError("no outbox email for " + messageId);
    }

    private HttpResponse<String> post(String url, String form, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void one_click_stops_one_topic_the_preference_page_another_and_a_forged_or_foreign_request_nothing() throws Exception {
        // 1. a topic-A email carries a one-click link about topic A only
        JsonNode first = outcome("ada", "digest");
        assertThat(first.get("status").asText()).isEqualTo("SENT");
        Matcher oneClick = Pattern.compile("List-Unsubscribe: <([^>]+)>").matcher(mail(first.get("id").asText()));
        assertThat(oneClick.find()).isTrue();
        assertThat(oneClick.group(1)).startsWith("http://127.0.0.1:" + runner.port() + "/v1/unsubscribe?token=");
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(oneClick.group(1))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("Weekly digest").contains("/v1/preferences?token=");
        assertThat(post(oneClick.group(1), "List-Unsubscribe=One-Click", null).statusCode()).as("RFC 8058, no Origin").isEqualTo(200);

        assertThat(outcome("ada", "digest").get("reason").asText()).isEqualTo("topic_unsubscribed");
        JsonNode offer = outcome("ada", "offers");
        assertThat(offer.get("status").asText()).as("the other topic still goes").isEqualTo("SENT");

        // 2. the preference page from a topic-B email: unsubscribe from B with the form
        Matcher link = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/v1/preferences\\?token=[A-Za-z0-9._%-]+)").matcher(text(offer.get("id").asText()));
        assertThat(link.find()).as("{{ preferences_url }} in the text").isTrue();
        String preferences = link.group(1);
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(preferences)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.headers().firstValue("content-security-policy")).isPresent();
        assertThat(form.body()).contains("a***@example.com").doesNotContain("ada@example.com").doesNotContain("<script").doesNotContain("<select")
                .containsPattern("name=\"offers.email\"[^>]*checked").doesNotContainPattern("name=\"digest.email\"[^>]*checked");

        String origin = "http://127.0.0.1:" + runner.port();
        assertThat(post(preferences, "form=preferences&digest.email=on", "https://evil.example").statusCode())
                .as("a form from another site").isEqualTo(403);
        assertThat(outcome("ada", "offers").get("status").asText()).as("nothing changed").isEqualTo("SENT");
        HttpResponse<String> saved = post(preferences, "form=preferences", origin);
        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(saved.body()).contains("Your choices are saved").doesNotContainPattern("name=\"offers.email\"[^>]*checked");
        assertThat(outcome("ada", "offers").get("reason").asText()).isEqualTo("topic_unsubscribed");

        // 3. a forged token changes nothing
        String forged = preferences.substring(0, preferences.length() - 4) + "AAAA";
        assertThat(post(forged, "form=preferences&digest.email=on&offers.email=on", null).statusCode()).isEqualTo(400);
        assertThat(post("http://127.0.0.1:" + runner.port() + "/v1/unsubscribe?token=v1.local.eHg.AAAA", "List-Unsubscribe=One-Click", null)
                .statusCode()).isEqualTo(400);
        assertThat(outcome("ada", "digest").get("reason").asText()).isEqualTo("topic_unsubscribed");

        // 4. the export keeps each choice with its source
        JsonNode export = api.call("GET", "/v1/users/ada/export", null);
        assertThat(export.at("/profile/subscriptions/digest/email/source").asText()).as("unchanged by the form").isEqualTo("unsubscribe");
        assertThat(export.at("/profile/subscriptions/offers/email/status").asText()).isEqualTo("unsubscribed");
        assertThat(export.at("/profile/subscriptions/offers/email/source").asText()).isEqualTo("preference_page");
        // and every change, oldest first, with its source
        java.util.List<String> history = new java.util.ArrayList<>();
        export.at("/records/topicChoices").forEach(c -> history.add(c.get("topic").asText() + " " + c.get("status").asText() + " "
                + c.get("source").asText()));
        assertThat(history).containsExactly("digest subscribed api", "offers subscribed api", "digest unsubscribed unsubscribe",
                "offers unsubscribed preference_page");
    }

    @Test
    void the_page_speaks_the_persons_language_and_unsubscribes_from_all_marketing_email() throws Exception {
        api.call("PUT", "/v1/users/jan", "{'email':'jan@example.de','locale':'de-AT'}");
        JsonNode sent = outcome("jan", "offers");
        Matcher link = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/v1/preferences\\?token=[A-Za-z0-9._%-]+)").matcher(text(sent.get("id").asText()));
        assertThat(link.find()).isTrue();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(link.group(1))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("<html lang=\"de\"").contains("Einstellungen").contains("j***@example.de")
                .contains("Alle Marketing-E-Mails abbestellen");

        HttpResponse<String> all = post(link.group(1), "action=unsubscribe_all", null);
        assertThat(all.body()).contains("Sie haben alle Marketing-E-Mails abbestellt");
        assertThat(api.call("GET", "/v1/users/jan", null).at("/consent/email/status").asText()).isEqualTo("opted_out");
        assertThat(outcome("jan", "offers").get("reason").asText()).isEqualTo("no_consent");
    }
}
