package io.nudge.template;

import static io.nudge.testing.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.validation.InvalidInputException;
import org.junit.jupiter.api.Test;

class TemplateParserTest {
    private static final ObjectNode VARS = (ObjectNode) json("{'user':{'attributes':{'first_name':'Ada'}},'event':{'properties':{'total':19.99,'items':[{'name':'Socks'},{'name':'Hat'}]}}}");

    @Test
    void renders_variables_filters_and_loops() {
        CompiledTemplate template = TemplateParser.parse("receipt", json("{'channel':'email','subject':'Thanks {{ user.attributes.first_name }}',"
                + "'text':'{% for i in event.properties.items %}{{ i.name | upcase }} {% endfor %}total {{ event.properties.total }}'}"));

        Rendered.Email email = (Rendered.Email) Renderer.render(template, "en", VARS);

        assertThat(email.subject()).isEqualTo("Thanks Ada");
        assertThat(email.text()).contains("SOCKS HAT total 19.99");
    }

    @Test
    void a_syntax_error_names_the_field_line_and_column() {
        assertThatThrownBy(() -> TemplateParser.parse("t", json("{'channel':'sms','body':'ok\\n{{ user.name '}")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("/body");
                    assertThat(e.getMessage()).contains("line 2");
                });
    }

    @Test
    void an_email_template_needs_a_body_part_and_a_subject() {
        assertThatThrownBy(() -> TemplateParser.parse("t", json("{'channel':'email','subject':'Hi'}")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("/html"));
        assertThatThrownBy(() -> TemplateParser.parse("t", json("{'channel':'email','text':'Hi'}")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("/subject"));
    }

    @Test
    void subjects_are_one_line_whatever_the_data() {
        CompiledTemplate template = TemplateParser.parse("t", json("{'channel':'email','subject':'Hi {{ user.attributes.first_name }}','text':'x'}"));
        ObjectNode vars = (ObjectNode) json("{'user':{'attributes':{'first_name':'Ada\\r\\nBcc: evil@example.com'}}}");

        assertThat(((Rendered.Email) Renderer.render(template, null, vars)).subject()).isEqualTo("Hi Ada Bcc: evil@example.com");
    }
}
