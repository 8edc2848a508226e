package io.nudge.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.model.Priority;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmailMessageTest {
    static EmailMessage withUnsubscribe(String url) {
        return new EmailMessage("m1", "t1", "hello@nudge.example", "ada@example.org", "Hi", Optional.empty(),
                Optional.of("Hi"), Priority.MARKETING, Optional.of(url));
    }

    @Test
    void the_constructor_without_an_unsubscribe_url_leaves_it_empty() {
        EmailMessage email = new EmailMessage("m1", "t1", "hello@nudge.example", "ada@example.org", "Hi",
                Optional.empty(), Optional.of("Hi"), Priority.TRANSACTIONAL);

        assertThat(email.unsubscribeUrl()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://nudge.example/v1/unsubscribe?token=v1.k2.abc.def",
            "http://localhost:8080/v1/unsubscribe/v1.k2.abc.def", "HTTPS://NUDGE.EXAMPLE/u?t=a%20b"})
    void absolute_http_urls_are_accepted(String url) {
        assertThat(withUnsubscribe(url).unsubscribeUrl()).contains(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/v1/unsubscribe?token=x", "mailto:unsubscribe@nudge.example", "javascript:alert(1)",
            "https://nudge.example/u?t=a b", "https://nudge.example/u>\r\nBcc: x@example.org", "https://nudge.example/ü",
            "https:///no-host", "https://nudge.example/<x>"})
    void urls_that_are_not_absolute_http_or_could_break_the_header_are_refused(String url) {
        assertThatThrownBy(() -> withUnsubscribe(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsubscribeUrl");
    }

    @Test
    void a_url_must_fit_an_ses_header_value_with_its_angle_brackets() {
        String base = "https://nudge.example/u?t=";

        assertThat(withUnsubscribe(base + "a".repeat(868 - base.length())).unsubscribeUrl()).isPresent();
        assertThatThrownBy(() -> withUnsubscribe(base + "a".repeat(869 - base.length())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
