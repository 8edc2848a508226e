package io.nudge.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.webhook.WebhookDestinations;
import io.nudge.definitions.DefinitionService;
import io.nudge.json.Json;
import io.nudge.store.DefinitionStore;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.validation.InvalidInputException;
import io.nudge.wiring.Services;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A webhook template as the issue gives it: saved, read without its secret, rendered, and refused where it must be. */
class WebhookTemplateTest {
    private final MutableClock clock = MutableClock.at("2026-12-07T23:00:00Z");
    private Services services;
    private DefinitionService definitions;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        definitions = new DefinitionService(services.definitions(), WebhookDestinations.allowing(List.of("127.0.0.1")), clock);
    }

    private static ObjectNode slack() {
        ObjectNode doc = Json.object();
        doc.put("channel", "webhook");
        doc.put("method", "POST");
        doc.put("url", "https://hooks.example.com/{{ user.attributes.team }}");
        doc.putObject("headers").put("Content-Type", "application/json");
        doc.put("body", "{\"text\":{{ user.attributes.first_name | append: \" left a cart\" | json }}}");
        doc.put("secret", "a-shared-secret");
        return doc;
    }

    private InvalidInputException refused(ObjectNode doc) {
        try {
            definitions.putTemplate("t", doc);
        } catch (InvalidInputException e) {
            return e;
        }
        throw new AssertionError("accepted: " + doc);
    }

    @Test
    void the_issues_template_saves_and_reads_back_with_secret_set_never_the_secret() {
        ObjectNode saved = definitions.putTemplate("cart_alert", slack()).document();

        assertThat(saved.has("secret")).isFalse();
        assertThat(saved.path("secretSet").asBoolean()).isTrue();
        ObjectNode read = definitions.get(DefinitionStore.TEMPLATE, "cart_alert").orElseThrow();
        assertThat(read.toString()).doesNotContain("a-shared-secret");
        assertThat(read.path("secretSet").asBoolean()).isTrue();
        assertThat(read.path("url").asText()).isEqualTo("https://hooks.example.com/{{ user.attributes.team }}");
        assertThat(definitions.list(DefinitionStore.TEMPLATE).toString()).doesNotContain("a-shared-secret");
    }

    @Test
    void url_headers_and_body_render_and_the_json_filter_places_a_value_inside_the_json_body() throws Exception {
        CompiledTemplate template = TemplateParser.parse("cart_alert", slack());
        ObjectNode vars = Json.object();
        vars.putObject("user").putObject("attributes").put("team", "growth").put("first_name", "Ada \"the\" Countess");

        Rendered.Webhook rendered = (Rendered.Webhook) Renderer.render(template, null, vars);

        assertThat(rendered.method()).isEqualTo("POST");
        assertThat(rendered.url()).isEqualTo("https://hooks.example.com/growth");
        assertThat(rendered.jsonBody()).isTrue();
        assertThat(Json.parse(rendered.body()).path("text").asText()).isEqualTo("Ada \"the\" Countess left a cart");
    }

    @Test
    void leaving_the_secret_out_keeps_it_and_null_removes_it() {
        definitions.putTemplate("cart_alert", slack());
        ObjectNode edited = slack();
        edited.remove("secret");
        edited.put("body", "{\"text\":\"edited\"}");

        assertThat(definitions.putTemplate("cart_alert", edited).document().path("secretSet").asBoolean()).isTrue();
        assertThat(services.definitions().find(DefinitionStore.TEMPLATE, "cart_alert").orElseThrow().document().path("secret").asText())
                .isEqualTo("a-shared-secret");

        edited.putNull("secret");
        assertThat(definitions.putTemplate("cart_alert", edited).document().path("secretSet").asBoolean()).isFalse();
    }

    @Test
    void a_body_that_is_not_json_once_rendered_is_refused_at_body() {
        ObjectNode doc = slack();
        doc.put("body", "{\"text\": {{ user.attributes.first_name }} }");

        assertThat(refused(doc).field()).isEqualTo("/body");
        doc.putObject("headers").put("Content-Type", "text/plain");
        assertThat(definitions.putTemplate("t", doc).created()).as("not JSON by its Content-Type: any text").isTrue();
    }

    @Test
    void headers_the_client_or_nudge_controls_an_unknown_method_and_a_static_forbidden_url_are_refused_naming_the_field() {
        ObjectNode host = slack();
        host.putObject("headers").put("Host", "evil.example.com");
        assertThat(refused(host).field()).isEqualTo("/headers/Host");
        ObjectNode length = slack();
        length.putObject("headers").put("content-length", "1");
        assertThat(refused(length).field()).isEqualTo("/headers/content-length");
        ObjectNode signature = slack();
        signature.putObject("headers").put("Nudge-Signature", "t=1,v1=0");
        assertThat(refused(signature).field()).isEqualTo("/headers/Nudge-Signature");
        ObjectNode control = slack();
        control.putObject("headers").put("X-Team", "growth\u0001");
        assertThat(refused(control).field()).isEqualTo("/headers/X-Team");
        ObjectNode delete = slack();
        delete.put("method", "DELETE");
        assertThat(refused(delete).field()).isEqualTo("/method");
        ObjectNode metadata = slack();
        metadata.put("url", "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
        InvalidInputException blocked = refused(metadata);
        assertThat(blocked.field()).isEqualTo("/url");
        assertThat(blocked.code()).isEqualTo("blocked_destination");
        ObjectNode privateHost = slack();
        privateHost.put("url", "https://10.0.0.8/hook");
        assertThat(refused(privateHost).field()).isEqualTo("/url");
        ObjectNode locales = slack();
        locales.putObject("locales").putObject("de").put("body", "{}");
        assertThat(refused(locales).field()).isEqualTo("/locales");
    }

    @Test
    void an_allow_listed_receiver_may_be_plain_http() {
        ObjectNode local = slack();
        local.put("url", "http://127.0.0.1:9000/hook");

        assertThat(definitions.putTemplate("local", local).created()).isTrue();
        assertThatThrownBy(() -> new DefinitionService(services.definitions(), clock).putTemplate("local2", local))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("NUDGE_WEBHOOK_ALLOW_HOSTS");
    }
}
