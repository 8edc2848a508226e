package io.nudge.api;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.Channels;
import io.nudge.definitions.DefinitionService;
import io.nudge.deliver.DeliverService;
import io.nudge.evaluate.EvaluateService;
import io.nudge.guards.GuardSettings;
import io.nudge.guards.Suppression;
import io.nudge.guards.SuppressionReason;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.model.Channel;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.store.AttributeValues;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingSenders;
import io.nudge.testing.Samples;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DELETE /v1/users/{id} and GET /v1/users/{id}/export over DynamoDB Local, with data made by the real services. */
class PrivacyTest {
    static final String EMAIL = "erin@example.org";
    static final String PHONE = "+442079460958";
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private final RecordingSenders senders = new RecordingSenders();
    private Services services;
    private NudgeApi api;
    private String admin;
    private String ingest;
    private String sentId;
    private String pendingId;
    private String othersId;

    @BeforeEach
    void setUp() throws Exception {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        api = services.api(ApiSettings.defaults());
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();
        ingest = services.apiKeys().create("backend", Scope.INGEST).secret();
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("welcome", json("{'channel':'email','subject':'Welcome {{ user.attributes.name }} <{{ user.email }}>','text':'Plan {{ event.properties.plan }}'}"));
        definitions.putTrigger("welcome", json("{'event':'signed_up','channel':'email','template':'welcome'}"));
        definitions.putTrigger("cart", json("{'event':'cart_abandoned','channel':'email','template':'welcome'}"));
        EvaluateService evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        DeliverService deliver = services.deliver(Channels.withoutPush(senders, senders, "Nudge <hello@example.com>"), GuardSettings.defaults());
        deliver.refreshDefinitions();

        assertThat(call("PUT", "/v1/users/erin", ingest, "{'email':'" + EMAIL + "','phone':'" + PHONE
                + "','attributes':{'name':'Erin'},'consent':{'email':'opted_in','sms':'opted_in'}}").status()).isEqualTo(200);
        assertThat(call("PUT", "/v1/users/olga", ingest, "{'email':'olga@example.org','attributes':{'name':'Olga'}}").status()).isEqualTo(200);
        assertThat(call("POST", "/v1/events", ingest, "{'events':[{'id':'e1','userId':'erin','name':'signed_up','properties':{'plan':'pro'}},"
                + "{'id':'e2','userId':'erin','name':'cart_abandoned','properties':{'plan':'pro'}},"
                + "{'id':'o1','userId':'olga','name':'signed_up','properties':{'plan':'free'}}]}").status()).isEqualTo(202);
        for (String id : List.of("e1", "e2", "o1")) {
            evaluate.evaluate(services.events().find(id, clock.instant()).orElseThrow());
        }
        sentId = messageOf("erin", "welcome");
        pendingId = messageOf("erin", "cart");
        othersId = messageOf("olga", "welcome");
        deliver.deliver(services.messages().find(sentId).orElseThrow());
        deliver.deliver(services.messages().find(othersId).orElseThrow());
        assertThat(services.messages().find(sentId).orElseThrow().status()).isEqualTo(MessageStatus.SENT);
        services.markers().putIfAbsent("open#" + sentId, Map.of("at", AttributeValues.s("2026-11-24T09:05:00Z")),
                clock.instant().plus(Duration.ofDays(90)), clock.instant());
        services.suppressions().put(new Suppression(Channel.EMAIL, EMAIL, SuppressionReason.MANUAL, "api", clock.instant()));
    }

    private String messageOf(String userId, String triggerId) {
        return services.messages().forUser(userId, 10).stream().filter(m -> m.triggerId().equals(triggerId)).findFirst().orElseThrow().id();
    }

    private ApiResponse call(String method, String path, String key, String body) {
        return api.handle(new ApiRequest(method, path, Map.of("authorization", "Bearer " + key), Map.of(),
                Optional.ofNullable(body).map(b -> b.replace('\'', '"').getBytes(StandardCharsets.UTF_8))));
    }

    private static JsonNode body(ApiResponse response) throws Exception {
        return Json.parse(response.body());
    }

    private TreeSet<String> scan(String table) {
        TreeSet<String> items = new TreeSet<>();
        services.dynamo().scanPaginator(b -> b.tableName(table).consistentRead(true)).items()
                .forEach(item -> items.add(new java.util.TreeMap<>(item).toString()));
        return items;
    }

    @Test
    void export_returns_profile_consent_events_messages_with_history_engagement_and_suppressions() throws Exception {
        ApiResponse response = call("GET", "/v1/users/erin/export", admin, null);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode export = body(response);
        assertThat(export.at("/profile/email").asText()).isEqualTo(EMAIL);
        assertThat(export.at("/profile/phone").asText()).isEqualTo(PHONE);
        assertThat(export.at("/consent/email/status").asText()).isEqualTo("opted_in");
        assertThat(export.get("events").findValuesAsText("id")).containsExactlyInAnyOrder("e1", "e2");
        assertThat(export.at("/events/0/properties/plan").asText()).isEqualTo("pro");
        assertThat(export.get("messages")).hasSize(2);
        JsonNode sent = List.copyOf(toList(export.get("messages"))).stream().filter(m -> m.get("id").asText().equals(sentId)).findFirst().orElseThrow();
        assertThat(sent.get("status").asText()).isEqualTo("SENT");
        assertThat(sent.get("to").asText()).isEqualTo(EMAIL);
        assertThat(sent.get("subject").asText()).contains("Erin");
        assertThat(sent.get("history").findValuesAsText("status")).contains("READY", "SENDING", "SENT");
        assertThat(export.at("/engagement/0/kind").asText()).isEqualTo("open");
        assertThat(export.at("/suppressions/0/address").asText()).isEqualTo(EMAIL);
        // the counters evaluate wrote for e1 and e2 (top-level attributes of month items, not the legacy map)
        assertThat(export.at("/records/activity/counts/signed_up|2026-11-24").asLong()).isEqualTo(1);
        assertThat(export.at("/records/activity/counts/cart_abandoned|2026-11-24").asLong()).isEqualTo(1);
        assertThat(export.at("/records/activity/counts").size()).isEqualTo(2);
        assertThat(export.at("/records/activity/lastSeenAt").asText()).isEqualTo("2026-11-24T09:00:00.000Z");
        assertThat(response.body()).doesNotContain("olga");
        assertThat(call("GET", "/v1/users/nobody/export", admin, null).status()).isEqualTo(404);
        assertThat(call("GET", "/v1/users/erin/export", ingest, null).status()).isEqualTo(403);
    }

    /** The SES bounce sample as process-feedback receives it, addressed to {@code email}. */
    private static String bounceTo(String email) {
        return Samples.text("sns-ses-bounce-permanent.json").replace(Samples.EMAIL, email);
    }

    /** The Messages READY stream record sample for {@code userId}, its context padded past a plain item's limit. */
    private static String bigMessageRecordOf(String userId) {
        ObjectNode record = (ObjectNode) Samples.json("ddb-messages-ready.json").at("/Records/0");
        ((ObjectNode) record.at("/dynamodb/NewImage/userId")).put("S", userId);
        ((ObjectNode) record.at("/dynamodb/NewImage/context/M/event/M/properties/M")).putObject("note").put("S", "n".repeat(400_000));
        return Json.write(record);
    }

    private TreeSet<String> deadLetterRecordIds() {
        TreeSet<String> ids = new TreeSet<>();
        services.dynamo().scanPaginator(b -> b.tableName(services.tables().deadLetters()).consistentRead(true)).items()
                .forEach(item -> ids.add(item.get("recordId").s()));
        return ids;
    }

    @Test
    void dead_letters_naming_the_user_are_exported_without_payload_then_erased_and_others_stay() throws Exception {
        // as process-feedback and a stream reader write them: a bounce naming Erin's address (in another case), a
        // Messages record of hers too big to keep plain (gzipped), and two that are not hers
        services.deadLetters().put("process-feedback", "sns-erin", "no message fbk4rr4mbnco2bke2xh7x2jpcq",
                bounceTo("Erin@Example.ORG"), clock.instant());
        services.deadLetters().put("deliver", "stream-erin", "bad shape", bigMessageRecordOf("erin"), clock.instant());
        services.deadLetters().put("deliver", "stream-erin10", "bad shape", bigMessageRecordOf("erin10"), clock.instant());
        services.deadLetters().put("process-feedback", "sns-olga", "no message", bounceTo("olga@example.org"), clock.instant());
        assertThat(services.dynamo().scan(b -> b.tableName(services.tables().deadLetters()).filterExpression("attribute_exists(payloadGzip)"))
                .count()).as("two kept gzipped").isEqualTo(2);

        ApiResponse export = call("GET", "/v1/users/erin/export", admin, null);
        assertThat(export.status()).as(export.body()).isEqualTo(200);
        JsonNode letters = body(export).get("deadLetters");
        assertThat(letters.findValuesAsText("recordId")).containsExactlyInAnyOrder("sns-erin", "stream-erin");
        assertThat(letters.findValuesAsText("source")).containsExactlyInAnyOrder("process-feedback", "deliver");
        assertThat(letters.findValuesAsText("reason")).contains("bad shape");
        assertThat(letters.findValuesAsText("at")).containsOnly("2026-11-24T09:00:00.000Z");
        assertThat(letters.findValuesAsText("id")).allMatch(id -> !id.isBlank());
        assertThat(export.body()).as("no payload").doesNotContain("bouncedRecipients").doesNotContain("Erin@Example.ORG");

        ApiResponse erased = call("DELETE", "/v1/users/erin", admin, null);
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(body(erased).at("/erased/deadLetters").asInt()).isEqualTo(2);
        assertThat(deadLetterRecordIds()).containsExactly("sns-olga", "stream-erin10");

        ApiResponse again = call("DELETE", "/v1/users/erin", admin, null);
        assertThat(body(again).at("/erased/deadLetters").asInt()).as("a second erasure finds nothing").isZero();
        assertThat(body(call("GET", "/v1/users/erin/export", admin, null)).get("deadLetters")).isEmpty();
        assertThat(deadLetterRecordIds()).containsExactly("sns-olga", "stream-erin10");
    }

    private List<String> activityKeys() {
        List<String> keys = new java.util.ArrayList<>();
        services.dynamo().scanPaginator(b -> b.tableName(services.tables().state()).consistentRead(true)).items()
                .forEach(item -> {
                    if (item.get("pk").s().startsWith("activity")) {
                        keys.add(item.get("pk").s());
                    }
                });
        return keys;
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> list = new java.util.ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    @Test
    void delete_erases_profile_events_and_personal_fields_keeps_statuses_stats_and_suppressions_and_is_idempotent() throws Exception {
        // counters in every month item that can exist (181 days back)
        for (int back = 1; back <= 181; back += 15) {
            java.time.Instant at = clock.instant().minus(Duration.ofDays(back));
            services.activity().record(new io.nudge.model.Event("old" + back, "erin", "opened_app", Json.object(), at, at));
        }
        assertThat(activityKeys()).filteredOn(k -> k.contains("erin")).hasSizeGreaterThanOrEqualTo(7);
        TreeSet<String> statsBefore = scan(services.tables().stats());
        TreeSet<String> suppressionsBefore = scan(services.tables().suppressions());
        Message othersBefore = services.messages().find(othersId).orElseThrow();

        ApiResponse response = call("DELETE", "/v1/users/erin", admin, null);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode erased = body(response).get("erased");
        assertThat(erased.get("profile").asBoolean()).isTrue();
        assertThat(erased.get("events").asInt()).isEqualTo(2);
        assertThat(erased.get("messages").asInt()).isEqualTo(2);
        assertThat(erased.get("cancelledMessages").asInt()).isEqualTo(1);
        assertThat(erased.get("deadLetters").asInt()).isZero();
        assertThat(toList(erased.get("records")).stream().filter(r -> r.asText().equals("activity"))).hasSize(1);
        assertThat(activityKeys()).as("every activity item of erin is gone, olga's stays").allMatch(k -> k.endsWith("#olga"))
                .isNotEmpty();

        assertThat(services.users().find("erin")).isEmpty();
        assertThat(services.events().rawItem("e1")).isEmpty();
        assertThat(services.events().rawItem("e2")).isEmpty();
        Message sent = services.messages().find(sentId).orElseThrow();
        assertThat(sent.status()).isEqualTo(MessageStatus.SENT);
        assertThat(sent.to()).isEmpty();
        assertThat(sent.subject()).isEmpty();
        assertThat(sent.context().isEmpty()).isTrue();
        assertThat(sent.providerMessageId()).isPresent();
        assertThat(sent.history()).extracting(h -> h.status()).contains(MessageStatus.SENT);
        Message pending = services.messages().find(pendingId).orElseThrow();
        assertThat(pending.status()).as("nothing is sent to an erased user").isEqualTo(MessageStatus.CANCELLED);
        assertThat(pending.reason()).contains("user_erased");
        // no trace of the addresses or the name in any item of Users, Events, Messages or State
        for (String table : List.of(services.tables().users(), services.tables().events(), services.tables().messages(), services.tables().state())) {
            assertThat(scan(table).toString()).as(table).doesNotContain(EMAIL).doesNotContain(PHONE).doesNotContain("Erin");
        }
        assertThat(scan(services.tables().stats())).as("counters stay").isEqualTo(statsBefore);
        assertThat(scan(services.tables().suppressions())).as("no address added or removed").isEqualTo(suppressionsBefore);
        assertThat(services.markers().find("open#" + sentId, clock.instant())).as("engagement times stay").isPresent();
        // the other user is untouched
        assertThat(services.users().find("olga")).isPresent();
        assertThat(services.events().rawItem("o1")).isPresent();
        assertThat(services.messages().find(othersId).orElseThrow()).isEqualTo(othersBefore);

        ApiResponse again = call("DELETE", "/v1/users/erin", admin, null);
        assertThat(again.status()).isEqualTo(200);
        assertThat(body(again).at("/erased/profile").asBoolean()).isFalse();
        assertThat(body(again).at("/erased/events").asInt()).isZero();
        assertThat(body(again).at("/erased/messages").asInt()).isZero();
        assertThat(body(again).at("/erased/cancelledMessages").asInt()).isZero();

        ApiResponse export = call("GET", "/v1/users/erin/export", admin, null);
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.body()).doesNotContain(EMAIL).doesNotContain(PHONE);
        assertThat(body(export).get("messages")).hasSize(2);
        assertThat(call("DELETE", "/v1/users/erin", ingest, null).status()).isEqualTo(403);
    }
}
