package io.nudge.topics;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.api.ApiRequest;
import io.nudge.api.ApiResponse;
import io.nudge.api.NudgeApi;
import io.nudge.channel.Channels;
import io.nudge.deliver.DeliverService;
import io.nudge.deliver.DeliveryResult;
import io.nudge.evaluate.EvaluateService;
import io.nudge.guards.GuardSettings;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.model.Event;
import io.nudge.model.Message;
import io.nudge.outbound.OutboundEvent;
import io.nudge.outbound.OutboundType;
import io.nudge.outbound.Subscription;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingPush;
import io.nudge.testing.RecordingSenders;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Topics through the API and deliver, against DynamoDB Local: definitions and their checks, a trigger naming one, the
 * guard ({@code topic_unsubscribed}: the person's choice, else the topic's default; transactional mail ignores it),
 * and a person's choices on their profile with the stream-out event of each.
 */
class TopicsTest {
    private final MutableClock clock = MutableClock.at("2026-12-08T10:00:00Z");
    private final RecordingSenders senders = new RecordingSenders();
    private Services services;
    private NudgeApi api;
    private String admin;
    private int events;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        api = services.api(ApiSettings.defaults().withCampaigns(new io.nudge.testing.RecordingScheduler(), request -> { }));
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();
        call("PUT", "/v1/templates/news", "{'channel':'email','subject':'News','text':'The news'}");
    }

    private ApiResponse call(String method, String path, String quoted) {
        return api.handle(new ApiRequest(method, path, Map.of("authorization", "Bearer " + admin), Map.of(),
                Optional.ofNullable(quoted).map(q -> json(q).toString().getBytes(StandardCharsets.UTF_8))));
    }

    private static JsonNode body(ApiResponse response) throws Exception {
        return Json.parse(response.body());
    }

    private DeliveryResult deliverOne(String userId, String eventName) {
        EvaluateService evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        Event event = new Event("e-" + ++events, userId, eventName, (ObjectNode) json("{}"), clock.instant(), clock.instant());
        evaluate.evaluate(event);
        Message message = services.messages().forUser(userId, 50).stream().filter(m -> m.eventId().equals(event.id())).findFirst()
                .flatMap(m -> services.messages().find(m.id())).orElseThrow();
        RecordingPush push = new RecordingPush();
        DeliverService deliver = services.deliver(new Channels(senders, senders, push, push, "from@example.com"), GuardSettings.defaults());
        deliver.refreshDefinitions();
        return deliver.deliver(message);
    }

    @Test
    void a_topic_is_saved_read_listed_and_deleted_only_once_nothing_names_it() throws Exception {
        ApiResponse created = call("PUT", "/v1/topics/product_updates",
                "{'name':'Product updates','description':'Monthly','default':'subscribed','channels':['email','push']}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(body(created)).isEqualTo(json("{'id':'product_updates','name':'Product updates','description':'Monthly',"
                + "'default':'subscribed','channels':['email','push']}"));
        assertThat(call("PUT", "/v1/topics/product_updates", "{'name':'Product news','default':'unsubscribed','channels':['email']}")
                .status()).isEqualTo(200);
        assertThat(body(call("GET", "/v1/topics/product_updates", null)).get("default").asText()).isEqualTo("unsubscribed");
        assertThat(body(call("GET", "/v1/topics", null)).get("topics")).hasSize(1);

        assertThat(call("PUT", "/v1/triggers/news", "{'event':'newsletter','channel':'email','template':'news','topic':'product_updates'}")
                .status()).isEqualTo(201);
        ApiResponse refused = call("DELETE", "/v1/topics/product_updates", null);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(body(refused).at("/error/code").asText()).isEqualTo("topic_in_use");
        assertThat(body(refused).at("/error/message").asText()).contains("trigger news");

        call("DELETE", "/v1/triggers/news", null);
        assertThat(call("DELETE", "/v1/topics/product_updates", null).status()).isEqualTo(204);
        assertThat(call("GET", "/v1/topics/product_updates", null).status()).isEqualTo(404);
    }

    @Test
    void bad_topics_and_bad_references_are_a_400_naming_the_field() throws Exception {
        Map<String, String> topics = Map.of(
                "{'default':'subscribed','channels':['email']}", "/name",
                "{'name':'X','channels':['email']}", "/default",
                "{'name':'X','default':'maybe','channels':['email']}", "/default",
                "{'name':'X','default':'subscribed','channels':[]}", "/channels",
                "{'name':'X','default':'subscribed','channels':['email','webhook']}", "/channels/1",
                "{'name':'X','default':'subscribed','channels':['email'],'color':'red'}", "/color");
        for (Map.Entry<String, String> c : topics.entrySet()) {
            ApiResponse response = call("PUT", "/v1/topics/t", c.getKey());
            assertThat(response.status()).as(c.getKey()).isEqualTo(400);
            assertThat(body(response).at("/error/field").asText()).as(c.getKey()).isEqualTo(c.getValue());
        }
        call("PUT", "/v1/topics/tips", "{'name':'Tips','default':'subscribed','channels':['sms']}");
        ApiResponse unknown = call("PUT", "/v1/triggers/t", "{'event':'e','channel':'email','template':'news','topic':'nope'}");
        assertThat(body(unknown).at("/error/code").asText()).isEqualTo("unknown_topic");
        assertThat(body(unknown).at("/error/field").asText()).isEqualTo("/topic");
        ApiResponse otherChannel = call("PUT", "/v1/triggers/t", "{'event':'e','channel':'email','template':'news','topic':'tips'}");
        assertThat(body(otherChannel).at("/error/message").asText()).contains("not about email");
        call("PUT", "/v1/templates/hook", "{'channel':'webhook','url':'https://hooks.example.com/x','body':'{}'}");
        ApiResponse webhook = call("PUT", "/v1/triggers/t", "{'event':'e','channel':'webhook','template':'hook','topic':'tips'}");
        assertThat(webhook.status()).isEqualTo(400);
        assertThat(body(webhook).at("/error/field").asText()).isEqualTo("/topic");
    }

    @Test
    void campaigns_and_journey_send_steps_name_topics_that_exist_and_keep_them_from_being_deleted() throws Exception {
        call("PUT", "/v1/segments/all", "{'all':[{'path':'user.attributes.plan','op':'eq','value':'pro'}]}");
        ApiResponse unknownCampaign = call("PUT", "/v1/campaigns/spring", "{'segment':'all','channel':'email','topic':'nope',"
                + "'variants':[{'id':'A','template':'news','weight':100}]}");
        assertThat(body(unknownCampaign).at("/error/field").asText()).isEqualTo("/topic");
        String journey = "{'name':'Flow','entry':{'event':'start'},'start':'hello','steps':{"
                + "'hello':{'type':'send','channel':'email','template':'news','topic':'%s','next':'end'},'end':{'type':'exit'}}}";
        ApiResponse unknownStep = call("PUT", "/v1/journeys/flow", journey.formatted("nope"));
        assertThat(body(unknownStep).at("/error/field").asText()).isEqualTo("/steps/hello/topic");

        call("PUT", "/v1/topics/digest", "{'name':'Weekly digest','default':'subscribed','channels':['email']}");
        assertThat(call("PUT", "/v1/campaigns/spring", "{'segment':'all','channel':'email','topic':'digest',"
                + "'variants':[{'id':'A','template':'news','weight':100}]}").status()).isEqualTo(201);
        assertThat(call("PUT", "/v1/journeys/flow", journey.formatted("digest")).status()).isEqualTo(201);
        assertThat(body(call("GET", "/v1/journeys/flow", null)).at("/steps/hello/topic").asText()).isEqualTo("digest");
        assertThat(body(call("DELETE", "/v1/topics/digest", null)).at("/error/message").asText())
                .contains("campaign spring").contains("journey flow");
    }

    @Test
    void a_marketing_email_of_a_topic_goes_by_the_persons_choice_else_the_default_and_a_transactional_one_ignores_it() throws Exception {
        call("PUT", "/v1/topics/digest", "{'name':'Weekly digest','default':'subscribed','channels':['email']}");
        call("PUT", "/v1/topics/offers", "{'name':'Offers','default':'unsubscribed','channels':['email']}");
        call("PUT", "/v1/triggers/digest", "{'event':'digest','channel':'email','template':'news','topic':'digest','quietHours':'off'}");
        call("PUT", "/v1/triggers/offers", "{'event':'offers','channel':'email','template':'news','topic':'offers','quietHours':'off'}");
        call("PUT", "/v1/triggers/receipt", "{'event':'receipt','channel':'email','template':'news','topic':'offers',"
                + "'priority':'transactional'}");
        call("PUT", "/v1/users/ada", "{'email':'ada@example.com'}");

        assertThat(deliverOne("ada", "digest")).as("default subscribed").isInstanceOf(DeliveryResult.Sent.class);
        assertThat(deliverOne("ada", "offers")).as("default unsubscribed")
                .isEqualTo(new DeliveryResult.Suppressed(DeliverService.TOPIC_UNSUBSCRIBED));
        assertThat(deliverOne("ada", "receipt")).as("transactional").isInstanceOf(DeliveryResult.Sent.class);
        // the trigger test says so before anything is sent
        JsonNode tested = body(call("POST", "/v1/triggers/offers/test", "{'userId':'ada'}"));
        assertThat(tested.at("/guards/2/guard").asText()).isEqualTo("topic");
        assertThat(tested.at("/guards/2/verdict").asText()).isEqualTo("stop");
        assertThat(tested.at("/guards/2/reason").asText()).isEqualTo("topic_unsubscribed");
        assertThat(tested.at("/guards/2/detail").asText()).isEqualTo("the topic's default is unsubscribed");

        call("PUT", "/v1/users/ada", "{'subscriptions':{'digest':{'email':'unsubscribed'},'offers':{'email':'subscribed'}}}");
        assertThat(deliverOne("ada", "digest")).isEqualTo(new DeliveryResult.Suppressed(DeliverService.TOPIC_UNSUBSCRIBED));
        assertThat(deliverOne("ada", "offers")).isInstanceOf(DeliveryResult.Sent.class);
        Message suppressed = services.messages().forUser("ada", 50).stream()
                .map(m -> services.messages().find(m.id()).orElseThrow())
                .filter(m -> m.reason().map(DeliverService.TOPIC_UNSUBSCRIBED::equals).orElse(false)).findFirst().orElseThrow();
        assertThat(suppressed.context().get("topic").asText()).isIn("digest", "offers");

        // the topic's numbers: choices counted as they change (never by scanning users), its messages sent
        JsonNode digest = body(call("GET", "/v1/stats/topics/digest", null));
        assertThat(digest.at("/explicit/email")).isEqualTo(json("{'subscribed':0,'unsubscribed':1}"));
        assertThat(digest.at("/bySource/unsubscribed/api").asLong()).isEqualTo(1);
        assertThat(digest.at("/messages/sent").asLong()).as("the one sent before ada unsubscribed").isEqualTo(1);
        assertThat(digest.at("/days/0/day").asText()).isEqualTo("2026-12-08");
        assertThat(digest.get("note").asText()).contains("default");
        JsonNode offers = body(call("GET", "/v1/stats/topics/offers", null));
        assertThat(offers.at("/explicit/email")).isEqualTo(json("{'subscribed':1,'unsubscribed':0}"));
        assertThat(call("GET", "/v1/stats/topics/nope", null).status()).isEqualTo(404);
        // every change in the export, with its source, oldest first
        JsonNode export = body(call("GET", "/v1/users/ada/export", null));
        assertThat(export.at("/records/topicChoices")).extracting(c -> c.get("topic").asText() + " " + c.get("status").asText() + " "
                + c.get("source").asText()).containsExactly("digest unsubscribed api", "offers subscribed api");
        JsonNode all = body(api.handle(new ApiRequest("GET", "/v1/users/ada/timeline", Map.of("authorization", "Bearer " + admin),
                Map.of("limit", "200"), Optional.empty())));
        assertThat(all.get("entries")).filteredOn(e -> e.get("type").asText().equals("topic_choice")).hasSize(2)
                .allSatisfy(e -> assertThat(e.at("/choice/source").asText()).isEqualTo("api"));
        // paged one entry at a time, the cursor carries the third stream: every entry once
        java.util.List<String> seen = new java.util.ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            Map<String, String> query = new java.util.HashMap<>(Map.of("limit", "1"));
            cursor.ifPresent(c -> query.put("cursor", c));
            JsonNode page = body(api.handle(new ApiRequest("GET", "/v1/users/ada/timeline", Map.of("authorization", "Bearer " + admin),
                    query, Optional.empty())));
            page.get("entries").forEach(e -> seen.add(e.toString()));
            cursor = page.has("next") ? Optional.of(page.get("next").asText()) : Optional.empty();
        } while (cursor.isPresent() && seen.size() < 100);
        assertThat(seen).hasSize(all.get("entries").size()).doesNotHaveDuplicates();
        assertThat(body(call("GET", "/v1/stats/topics/offers?from=x", null)).at("/error/field").asText()).isNotEmpty();
    }

    @Test
    void without_a_public_base_url_the_preference_form_is_accepted_from_the_host_it_was_posted_to_only() throws Exception {
        // as ingest-api on AWS: NUDGE_PUBLIC_BASE_URL is deliver's alone
        io.nudge.unsubscribe.UnsubscribeTokens tokens = new io.nudge.unsubscribe.UnsubscribeTokens(io.nudge.unsubscribe.UnsubscribeLinks.randomKeys());
        Services aws = Services.builder(TestDynamo.client(), services.tables()).clock(clock)
                .unsubscribe(new io.nudge.unsubscribe.UnsubscribeLinks(tokens, () -> {
                    throw new IllegalStateException("NUDGE_PUBLIC_BASE_URL is not set");
                })).build();
        NudgeApi awsApi = aws.api(ApiSettings.defaults());
        call("PUT", "/v1/users/cy", "{'email':'cy@example.com'}");
        String path = "/v1/preferences";
        Map<String, String> query = Map.of("token", tokens.issue("cy", io.nudge.model.Channel.EMAIL));
        java.util.function.Function<String, ApiResponse> postFrom = origin -> awsApi.handle(new ApiRequest("POST", path,
                Map.of("origin", origin, "host", "abc123.execute-api.eu-west-1.amazonaws.com", "content-type", "application/x-www-form-urlencoded"),
                query, Optional.of("form=preferences".getBytes(StandardCharsets.UTF_8))));

        assertThat(postFrom.apply("https://abc123.execute-api.eu-west-1.amazonaws.com").status()).isEqualTo(200);
        assertThat(postFrom.apply("https://evil.example").status()).isEqualTo(403);
        assertThat(postFrom.apply("null").status()).isEqualTo(403);
    }

    @Test
    void a_persons_choices_are_kept_with_source_and_time_shown_checked_and_recorded_for_the_stream_out() throws Exception {
        services.subscriptions().put(new Subscription("warehouse", "https://hooks.example.com/nudge",
                EnumSet.of(OutboundType.USER_SUBSCRIBED, OutboundType.USER_UNSUBSCRIBED), true, false, "whsec_t", Optional.empty(),
                Optional.empty(), clock.instant(), clock.instant()));
        call("PUT", "/v1/users/bo", "{'email':'bo@example.com','subscriptions':{'digest':{'email':'unsubscribed','sms':'subscribed'}}}");
        clock.advance(java.time.Duration.ofMinutes(5));
        JsonNode profile = body(call("PUT", "/v1/users/bo", "{'subscriptions':{'digest':{'email':'unsubscribed'}}}"));

        assertThat(profile.at("/subscriptions/digest/email")).isEqualTo(json("{'status':'unsubscribed','source':'api',"
                + "'at':'2026-12-08T10:00:00.000Z'}"));
        assertThat(profile.at("/subscriptions/digest/sms/status").asText()).isEqualTo("subscribed");
        var recorded = services.outboundStore().of("bo");
        assertThat(recorded).extracting(OutboundEvent::type)
                .containsExactlyInAnyOrder(OutboundType.USER_UNSUBSCRIBED, OutboundType.USER_SUBSCRIBED);
        assertThat(recorded).allSatisfy(e -> assertThat(e.data().get("topic").asText()).isEqualTo("digest"));

        Map<String, String> bad = Map.of(
                "{'subscriptions':{'bad id':{'email':'subscribed'}}}", "/subscriptions/bad id",
                "{'subscriptions':{'digest':{'webhook':'subscribed'}}}", "/subscriptions/digest/webhook",
                "{'subscriptions':{'digest':{'email':'yes'}}}", "/subscriptions/digest/email",
                "{'subscriptions':['digest']}", "/subscriptions");
        for (Map.Entry<String, String> c : bad.entrySet()) {
            ApiResponse response = call("PUT", "/v1/users/bo", c.getKey());
            assertThat(response.status()).as(c.getKey()).isEqualTo(400);
            assertThat(body(response).at("/error/field").asText()).as(c.getKey()).isEqualTo(c.getValue());
        }
    }
}
