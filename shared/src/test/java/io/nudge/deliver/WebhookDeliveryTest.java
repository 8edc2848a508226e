package io.nudge.deliver;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.Channels;
import io.nudge.channel.webhook.HttpWebhookSender;
import io.nudge.channel.webhook.WebhookDestinations;
import io.nudge.channel.webhook.WebhookSignature;
import io.nudge.definitions.DefinitionService;
import io.nudge.evaluate.EvaluateService;
import io.nudge.guards.GuardSettings;
import io.nudge.json.Json;
import io.nudge.model.Event;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingPush;
import io.nudge.testing.RecordingSenders;
import io.nudge.testing.TestDynamo;
import io.nudge.testing.WebhookReceiver;
import io.nudge.testing.WebhookReceiver.Answer;
import io.nudge.users.UserService;
import io.nudge.wiring.Services;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Webhook messages through DeliverService, posted for real to a receiver on loopback (allow-listed). */
class WebhookDeliveryTest {
    // 23:00 UTC: inside the default quiet hours, which do not apply to a webhook
    private final MutableClock clock = MutableClock.at("2026-12-07T23:00:00Z");
    private final RecordingSenders senders = new RecordingSenders();
    private final RecordingPush push = new RecordingPush();
    private Services services;
    private DeliverService deliver;
    private EvaluateService evaluate;
    private WebhookReceiver receiver;
    private int events;

    private void start(String urlPath, Answer... answers) throws Exception {
        receiver = new WebhookReceiver(answers);
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        WebhookDestinations local = WebhookDestinations.allowing(List.of("127.0.0.1"));
        DefinitionService definitions = new DefinitionService(services.definitions(), local, clock);
        ObjectNode template = Json.object();
        template.put("channel", "webhook");
        template.put("url", receiver.url(urlPath));
        template.putObject("headers").put("Content-Type", "application/json");
        template.put("body", "{\"text\":{{ user.attributes.first_name | append: \" left a cart of \" | append: event.properties.total | json }},"
                + "\"cart\":{{ event.properties.cart | json }}}");
        template.put("secret", "a-shared-secret");
        definitions.putTemplate("cart_alert", template);
        definitions.putTrigger("big_cart", json("{'event':'cart_abandoned','channel':'webhook','template':'cart_alert'}"));
        // no email, no consent given: a person's guards would stop an email; a webhook reaches no person
        new UserService(services.users(), clock).upsert("ada", json("{'attributes':{'first_name':'Ada'}}"));
        evaluate = services.evaluate();
        evaluate.refreshDefinitions();
        deliver = services.deliver(new Channels(senders, senders, push, push, "from@example.com")
                .withWebhook(new HttpWebhookSender(local, clock)), GuardSettings.defaults());
        deliver.refreshDefinitions();
    }

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private String message() {
        Event event = new Event("evt-" + ++events, "ada", "cart_abandoned", (ObjectNode) json("{'total':'$420','cart':'c-42'}"),
                clock.instant(), clock.instant());
        evaluate.evaluate(event);
        return services.messages().forUser("ada", 10).stream().filter(m -> m.eventId().equals(event.id())).findFirst().orElseThrow().id();
    }

    private Message stored(String id) {
        return services.messages().find(id).orElseThrow();
    }

    private DeliveryResult releaseAndDeliver(String id) {
        services.messages().releaseNow(id, "due", clock.instant());
        return deliver.deliver(stored(id));
    }

    @Test
    void a_2xx_is_sent_with_the_status_in_the_history_the_host_as_its_to_and_no_guard_of_a_person_in_the_way() throws Exception {
        start("/hooks/cart?token=secret-token", Answer.of(200, "ok"));
        String id = message();

        DeliveryResult result = deliver.deliver(stored(id));

        assertThat(result).isEqualTo(new DeliveryResult.Sent("HTTP 200 from 127.0.0.1: ok"));
        Message sent = stored(id);
        assertThat(sent.status()).isEqualTo(MessageStatus.SENT);
        assertThat(sent.to()).contains("127.0.0.1");
        assertThat(sent.history()).extracting(HistoryEntry::reason).contains("HTTP 200 from 127.0.0.1: ok");
        assertThat(io.nudge.messages.MessageJson.toJson(sent).toString()).doesNotContain("secret-token");
        WebhookReceiver.Received got = receiver.take(5);
        assertThat(Json.parse(got.body())).isEqualTo(json("{'text':'Ada left a cart of $420','cart':'c-42'}"));
        assertThat(got.header("Idempotency-Key")).isEqualTo(id);
        assertThat(WebhookSignature.verify("a-shared-secret", got.header("Nudge-Signature"), got.body(), clock.instant().getEpochSecond(), 300))
                .isTrue();
        assertThat(senders.emails).isEmpty();
    }

    @Test
    void a_5xx_defers_one_slot_then_doubling_and_the_retry_carries_the_same_idempotency_key() throws Exception {
        start("/hook", Answer.of(500, "boom"), Answer.of(503, "still"), Answer.of(204, ""));
        String id = message();

        assertThat(deliver.deliver(stored(id))).isEqualTo(new DeliveryResult.Deferred("provider_unavailable", clock.instant().plusSeconds(60)));
        assertThat(stored(id).status()).isEqualTo(MessageStatus.SCHEDULED);
        clock.advance(Duration.ofSeconds(60));
        assertThat(releaseAndDeliver(id)).isEqualTo(new DeliveryResult.Deferred("provider_unavailable", clock.instant().plusSeconds(120)));
        clock.advance(Duration.ofSeconds(120));
        assertThat(releaseAndDeliver(id)).isEqualTo(new DeliveryResult.Sent("HTTP 204 from 127.0.0.1"));

        assertThat(receiver.all()).hasSize(3).extracting(r -> r.header("Idempotency-Key")).containsOnly(id);
        assertThat(receiver.all().get(0).body()).isEqualTo(receiver.all().get(2).body());
        assertThat(stored(id).history()).extracting(HistoryEntry::reason).contains("provider_unavailable", "HTTP 204 from 127.0.0.1");
    }

    @Test
    void a_429_honours_retry_after_and_another_4xx_fails_at_once_with_the_status_and_the_answer() throws Exception {
        start("/hook", new Answer(429, Map.of("Retry-After", "300"), ""), Answer.of(422, "{\"error\":\"channel_not_found\"}"));
        String id = message();

        assertThat(deliver.deliver(stored(id))).isEqualTo(new DeliveryResult.Deferred("provider_throttled", clock.instant().plusSeconds(300)));
        assertThat(releaseAndDeliver(id)).isEqualTo(
                new DeliveryResult.Failed("provider_rejected: HTTP 422 from 127.0.0.1: {\"error\":\"channel_not_found\"}"));
        assertThat(stored(id).status()).isEqualTo(MessageStatus.FAILED);
    }

    @Test
    void a_retry_after_longer_than_the_backoffs_hour_is_honoured() throws Exception {
        start("/hook", new Answer(429, Map.of("Retry-After", "7200"), ""));
        String id = message();

        assertThat(deliver.deliver(stored(id))).isEqualTo(new DeliveryResult.Deferred("provider_throttled", clock.instant().plusSeconds(7200)));
    }

    @Test
    void a_header_rendered_with_a_character_http_cannot_carry_fails_invalid_header_before_any_claim() throws Exception {
        start("/hook", Answer.of(200, ""));
        new UserService(services.users(), clock).upsert("ada", json("{'attributes':{'first_name':'Ada','team':'\u0141\u00f3d\u017a'}}"));
        ObjectNode template = services.definitions().find(io.nudge.store.DefinitionStore.TEMPLATE, "cart_alert").orElseThrow().document().deepCopy();
        template.remove("id");
        ((ObjectNode) template.get("headers")).put("X-Team", "{{ user.attributes.team }}");
        new DefinitionService(services.definitions(), WebhookDestinations.allowing(List.of("127.0.0.1")), clock).putTemplate("cart_alert", template);
        deliver.refreshDefinitions();
        String id = message();

        DeliveryResult result = deliver.deliver(stored(id));

        assertThat(result).isEqualTo(new DeliveryResult.Failed("invalid_header: /headers/X-Team rendered a character an HTTP header "
                + "cannot carry (a control character or one above U+00FF)"));
        assertThat(stored(id).history()).extracting(HistoryEntry::status).doesNotContain(MessageStatus.SENDING);
        assertThat(receiver.all()).isEmpty();
    }

    @Test
    void an_email_message_whose_template_became_a_webhook_one_fails_before_any_claim() throws Exception {
        start("/hook", Answer.of(200, ""));
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("mail_then_hook", json("{'channel':'email','subject':'Hi','text':'Hi'}"));
        definitions.putTrigger("mail", json("{'event':'cart_abandoned','channel':'email','template':'mail_then_hook','quietHours':'off',"
                + "'priority':'transactional'}"));
        new UserService(services.users(), clock).upsert("ada", json("{'email':'ada@example.com'}"));
        evaluate.refreshDefinitions();
        message();
        Message email = services.messages().forUser("ada", 10).stream().filter(m -> m.triggerId().equals("mail")).findFirst().orElseThrow();
        ObjectNode hook = Json.object();
        hook.put("channel", "webhook").put("url", "https://hooks.example.com/x");
        definitions.putTemplate("mail_then_hook", hook);
        deliver.refreshDefinitions();

        assertThat(deliver.deliver(stored(email.id()))).isEqualTo(
                new DeliveryResult.Failed("template_invalid: mail_then_hook is a webhook template now"));
        assertThat(stored(email.id()).history()).extracting(HistoryEntry::status).doesNotContain(MessageStatus.SENDING);
    }

    @Test
    void a_body_that_renders_to_invalid_json_fails_invalid_body_and_nothing_is_posted() throws Exception {
        start("/hook", Answer.of(200, ""));
        ObjectNode broken = services.definitions().find(io.nudge.store.DefinitionStore.TEMPLATE, "cart_alert").orElseThrow().document().deepCopy();
        // stored as it was saved (the save-time check renders without data); this event's value breaks it
        broken.put("body", "{\"cart\": {{ event.properties.cart }} }");
        services.definitions().put(io.nudge.store.DefinitionStore.TEMPLATE, "cart_alert", broken, clock.instant());
        deliver.refreshDefinitions();
        String id = message();

        DeliveryResult result = deliver.deliver(stored(id));

        assertThat(result).isInstanceOf(DeliveryResult.Failed.class);
        assertThat(((DeliveryResult.Failed) result).reason()).startsWith("invalid_body");
        assertThat(receiver.all()).isEmpty();
    }

    @Test
    void a_destination_that_resolves_to_a_forbidden_address_fails_blocked_destination_at_send() throws Exception {
        start("/hook", Answer.of(200, ""));
        ObjectNode dynamic = services.definitions().find(io.nudge.store.DefinitionStore.TEMPLATE, "cart_alert").orElseThrow().document().deepCopy();
        dynamic.remove("id");
        dynamic.put("url", "https://{{ event.properties.cart | remove: 'c-' | prepend: '10.0.0.' }}/hook");
        new DefinitionService(services.definitions(), WebhookDestinations.none(), clock).putTemplate("cart_alert", dynamic);
        deliver.refreshDefinitions();
        String id = message();

        DeliveryResult result = deliver.deliver(stored(id));

        assertThat(result).isEqualTo(new DeliveryResult.Failed("blocked_destination: 10.0.0.42 resolves to 10.0.0.42, a private address"));
        assertThat(stored(id).to()).contains("10.0.0.42");
        assertThat(receiver.all()).isEmpty();
    }

    @Test
    void the_rate_limit_applies_per_destination_host() throws Exception {
        start("/hook", Answer.of(200, ""));
        deliver = services.deliver(new Channels(senders, senders, push, push, "from@example.com")
                        .withWebhook(new HttpWebhookSender(WebhookDestinations.allowing(List.of("127.0.0.1")), clock)),
                new GuardSettings(GuardSettings.defaults().quietHours(), GuardSettings.defaults().defaultZone(), GuardSettings.defaults().caps(),
                        Map.of(io.nudge.model.Channel.WEBHOOK, new io.nudge.guards.RateLimits.Limit(2, 1_000))));
        deliver.refreshDefinitions();
        List<String> ids = List.of(message(), message(), message());

        List<DeliveryResult> results = ids.stream().map(id -> deliver.deliver(stored(id))).toList();

        assertThat(results).hasSize(3);
        assertThat(results.subList(0, 2)).allSatisfy(r -> assertThat(r).isInstanceOf(DeliveryResult.Sent.class));
        assertThat(results.get(2)).isEqualTo(new DeliveryResult.Deferred("rate_limit", clock.instant().plusSeconds(60)));
        assertThat(receiver.all()).hasSize(2);
    }
}
