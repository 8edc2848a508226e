package io.nudge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.nudge.campaigns.CampaignRunner;
import io.nudge.channel.Channels;
import io.nudge.deliver.DeliverService;
import io.nudge.evaluate.EvaluateService;
import io.nudge.guards.GuardSettings;
import io.nudge.keys.Scope;
import io.nudge.model.MessageStatus;
import io.nudge.testing.JourneyFixtures;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.testing.RecordingSenders;
import io.nudge.testing.TestDynamo;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The document against the code: a session of real calls (with a message evaluated and delivered, so histories,
 * evaluations and counters are not empty), each response checked against what the document says of its route and
 * status: the status is documented, the content type is, and a JSON body validates against the schema. The examples
 * in the document can drift from the code; these bodies cannot.
 */
class OpenApiResponsesTest {
    private final MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final List<String> failures = new ArrayList<>();
    private final Set<String> checked = new TreeSet<>();
    private JsonNode doc;
    private NudgeApi api;
    private String admin;

    @Test
    void real_responses_match_the_documented_statuses_and_schemas() throws Exception {
        doc = OpenApiDocumentTest.document();
        Services services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        List<CampaignRunner.Request> runs = new ArrayList<>();
        api = services.api(ApiSettings.defaults().withCampaigns(new RecordingScheduler(), runs::add));
        admin = services.apiKeys().create("admin", Scope.ADMIN).secret();

        call("GET", "/health", "/health", null);
        call("GET", "/openapi.json", "/openapi.json", null);
        call("POST", "/v1/keys", "/v1/keys", "{'scope':'ingest','name':'backend','rateLimit':'100/s burst 200'}");
        call("GET", "/v1/keys", "/v1/keys", null);
        call("PUT", "/v1/users/{userId}", "/v1/users/ada", "{'email':'ada@example.com','phone':'+44 20 7946 0958','timezone':"
                + "'Europe/London','locale':'en-GB','attributes':{'first_name':'Ada','plan':'pro'},'consent':{'email':'opted_in',"
                + "'sms':{'status':'opted_out','source':'support'}}}");
        call("GET", "/v1/users/{userId}", "/v1/users/ada", null);
        call("PUT", "/v1/templates/{id}", "/v1/templates/welcome", "{'channel':'email','subject':'Welcome {{ user.attributes.first_name }}',"
                + "'html':'<p>Hi</p>','text':'Hi','locales':{'de':{'subject':'Willkommen','text':'Hallo'}}}");
        call("PUT", "/v1/templates/{id}", "/v1/templates/welcome", "{'channel':'email','subject':'Welcome {{ user.attributes.first_name }}','text':'Hi'}");
        call("PUT", "/v1/templates/{id}", "/v1/templates/sms_hi", "{'channel':'sms','body':'Hi {{ user.attributes.first_name }}'}");
        call("GET", "/v1/templates/{id}", "/v1/templates/welcome", null);
        call("GET", "/v1/templates", "/v1/templates", null);
        String preview = "/v1/templates/{id}/preview";
        call("POST", preview, "/v1/templates/welcome/preview", "{'userId':'ada','locale':'de','event':{'name':'signed_up','properties':{'plan':'pro'}}}");
        call("POST", preview, "/v1/templates/sms_hi/preview", "{'user':{'attributes':{'first_name':'Grace'}}}");
        call("POST", preview, "/v1/templates/draft/preview", "{'template':{'channel':'push','title':'Hi','body':'{{ event.name }}','data':{'k':'v'}}}");
        call("POST", preview, "/v1/templates/draft/preview", "{'template':{'channel':'email','subject':'Hi','html':'{% if %}'}}");
        call("POST", preview, "/v1/templates/draft/preview", "{'template':{'channel':'sms','body':'{{ 1 | divided_by: 0 }}'}}");
        call("POST", preview, "/v1/templates/draft/preview", "{'template':{'channel':'email','subject':'Hi'}}");
        call("POST", preview, "/v1/templates/welcome/preview", "{'userId':'nobody'}");
        call("POST", preview, "/v1/templates/nothing/preview", "{}");
        call("PUT", "/v1/triggers/{id}", "/v1/triggers/welcome", "{'event':'signed_up','channel':'email','template':'welcome'}");
        call("PUT", "/v1/triggers/{id}", "/v1/triggers/cart", "{'event':'cart_abandoned','conditions':[{'path':'event.properties.total',"
                + "'op':'gte','value':20}],'channel':'email','template':'welcome','delay':'PT1H','cancelOn':[{'event':'purchase_completed',"
                + "'match':['properties.cartId']}],'reentry':'replace','sendAt':{'localTime':'10:00','timezone':'Europe/Berlin'},"
                + "'quietHours':'22:00-07:00','frequencyCap':1,'conversion':{'event':'purchase_completed','within':'P3D'}}");
        call("PUT", "/v1/triggers/{id}", "/v1/triggers/bad", "{'event':'x','channel':'email','template':'nope'}");
        call("GET", "/v1/triggers/{id}", "/v1/triggers/cart", null);
        call("GET", "/v1/triggers", "/v1/triggers", null);
        JourneyFixtures.templateDocuments().forEach((id, template) -> call("PUT", "/v1/templates/{id}", "/v1/templates/" + id, template));
        String journey = "/v1/journeys/{id}";
        call("PUT", journey, "/v1/journeys/onboarding", JourneyFixtures.ONBOARDING);
        call("PUT", journey, "/v1/journeys/onboarding", JourneyFixtures.ONBOARDING);
        call("PUT", journey, "/v1/journeys/onboarding", JourneyFixtures.ONBOARDING.replace("\"reentry\": \"once\"", "\"reentry\": \"replace\""));
        call("PUT", journey, "/v1/journeys/bad", JourneyFixtures.ONBOARDING.replace("\"default\": \"sms\"", "\"default\": \"nowhere\""));
        call("GET", journey, "/v1/journeys/onboarding", null);
        call("GET", journey, "/v1/journeys/onboarding", null, Map.of("version", "1"));
        call("GET", journey, "/v1/journeys/onboarding", null, Map.of("version", "one"));
        call("GET", journey, "/v1/journeys/nothing", null);
        call("GET", "/v1/journeys", "/v1/journeys", null);
        call("PUT", "/v1/segments/{id}", "/v1/segments/pro_users", "{'all':[{'path':'user.attributes.plan','op':'eq','value':'pro'},"
                + "{'event':'signed_up','count':{'gte':1},'within':'P30D'}],'description':'Pro plan'}");
        call("GET", "/v1/segments/{id}", "/v1/segments/pro_users", null);
        call("GET", "/v1/segments", "/v1/segments", null);
        call("PUT", "/v1/campaigns/{id}", "/v1/campaigns/winback", "{'segment':'pro_users','channel':'email','variants':[{'id':'a',"
                + "'template':'welcome','weight':50},{'id':'b','template':'welcome','weight':50}],'holdout':10,'schedule':{'expression':"
                + "'cron(0 9 ? * MON *)','timezone':'Europe/Berlin'},'goal':{'event':'purchase_completed','within':'P7D'}}");
        call("GET", "/v1/campaigns/{id}", "/v1/campaigns/winback", null);
        call("GET", "/v1/campaigns", "/v1/campaigns", null);
        call("POST", "/v1/campaigns/{id}/run", "/v1/campaigns/winback/run", "{'runId':'run-1'}");
        call("POST", "/v1/campaigns/{id}/run", "/v1/campaigns/winback/run", null);

        call("POST", "/v1/events", "/v1/events", "{'id':'signup-ada-1','userId':'ada','name':'signed_up','properties':{'plan':'pro'}}");
        call("POST", "/v1/events", "/v1/events", "{'events':[{'id':'cart-ada-1','userId':'ada','name':'cart_abandoned','properties':"
                + "{'total':5}},{'userId':'','name':'x'},{'id':'signup-ada-1','userId':'ada','name':'signed_up'}]}");
        call("POST", "/v1/track", "/v1/track", "{'users':[{'userId':'lin','email':'lin@example.com','attributes':{'plan':'pro'}},"
                + "{'userId':'kim','email':'not-an-email'}],'events':[{'id':'signup-lin-1','userId':'lin','name':'signed_up'},"
                + "{'id':'signup-kim-1','userId':'kim','name':'signed_up'},"
                + "{'id':'signup-max-1','userId':'max','name':'signed_up','user':{'locale':'de-AT'}}]}");
        call("POST", "/v1/track", "/v1/track", "{'users':[],'events':[]}");
        EvaluateService evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        for (String id : List.of("signup-ada-1", "cart-ada-1")) {
            evaluate.evaluate(services.events().find(id, clock.instant()).orElseThrow());
        }
        RecordingSenders senders = new RecordingSenders();
        DeliverService deliver = services.deliver(Channels.withoutPush(senders, senders, "Nudge <hello@example.com>"), GuardSettings.defaults());
        deliver.refreshDefinitions();
        var message = services.messages().forUser("ada", 10).stream().filter(m -> m.triggerId().equals("welcome")).findFirst().orElseThrow();
        deliver.deliver(message);
        assertThat(services.messages().find(message.id()).orElseThrow().status()).isEqualTo(MessageStatus.SENT);

        String test = "/v1/triggers/{id}/test";
        call("POST", test, "/v1/triggers/cart/test", "{'userId':'ada','event':{'properties':{'total':80,'cartId':'c-1'}}}");
        call("POST", test, "/v1/triggers/welcome/test", "{'userId':'ada','event':{'timestamp':'2026-11-24T09:00:00Z'}}");
        call("POST", test, "/v1/triggers/cart/test", "{'userId':'ada','event':{'properties':{'total':5}}}");
        call("POST", test, "/v1/triggers/cart/test", "{'userId':'ada','event':{'name':'signed_up'}}");
        call("POST", test, "/v1/triggers/draft/test", "{'userId':'ada','trigger':{'event':'x','channel':'sms','template':'sms_hi',"
                + "'enabled':false}}");
        call("POST", test, "/v1/triggers/draft/test", "{'userId':'ada','event':{},'trigger':{'event':'x','channel':'sms',"
                + "'template':'sms_hi','priority':'transactional'}}");
        call("POST", test, "/v1/triggers/draft/test", "{'userId':'ada','trigger':{'event':'x','channel':'email','template':'nope'}}");
        call("POST", test, "/v1/triggers/cart/test", "{'userId':'nobody'}");
        call("POST", test, "/v1/triggers/nothing/test", "{'userId':'ada'}");
        call("GET", "/v1/events/{eventId}", "/v1/events/signup-ada-1", null);
        call("GET", "/v1/events/{eventId}", "/v1/events/cart-ada-1", null);
        call("GET", "/v1/events/{eventId}", "/v1/events/nothing", null);
        call("GET", "/v1/users/{userId}/messages", "/v1/users/ada/messages", null);
        io.nudge.journey.JourneyCatalog journeyCatalog = new io.nudge.journey.JourneyCatalog(services.definitions());
        journeyCatalog.refresh();
        assertThat(services.journeyInstances().forUser("ada", 10)).as("signed_up entered the onboarding journey").isNotEmpty();
        for (var instance : services.journeyInstances().forUser("ada", 10)) {
            services.journeyEngine(journeyCatalog).advance(instance.id()); // welcome sent, waiting a day at wait_day
        }
        call("GET", "/v1/users/{userId}/journeys", "/v1/users/ada/journeys", null);
        call("GET", "/v1/users/{userId}/journeys", "/v1/users/nobody/journeys", null, Map.of("limit", "1"));
        call("GET", "/v1/users/{userId}/journeys", "/v1/users/ada/journeys", null, Map.of("limit", "0"));
        call("GET", "/v1/stats/journeys/{id}", "/v1/stats/journeys/onboarding", null);
        call("GET", "/v1/stats/journeys/{id}", "/v1/stats/journeys/onboarding", null, Map.of("from", "2026-11-01", "to", "2026-11-30"));
        call("GET", "/v1/stats/journeys/{id}", "/v1/stats/journeys/onboarding", null, Map.of("to", "someday"));
        call("GET", "/v1/stats/journeys/{id}", "/v1/stats/journeys/nothing", null);
        call("GET", "/v1/messages", "/v1/messages", null, Map.of("journeyId", "onboarding"));
        call("GET", "/v1/messages", "/v1/messages", null, Map.of("journeyId", "onboarding", "triggerId", "welcome"));
        call("GET", "/v1/users/{userId}/timeline", "/v1/users/ada/timeline", null);
        call("GET", "/v1/users/{userId}/timeline", "/v1/users/ada/timeline", null, Map.of("limit", "1"));
        call("GET", "/v1/users/{userId}/timeline", "/v1/users/ada/timeline", null, Map.of("cursor", "forged"));
        call("GET", "/v1/users/{userId}/timeline", "/v1/users/nobody/timeline", null);
        call("GET", "/v1/stats/triggers/{id}", "/v1/stats/triggers/welcome", null, Map.of("from", "2026-11-01", "to", "2026-11-30"));
        call("GET", "/v1/stats/triggers/{id}", "/v1/stats/triggers/welcome", null);
        call("GET", "/v1/stats/campaigns/{id}", "/v1/stats/campaigns/winback", null);
        call("GET", "/v1/stats/overview", "/v1/stats/overview", null);
        call("GET", "/v1/stats/overview", "/v1/stats/overview", null, Map.of("from", "2025-01-01", "to", "2026-11-24"));
        call("GET", "/v1/messages", "/v1/messages", null, Map.of("triggerId", "welcome", "limit", "1"));
        call("GET", "/v1/messages", "/v1/messages", null, Map.of("campaignId", "winback", "status", "SENT,NOPE"));
        call("GET", "/v1/messages/{messageId}", "/v1/messages/" + message.id(), null);
        call("GET", "/v1/messages/{messageId}", "/v1/messages/aaaaaaaaaaaaaaaaaaaaaaaaaa", null);
        call("GET", "/v1/messages/{messageId}", "/v1/messages/nope", null);
        call("GET", "/v1/stats/campaigns/{id}", "/v1/stats/campaigns/nothing", null);
        call("GET", "/v1/stats/triggers/{id}", "/v1/stats/triggers/nothing", null);
        call("GET", "/v1/stats/triggers/{id}", "/v1/stats/triggers/welcome", null, Map.of("from", "yesterday"));
        call("GET", "/v1/users/{userId}/messages", "/v1/users/ada/messages", null, Map.of("limit", "0"));
        call("GET", "/v1/segments/{id}/preview", "/v1/segments/nothing/preview", null);
        call("POST", "/v1/campaigns/{id}/run", "/v1/campaigns/nothing/run", null);
        call("GET", "/v1/suppressions", "/v1/suppressions", null, Map.of("channel", "push"));
        call("POST", "/v1/keys", "/v1/keys", "{'scope':'root','name':'x'}");
        call("GET", "/v1/segments/{id}/preview", "/v1/segments/pro_users/preview", null);
        call("PUT", "/v1/suppressions/{channel}/{address}", "/v1/suppressions/email/bounced%40example.com", "{'reason':'manual'}");
        call("PUT", "/v1/suppressions/{channel}/{address}", "/v1/suppressions/sms/+442079460958", null);
        call("GET", "/v1/suppressions/{channel}/{address}", "/v1/suppressions/email/bounced%40example.com", null);
        call("GET", "/v1/suppressions", "/v1/suppressions", null, Map.of("channel", "email", "limit", "1"));
        call("GET", "/v1/users/{userId}/export", "/v1/users/ada/export", null);
        call("GET", "/v1/users/{userId}/export", "/v1/users/nobody/export", null);
        call("GET", "/v1/users/{userId}", "/v1/users/nobody", null);
        call("DELETE", "/v1/users/{userId}", "/v1/users/ada", null);
        call("GET", "/v1/messages/{messageId}", "/v1/messages/" + message.id(), null);
        call("DELETE", "/v1/suppressions/{channel}/{address}", "/v1/suppressions/email/bounced%40example.com", null);
        call("DELETE", "/v1/suppressions/{channel}/{address}", "/v1/suppressions/email/bounced%40example.com", null);
        call("DELETE", "/v1/templates/{id}", "/v1/templates/welcome", null);
        call("DELETE", "/v1/campaigns/{id}", "/v1/campaigns/winback", null);
        call("DELETE", "/v1/segments/{id}", "/v1/segments/pro_users", null);
        call("DELETE", "/v1/triggers/{id}", "/v1/triggers/cart", null);
        call("DELETE", "/v1/journeys/{id}", "/v1/journeys/onboarding", null);
        call("DELETE", "/v1/journeys/{id}", "/v1/journeys/onboarding", null);
        call("DELETE", "/v1/keys/{id}", "/v1/keys/key_0000000000000000", null);
        call("GET", "/v1/unsubscribe", "/v1/unsubscribe", null, Map.of("token", "forged"));
        call("POST", "/v1/unsubscribe", "/v1/unsubscribe", null, Map.of("token", "forged"));

        assertThat(failures).isEmpty();
        assertThat(checked).as("route and status pairs checked").hasSizeGreaterThan(40);
    }

    private void call(String method, String pattern, String path, String body) {
        call(method, pattern, path, body, Map.of());
    }

    private void call(String method, String pattern, String path, String body, Map<String, String> query) {
        ApiResponse response = api.handle(new ApiRequest(method, path, Map.of("authorization", "Bearer " + admin), query,
                Optional.ofNullable(body).map(b -> b.replace('\'', '"').getBytes(StandardCharsets.UTF_8))));
        String what = method + " " + path + " -> " + response.status();
        checked.add(method + " " + pattern + " " + response.status());
        JsonNode documented = doc.path("paths").path(pattern).path(method.toLowerCase(Locale.ROOT)).path("responses")
                .path(Integer.toString(response.status()));
        if (documented.has("$ref")) {
            documented = doc.at(documented.get("$ref").asText().substring(1));
        }
        if (documented.isMissingNode()) {
            failures.add(what + ": status not documented (" + response.body() + ")");
            return;
        }
        if (!documented.has("content")) {
            if (!response.body().isEmpty()) {
                failures.add(what + ": documented without a body, answered " + response.body());
            }
            return;
        }
        String type = response.headers().getOrDefault("content-type", "").split(";")[0];
        JsonNode media = documented.path("content").path(type);
        if (media.isMissingNode()) {
            failures.add(what + ": content type " + type + " not documented");
            return;
        }
        if (type.equals("application/json")) {
            List<Error> errors = OpenApiDocumentTest.compile(registry, doc, media.path("schema")).validate(response.body(), InputFormat.JSON);
            if (!errors.isEmpty()) {
                failures.add(what + ": " + errors.stream().limit(5).map(e -> e.getInstanceLocation() + " " + e.getMessage())
                        .collect(Collectors.joining("; ")) + " in " + response.body());
            }
        }
    }
}
