package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The guards end to end through the local runner, over HTTP. */
class GuardsIT extends LocalRunnerCase {
    private final HttpClient http = HttpClient.newHttpClient();
    private int events;

    @BeforeEach
    void define() throws Exception {
        startRunner();
        api.call("PUT", "/v1/templates/mail", "{'channel':'email','subject':'News','text':'Hello'}");
        api.call("PUT", "/v1/templates/text", "{'channel':'sms','body':'Hello'}");
        api.call("PUT", "/v1/triggers/news", "{'event':'news','channel':'email','template':'mail','quietHours':'off'}");
        api.call("PUT", "/v1/triggers/news_sms", "{'event':'news_sms','channel':'sms','template':'text','quietHours':'off'}");
        api.call("PUT", "/v1/triggers/nightly", "{'event':'nightly','channel':'email','template':'mail'}");
    }

    /** Posts an event and waits (with a deadline) until its message leaves the pipeline's transient states. */
    private JsonNode outcome(String userId, String eventName) throws Exception {
        String id = "ev-" + ++events;
        api.call("POST", "/v1/events", "{'id':'" + id + "','userId':'" + userId + "','name':'" + eventName + "'}");
        return api.settled(userId, id);
    }

    @Test
    void a_user_without_sms_consent_is_suppressed_no_consent() throws Exception {
        api.call("PUT", "/v1/users/kim", "{'phone':'+4915112345678'}");

        JsonNode message = outcome("kim", "news_sms");

        assertThat(message.get("status").asText()).isEqualTo("SUPPRESSED");
        assertThat(message.get("reason").asText()).isEqualTo("no_consent");
    }

    @Test
    void the_fourth_marketing_email_within_a_day_is_suppressed_frequency_cap() throws Exception {
        api.call("PUT", "/v1/users/ada", "{'email':'ada@example.com'}");

        for (int i = 0; i < 3; i++) {
            assertThat(outcome("ada", "news").get("status").asText()).isEqualTo("SENT");
        }
        JsonNode fourth = outcome("ada", "news");

        assertThat(fourth.get("status").asText()).isEqualTo("SUPPRESSED");
        assertThat(fourth.get("reason").asText()).isEqualTo("frequency_cap");
    }

    @Test
    void a_message_in_the_users_night_is_scheduled_for_the_end_of_quiet_hours() throws Exception {
        // pick a zone where it is night right now: 23:30 local
        ZoneId zone = nightZone();
        api.call("PUT", "/v1/users/owl", "{'email':'owl@example.com','timezone':'" + zone.getId() + "'}");

        JsonNode message = outcome("owl", "nightly");

        assertThat(message.get("status").asText()).isEqualTo("SCHEDULED");
        assertThat(message.get("reason").asText()).isEqualTo("quiet_hours");
        ZonedDateTime local = ZonedDateTime.now(zone);
        ZonedDateTime morning = local.plusDays(local.getHour() >= 21 ? 1 : 0).withHour(8).withMinute(0).withSecond(0).withNano(0);
        assertThat(Instant.parse(message.get("dueAt").asText())).isEqualTo(morning.toInstant());
        JsonNode deferred = message.get("history").get(message.get("history").size() - 1);
        assertThat(deferred.get("status").asText()).isEqualTo("SCHEDULED");
        assertThat(deferred.get("reason").asText()).isEqualTo("quiet_hours");
    }

    @Test
    void a_one_click_unsubscribe_stops_the_next_marketing_email() throws Exception {
        api.call("PUT", "/v1/users/leo", "{'email':'leo@example.com'}");
        JsonNode first = outcome("leo", "news");
        String mail = java.nio.file.Files.readString(runner.outbox().resolve(first.get("id").asText() + ".eml"));
        java.util.regex.Matcher header = java.util.regex.Pattern.compile("List-Unsubscribe: <([^>]+)>").matcher(mail.replace("\r\n ", ""));
        assertThat(header.find()).as(mail).isTrue();
        assertThat(mail).contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click");

        // what a mailbox provider does for RFC 8058: POST, no credentials, whatever the Content-Type
        HttpResponse<String> oneClick = http.send(HttpRequest.newBuilder(URI.create(header.group(1)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(oneClick.statusCode()).isEqualTo(200);

        JsonNode next = outcome("leo", "news");
        assertThat(next.get("status").asText()).isEqualTo("SUPPRESSED");
        assertThat(next.get("reason").asText()).isEqualTo("no_consent");
    }

    private static ZoneId nightZone() {
        for (String id : ZoneId.getAvailableZoneIds().stream().sorted().toList()) {
            if (!id.startsWith("Etc/")) {
                continue;
            }
            int hour = ZonedDateTime.now(ZoneId.of(id)).getHour();
            if (hour >= 22 || hour < 7) {
                return ZoneId.of(id);
            }
        }
        throw new AssertionError("no Etc/ zone in its night");
    }
}
