package io.nudge.api;

import static io.nudge.api.ApiAnswers.assertField;
import static io.nudge.api.ApiAnswers.json;
import static io.nudge.api.ApiAnswers.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.model.Channel;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.store.DefinitionStore;
import io.nudge.testing.MutableClock;
import io.nudge.testing.Samples;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /v1/messages (search by trigger or campaign) and GET /v1/messages/{messageId} (rendered now), over DynamoDB Local. */
class MessageRoutesTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private io.nudge.config.Tables tables;
    private Services services;
    private NudgeApi api;
    private String admin;
    private String ingest;

    @BeforeEach
    void setUp() {
        tables = TestDynamo.freshTables();
        services = Services.builder(TestDynamo.client(), tables).clock(clock).build();
        api = services.api(io.nudge.wiring.ApiSettings.defaults());
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();
        ingest = services.apiKeys().create("backend", Scope.INGEST).secret();
    }

    @Test
    void a_filtered_search_pages_newest_first_through_every_match_with_cursors() {
        // 30 messages of one trigger a minute apart, every third BOUNCED; 5 of another trigger and 5 of a campaign
        List<String> bounced = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            MessageStatus status = i % 3 == 0 ? MessageStatus.BOUNCED : MessageStatus.DELIVERED;
            Message m = message("welcome", "e" + i, Channel.EMAIL, status, Instant.parse("2026-11-20T08:00:00Z").plusSeconds(60L * i), trigger());
            if (status == MessageStatus.BOUNCED) {
                bounced.add(0, m.id());
            }
        }
        for (int i = 0; i < 5; i++) {
            message("cart", "c" + i, Channel.EMAIL, MessageStatus.BOUNCED, Instant.parse("2026-11-20T08:00:00Z"), trigger());
            message("winback", "run1-u" + i, Channel.EMAIL, MessageStatus.BOUNCED, Instant.parse("2026-11-20T08:00:00Z"), campaign("winback", "A"));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, String> query = new HashMap<>(Map.of("triggerId", "welcome", "status", "BOUNCED", "limit", "4"));
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            JsonNode page = ok(get("/v1/messages", query));
            page.get("messages").forEach(m -> {
                assertThat(m.get("status").asText()).isEqualTo("BOUNCED");
                assertThat(m.get("triggerId").asText()).isEqualTo("welcome");
                seen.add(m.get("id").asText());
            });
            cursor = page.path("next").isTextual() ? page.get("next").asText() : null;
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).containsExactlyElementsOf(bounced);
        assertThat(pages).isBetween(3, 4);

        JsonNode campaign = ok(get("/v1/messages", Map.of("campaignId", "winback")));
        assertThat(campaign.get("messages")).hasSize(5);
        assertThat(campaign.get("messages").get(0).get("campaignId").asText()).isEqualTo("winback");
        assertThat(campaign.get("messages").get(0).get("arm").asText()).isEqualTo("A");
        assertThat(campaign.has("next")).isFalse();
        // a campaign with the trigger's id space: its messages are not the trigger's
        assertThat(ok(get("/v1/messages", Map.of("triggerId", "winback"))).get("messages")).isEmpty();

        // time bounds: a day is inclusive of its whole day, an instant is exact
        assertThat(ok(get("/v1/messages", Map.of("triggerId", "welcome", "from", "2026-11-20", "to", "2026-11-20", "limit", "200")))
                .get("messages")).hasSize(30);
        assertThat(ok(get("/v1/messages", Map.of("triggerId", "welcome", "from", "2026-11-20T08:10:00Z", "to", "2026-11-20T08:14:00Z")))
                .get("messages")).hasSize(5);
        assertThat(ok(get("/v1/messages", Map.of("triggerId", "welcome", "to", "2026-11-19"))).get("messages")).isEmpty();
        assertThat(ok(get("/v1/messages", Map.of("triggerId", "welcome", "channel", "sms"))).get("messages")).isEmpty();
    }

    @Test
    void a_page_stops_after_examining_its_budget_and_says_where_to_go_on() {
        Instant at = Instant.parse("2026-11-20T08:00:00Z");
        for (int i = 0; i < MessageRoutes.BUDGET + 5; i++) {
            message("welcome", "e" + i, Channel.EMAIL, i < 3 ? MessageStatus.FAILED : MessageStatus.DELIVERED, at.plusSeconds(i), trigger());
        }
        // the 3 FAILED are the oldest: the first request examines 1,000 entries, finds none, and hands back a cursor
        JsonNode first = ok(get("/v1/messages", Map.of("triggerId", "welcome", "status", "FAILED")));
        assertThat(first.get("messages")).isEmpty();
        assertThat(first.get("examined").asInt()).isEqualTo(MessageRoutes.BUDGET);
        assertThat(first.get("next").asText()).isNotEmpty();
        JsonNode second = ok(get("/v1/messages", Map.of("triggerId", "welcome", "status", "FAILED", "cursor", first.get("next").asText())));
        assertThat(second.get("messages")).hasSize(3);
        assertThat(second.get("examined").asInt()).isEqualTo(5);
        assertThat(second.has("next")).isFalse();
    }

    @Test
    void a_journeys_messages_are_found_by_journey_id_and_not_by_its_id_as_a_trigger() {
        for (int i = 0; i < 3; i++) {
            ObjectNode context = Json.object();
            context.putObject("journey").put("id", "onboarding").put("version", 1).put("step", i == 0 ? "welcome" : "tips")
                    .put("instanceId", "i" + i);
            message("onboarding", "j" + i, Channel.EMAIL, MessageStatus.SENT, Instant.parse("2026-11-20T08:00:00Z").plusSeconds(i), context);
        }
        message("onboarding", "t0", Channel.EMAIL, MessageStatus.SENT, Instant.parse("2026-11-20T08:00:00Z"), trigger());

        JsonNode journey = ok(get("/v1/messages", Map.of("journeyId", "onboarding", "limit", "2")));
        assertThat(journey.get("messages")).hasSize(2);
        assertThat(journey.at("/messages/0/stepId").asText()).isEqualTo("tips");
        String next = journey.get("next").asText();
        assertThat(ok(get("/v1/messages", Map.of("journeyId", "onboarding", "cursor", next))).at("/messages/0/stepId").asText())
                .isEqualTo("welcome");
        assertField(get("/v1/messages", Map.of("triggerId", "onboarding", "cursor", next)), "cursor");
        assertThat(ok(get("/v1/messages", Map.of("triggerId", "onboarding"))).get("messages")).as("the trigger's own").hasSize(1);
        assertField(get("/v1/messages", Map.of("journeyId", "onboarding", "campaignId", "winback")), "triggerId");
        assertField(get("/v1/messages", Map.of("journeyId", "no spaces")), "journeyId");
    }

    @Test
    void a_cursor_of_another_search_or_altered_is_refused() {
        for (int i = 0; i < 3; i++) {
            message("welcome", "e" + i, Channel.EMAIL, MessageStatus.SENT, Instant.parse("2026-11-20T08:00:00Z").plusSeconds(i), trigger());
        }
        String next = ok(get("/v1/messages", Map.of("triggerId", "welcome", "limit", "1"))).get("next").asText();
        assertThat(ok(get("/v1/messages", Map.of("triggerId", "welcome", "limit", "1", "cursor", next))).get("messages")).hasSize(1);
        assertField(get("/v1/messages", Map.of("triggerId", "cart", "cursor", next)), "cursor");
        assertField(get("/v1/messages", Map.of("campaignId", "welcome", "cursor", next)), "cursor");
        assertField(get("/v1/messages", Map.of("triggerId", "welcome", "cursor", "not base64 !")), "cursor");
        assertField(get("/v1/messages", Map.of("triggerId", "welcome", "cursor", next.substring(0, next.length() - 3))), "cursor");
        String decoded = new String(java.util.Base64.getUrlDecoder().decode(next), StandardCharsets.UTF_8);
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                decoded.replace("\"id\":\"", "\"id\":\"x\",\"extra\":\"").getBytes(StandardCharsets.UTF_8));
        assertField(get("/v1/messages", Map.of("triggerId", "welcome", "cursor", forged)), "cursor");
    }

    @Test
    void bad_search_parameters_name_their_field() {
        assertField(get("/v1/messages", Map.of()), "triggerId");
        assertField(get("/v1/messages", Map.of("triggerId", "a", "campaignId", "b")), "triggerId");
        assertField(get("/v1/messages", Map.of("triggerId", "no spaces")), "triggerId");
        assertField(get("/v1/messages", Map.of("campaignId", "no/slash")), "campaignId");
        assertField(get("/v1/messages", Map.of("triggerId", "a", "from", "yesterday")), "from");
        assertField(get("/v1/messages", Map.of("triggerId", "a", "to", "2026-13-01")), "to");
        assertField(get("/v1/messages", Map.of("triggerId", "a", "from", "2026-11-02", "to", "2026-11-01")), "from");
        ApiResponse status = get("/v1/messages", Map.of("triggerId", "a", "status", "SENT,sent"));
        assertField(status, "status");
        assertThat(json(status).at("/error/message").asText()).contains("SCHEDULED").contains("UNKNOWN");
        assertField(get("/v1/messages", Map.of("triggerId", "a", "channel", "fax")), "channel");
        assertField(get("/v1/messages", Map.of("triggerId", "a", "limit", "201")), "limit");
        assertField(get("/v1/messages", Map.of("triggerId", "a", "limit", "0")), "limit");
        assertField(get("/v1/messages/not-a-message-id", Map.of()), "messageId");
        ApiResponse unknown = get("/v1/messages/" + Ids.derive("message", "nothing"), Map.of());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(json(unknown).at("/error/code").asText()).isEqualTo("not_found");
        assertThat(call("GET", "/v1/messages", ingest, Map.of("triggerId", "a")).status()).isEqualTo(403);
    }

    @Test
    void a_message_is_rendered_now_with_the_example_templates_the_current_profile_and_no_writes() throws Exception {
        putTemplate("welcome_email");
        putTemplate("order_shipped_sms");
        assertThat(call("PUT", "/v1/users/ada", ingest, "{'email':'ada@example.com','phone':'+4915112345678','attributes':{'first_name':'Ada'}}")
                .status()).isEqualTo(200);
        ObjectNode event = Json.object();
        event.putObject("properties").put("plan", "pro").put("orderId", "A-17").put("trackingUrl", "https://t.example/A-17");
        Message email = message("welcome", "signup-1", Channel.EMAIL, MessageStatus.SENT, clock.instant(), eventContext(event), "welcome_email");
        Message sms = message("shipped", "ship-1", Channel.SMS, MessageStatus.DELIVERED, clock.instant(), eventContext(event), "order_shipped_sms");
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> before = item(email.id());

        JsonNode e = ok(get("/v1/messages/" + email.id(), Map.of()));
        assertThat(e.get("id").asText()).isEqualTo(email.id());
        assertThat(e.get("userId").asText()).isEqualTo("ada");
        assertThat(e.get("templateId").asText()).isEqualTo("welcome_email");
        assertThat(e.at("/rendered/channel").asText()).isEqualTo("email");
        assertThat(e.at("/rendered/subject").asText()).isEqualTo("Welcome to Acme, Ada!");
        assertThat(e.at("/rendered/html").asText()).isEqualTo("<h1>Hi Ada,</h1><p>Thanks for signing up for the pro plan.</p>");
        assertThat(e.at("/rendered/text").asText()).startsWith("Hi Ada,");
        assertThat(e.at("/rendered/note").asText()).isEqualTo(MessageRoutes.NOTE);

        JsonNode s = ok(get("/v1/messages/" + sms.id(), Map.of()));
        assertThat(s.at("/rendered/body").asText())
                .isEqualTo("Acme: your order A-17 is on its way. Track it: https://t.example/A-17");
        assertThat(s.at("/rendered/segments").asInt()).isEqualTo(1);
        assertThat(s.at("/rendered/encoding").asText()).isEqualTo("GSM_7");

        // the current profile and template, not what was sent
        call("PUT", "/v1/users/ada", ingest, "{'attributes':{'first_name':'Augusta'}}");
        assertThat(call("PUT", "/v1/templates/welcome_email", admin, "{'channel':'email','subject':'<script>alert(1)</script>{{ user.attributes.first_name }}','text':'x'}")
                .status()).isEqualTo(200);
        assertThat(ok(get("/v1/messages/" + email.id(), Map.of())).at("/rendered/subject").asText()).isEqualTo("<script>alert(1)</script>Augusta");
        // nothing written
        assertThat(item(email.id())).isEqualTo(before);

        services.definitions().delete(DefinitionStore.TEMPLATE, "welcome_email");
        assertThat(ok(get("/v1/messages/" + email.id(), Map.of())).at("/rendered/unavailable").asText()).isEqualTo("template_not_found");
    }

    @Test
    void an_erased_users_message_is_unavailable_as_erased() throws Exception {
        putTemplate("welcome_email");
        call("PUT", "/v1/users/ada", ingest, "{'email':'ada@example.com','attributes':{'first_name':'Ada'}}");
        Message email = message("welcome", "signup-1", Channel.EMAIL, MessageStatus.SENT, clock.instant(), eventContext(Json.object()), "welcome_email");
        assertThat(ok(get("/v1/messages/" + email.id(), Map.of())).at("/rendered/subject").asText()).isEqualTo("Welcome to Acme, Ada!");
        assertThat(call("DELETE", "/v1/users/ada", admin, (String) null).status()).isEqualTo(200);
        JsonNode erased = ok(get("/v1/messages/" + email.id(), Map.of()));
        assertThat(erased.at("/rendered/unavailable").asText()).isEqualTo("erased");
        assertThat(erased.has("to")).isFalse();
        // still found by its trigger: the index key is not personal
        assertThat(ok(get("/v1/messages", Map.of("triggerId", "welcome"))).get("messages")).hasSize(1);
    }

    // --- helpers

    private static ObjectNode trigger() {
        ObjectNode context = Json.object();
        context.putObject("event").putObject("properties");
        return context;
    }

    private static ObjectNode eventContext(ObjectNode event) {
        ObjectNode context = Json.object();
        context.set("event", event);
        return context;
    }

    private static ObjectNode campaign(String id, String arm) {
        ObjectNode context = Json.object();
        context.putObject("campaign").put("id", id).put("runId", "run1").put("arm", arm);
        return context;
    }

    private Message message(String source, String eventId, Channel channel, MessageStatus status, Instant createdAt, ObjectNode context) {
        return message(source, eventId, channel, status, createdAt, context, "t");
    }

    private Message message(String source, String eventId, Channel channel, MessageStatus status, Instant createdAt, ObjectNode context,
            String template) {
        Message m = new Message(Ids.derive("message", source, eventId), "ada", source, eventId, channel, Priority.MARKETING, template,
                status, Optional.empty(), context, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), createdAt, List.of(new HistoryEntry(status, null, createdAt)));
        assertThat(services.messages().createIfAbsent(m)).isTrue();
        return m;
    }

    private Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item(String id) {
        return TestDynamo.client().getItem(b -> b.tableName(tables.messages()).consistentRead(true)
                .key(Map.of("id", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(id)))).item();
    }

    private void putTemplate(String name) throws Exception {
        String body = Files.readString(Samples.dir().getParent().resolve("examples/templates/" + name + ".json"));
        ApiResponse saved = api.handle(new ApiRequest("PUT", "/v1/templates/" + name, Map.of("authorization", "Bearer " + admin), Map.of(),
                Optional.of(body.getBytes(StandardCharsets.UTF_8))));
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
    }

    private ApiResponse get(String path, Map<String, String> query) {
        return call("GET", path, admin, query);
    }

    private ApiResponse call(String method, String path, String key, Map<String, String> query) {
        return api.handle(new ApiRequest(method, path, Map.of("authorization", "Bearer " + key), query, Optional.empty()));
    }

    private ApiResponse call(String method, String path, String key, String body) {
        return api.handle(new ApiRequest(method, path, Map.of("authorization", "Bearer " + key), Map.of(),
                Optional.ofNullable(body).map(b -> b.replace('\'', '"').getBytes(StandardCharsets.UTF_8))));
    }



}
