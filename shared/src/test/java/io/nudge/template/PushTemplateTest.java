package io.nudge.template;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.definitions.DefinitionService;
import io.nudge.model.Channel;
import io.nudge.testing.MutableClock;
import io.nudge.testing.TestDynamo;
import io.nudge.validation.InvalidInputException;
import io.nudge.wiring.Services;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PushTemplateTest {
    private static final String CART = "{'channel':'push','title':'Still thinking, {{ user.attributes.first_name }}?',"
            + "'body':'{{ event.properties.count }} items are waiting','data':{'cartId':'{{ event.properties.cart }}','screen':'cart'},"
            + "'locales':{'de':{'title':'Noch unentschlossen, {{ user.attributes.first_name }}?','body':'{{ event.properties.count }} Artikel warten'},"
            + "'fr':{'title':'Toujours là ?','body':'Votre panier','data':{'screen':'panier'}}}}";
    private static final ObjectNode VARS = (ObjectNode) json(
            "{'user':{'attributes':{'first_name':'Ada'}},'event':{'properties':{'count':2,'cart':'c-42'}}}");

    private static InvalidInputException refused(String document) {
        try {
            TemplateParser.parse("t", json(document));
        } catch (InvalidInputException e) {
            return e;
        }
        throw new AssertionError("accepted: " + document);
    }

    @Test
    void title_body_and_data_values_are_rendered() {
        CompiledTemplate template = TemplateParser.parse("cart", json(CART));

        Rendered rendered = Renderer.render(template, "en", VARS);

        assertThat(template.definition().channel()).isEqualTo(Channel.PUSH);
        assertThat(rendered).isEqualTo(new Rendered.Push("Still thinking, Ada?", "2 items are waiting",
                Map.of("cartId", "c-42", "screen", "cart")));
    }

    @Test
    void a_locale_has_its_own_title_and_body_and_keeps_the_default_data_unless_it_names_its_own() {
        CompiledTemplate template = TemplateParser.parse("cart", json(CART));

        assertThat(Renderer.render(template, "de-AT", VARS)).isEqualTo(new Rendered.Push("Noch unentschlossen, Ada?",
                "2 Artikel warten", Map.of("cartId", "c-42", "screen", "cart")));
        assertThat(Renderer.render(template, "fr", VARS)).isEqualTo(new Rendered.Push("Toujours là ?", "Votre panier",
                Map.of("screen", "panier")));
    }

    @Test
    void the_title_is_one_line_whatever_the_data() {
        CompiledTemplate template = TemplateParser.parse("t", json("{'channel':'push','title':'Hi {{ user.attributes.first_name }}','body':'x'}"));
        ObjectNode vars = (ObjectNode) json("{'user':{'attributes':{'first_name':'Ada\\nLovelace'}}}");

        assertThat(((Rendered.Push) Renderer.render(template, null, vars)).title()).isEqualTo("Hi Ada Lovelace");
    }

    @Test
    void a_push_template_needs_a_title_and_a_body() {
        assertThat(refused("{'channel':'push','body':'x'}").field()).isEqualTo("/title");
        assertThat(refused("{'channel':'push','title':'x','body':' '}").field()).isEqualTo("/body");
        assertThat(refused("{'channel':'push','title':'x','body':'y','locales':{'de':{'title':'z'}}}").field()).isEqualTo("/locales/de/body");
        assertThat(refused("{'channel':'push','title':'x','body':'y','subject':'z'}").code()).isEqualTo("unknown_field");
    }

    @Test
    void data_is_an_object_of_at_most_50_strings_without_reserved_keys() {
        assertThat(refused("{'channel':'push','title':'x','body':'y','data':['a']}").field()).isEqualTo("/data");
        assertThat(refused("{'channel':'push','title':'x','body':'y','data':{'count':2}}").field()).isEqualTo("/data/count");
        assertThat(refused("{'channel':'push','title':'x','body':'y','data':{'aps':'x'}}").field()).isEqualTo("/data/aps");
        assertThat(refused("{'channel':'push','title':'x','body':'y','data':{'google.c.a':'x'}}").field()).isEqualTo("/data/google.c.a");
        assertThat(refused("{'channel':'push','title':'x','body':'y','locales':{'de':{'title':'x','body':'y','data':{'gcm_x':'1'}}}}").field())
                .isEqualTo("/locales/de/data/gcm_x");
        assertThat(refused("{'channel':'push','title':'x','body':'y','data':{'link':'{{ oops'}}").field()).isEqualTo("/data/link");
        String fifty = IntStream.range(0, 50).mapToObj(i -> "'k" + i + "':'v'").collect(Collectors.joining(","));
        TemplateParser.parse("t", json("{'channel':'push','title':'x','body':'y','data':{" + fifty + "}}"));
        assertThat(refused("{'channel':'push','title':'x','body':'y','data':{" + fifty + ",'k50':'v'}}").field()).isEqualTo("/data");
    }

    @Test
    void a_push_template_survives_being_stored_and_read_back() {
        CompiledTemplate template = TemplateParser.parse("cart", json(CART));

        CompiledTemplate again = TemplateParser.parse("cart", withoutId(TemplateParser.toJson(template.definition())));

        assertThat(again.definition()).isEqualTo(template.definition());
    }

    @Test
    void a_push_trigger_takes_a_push_template_and_refuses_an_email_one() {
        MutableClock clock = MutableClock.at("2026-11-24T09:00:00Z");
        Services services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        DefinitionService definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("cart", json(CART));
        definitions.putTemplate("mail", json("{'channel':'email','subject':'Hi','text':'x'}"));

        definitions.putTrigger("cart_push", json("{'event':'cart_abandoned','channel':'push','template':'cart'}"));
        assertThatThrownBy(() -> definitions.putTrigger("mail_push", json("{'event':'x','channel':'push','template':'mail'}")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("channel_mismatch"));
    }

    private static ObjectNode withoutId(ObjectNode doc) {
        doc.remove("id");
        return doc;
    }
}
