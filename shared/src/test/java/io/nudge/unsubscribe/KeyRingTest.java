package io.nudge.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyRingTest {
    static final byte[] K1 = UnsubscribeTokensTest.bytes(1);
    static final byte[] K2 = UnsubscribeTokensTest.bytes(2);
    static final String K1_B64 = Base64.getEncoder().encodeToString(K1);
    static final String K2_B64 = Base64.getEncoder().encodeToString(K2);

    @Test
    void the_first_entry_is_the_current_key_and_every_entry_is_in_the_ring() {
        KeyRing ring = KeyRing.parse("k2:" + K2_B64 + ",k1:" + K1_B64);

        assertThat(ring.currentKeyId()).isEqualTo("k2");
        assertThat(ring.keys()).containsOnlyKeys("k2", "k1");
        assertThat(ring.keys().get("k2")).isEqualTo(K2);
        assertThat(ring.keys().get("k1")).isEqualTo(K1);
    }

    @Test
    void url_safe_unpadded_keys_and_spaces_around_entries_are_accepted() {
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(K1);

        KeyRing ring = KeyRing.parse(" k1 : " + urlSafe + " ");

        assertThat(ring).isEqualTo(new KeyRing("k1", Map.of("k1", K1)));
    }

    @Test
    void from_environment_reads_the_variable() {
        assertThat(KeyRing.fromEnvironment(Map.of("NUDGE_UNSUBSCRIBE_KEYS", "k1:" + K1_B64)).currentKeyId()).isEqualTo("k1");
        assertThatThrownBy(() -> KeyRing.fromEnvironment(Map.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("NUDGE_UNSUBSCRIBE_KEYS");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "k1", "k1:", ":" + "QUJD", "k1:not base64!!", "k1:QUJDREVGR0hJSktMTU5PUA==",
            "k1:KEY1,", "k 1:KEY1", "k1.x:KEY1", "k1:KEY1,k1:KEY2"})
    void malformed_configuration_fails_naming_the_variable_and_never_quoting_a_key(String template) {
        String config = template.replace("KEY1", K1_B64).replace("KEY2", K2_B64);

        assertThatThrownBy(() -> KeyRing.parse(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NUDGE_UNSUBSCRIBE_KEYS")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(K1_B64).doesNotContain(K2_B64));
    }

    @Test
    void a_key_shorter_than_32_bytes_is_refused() {
        String short31 = Base64.getEncoder().encodeToString(new byte[31]);

        assertThatThrownBy(() -> KeyRing.parse("k1:" + short31))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("32 bytes");
    }

    @Test
    void the_current_key_must_be_in_the_ring() {
        assertThatThrownBy(() -> new KeyRing("k3", Map.of("k1", K1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k3");
    }

    @Test
    void the_ring_cannot_be_changed_from_outside_and_never_shows_a_key() {
        byte[] key = K1.clone();
        KeyRing ring = new KeyRing("k1", Map.of("k1", key));

        key[0] ^= 1;
        ring.keys().get("k1")[1] ^= 1;

        assertThat(ring.keys().get("k1")).isEqualTo(K1);
        assertThat(ring.toString()).isEqualTo("KeyRing[currentKeyId=k1, keyIds=[k1]]");
    }
}
