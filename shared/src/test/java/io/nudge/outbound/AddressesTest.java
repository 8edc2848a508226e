package io.nudge.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An event's free text never carries an address: provider reasons, bounce diagnostics and clicked URLs scrubbed. */
class AddressesTest {
    @Test
    void email_addresses_and_phone_numbers_in_provider_text_are_redacted() {
        assertThat(Addresses.scrub("bounce: Permanent/General: smtp; 550 5.1.1 <Ada.Lovelace+x@mail.example.co.uk>... User unknown",
                Optional.empty())).isEqualTo("bounce: Permanent/General: smtp; 550 5.1.1 <[redacted]>... User unknown");
        assertThat(Addresses.scrub("ses_reject: Email address is not verified: ada@example.com", Optional.of("ada@example.com")))
                .isEqualTo("ses_reject: Email address is not verified: [redacted]");
        assertThat(Addresses.scrub("carrier: Phone carrier has blocked this message for +49 151 1234 5678", Optional.empty()))
                .isEqualTo("carrier: Phone carrier has blocked this message for [redacted]");
        assertThat(Addresses.scrub("https://shop.example.com/cart?u=ada%40example.com&p=%2B4915112345678&utm=mail", Optional.empty()))
                .isEqualTo("https://shop.example.com/cart?u=[redacted]&p=[redacted]&utm=mail");
    }

    @Test
    void text_without_addresses_is_left_alone() {
        String reason = "provider_rejected: MessageRejected: 454 Throttling failure at 2026-12-08T09:00:00Z (code 1234567)";
        assertThat(Addresses.scrub(reason, Optional.of("ada@example.com"))).isEqualTo(reason);
        assertThat(Addresses.scrub("HTTP 503 from hooks.example.com: down", Optional.empty())).isEqualTo("HTTP 503 from hooks.example.com: down");
    }
}
