package io.nudge.template;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Liquid error is the template's (permanent render_error); a Java defect met while rendering is not. */
class RenderFailuresTest {
    @Test
    void a_liquid_error_of_the_template_with_this_data_is_a_template_error() {
        assertThatThrownBy(() -> Liquid.render(Liquid.parse("{{ 10 | divided_by: n }}", "/body"), Map.of("n", 0)))
                .isInstanceOf(Liquid.TemplateError.class);
    }

    @Test
    void a_null_pointer_met_while_rendering_is_thrown_as_it_is_never_a_template_error() {
        Object defective = new Object() {
            @Override
            public String toString() {
                throw new NullPointerException("a defect");
            }
        };

        assertThatThrownBy(() -> Liquid.render(Liquid.parse("Hi {{ who }}", "/body"), Map.of("who", defective)))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void a_render_past_a_limit_is_still_a_limit() {
        assertThatThrownBy(() -> Liquid.render(Liquid.parse("{% for i in (1..100000) %}x{% endfor %}", "/body"), Map.of()))
                .isInstanceOf(Liquid.LimitExceeded.class);
    }
}
