package io.nudge.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nudge.model.Channel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnsubscribeTokensTest {
    static final byte[] K1 = bytes(1);
    static final byte[] K2 = bytes(2);

    static byte[] bytes(int seed) {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (seed * 31 + i * 7);
        }
        return key;
    }

    static KeyRing ring(String current, Object... idsAndKeys) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (int i = 0; i < idsAndKeys.length; i += 2) {
            keys.put((String) idsAndKeys[i], (byte[]) idsAndKeys[i + 1]);
        }
        return new KeyRing(current, keys);
    }

    final UnsubscribeTokens tokens = new UnsubscribeTokens(ring("k2", "k2", K2, "k1", K1));

    @ParameterizedTest
    @EnumSource(Channel.class)
    void an_issued_token_verifies_to_the_same_user_and_channel(Channel channel) {
        String token = tokens.issue("user-42", channel);

        assertThat(tokens.verify(token)).contains(new Subscription("user-42", channel));
    }

    @Test
    void a_token_is_url_safe_names_version_and_current_key_and_is_always_the_same() {
        String token = tokens.issue("user-42", Channel.EMAIL);

        assertThat(token).matches("v1\\.k2\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}");
        assertThat(token.split("\\.")[2]).isEqualTo(b64("user-42\u0000email"));
        assertThat(tokens.issue("user-42", Channel.EMAIL)).isEqualTo(token);
        assertThat(tokens.issue("user-42", Channel.SMS)).isNotEqualTo(token);
    }

    @Test
    void a_token_with_someone_elses_payload_does_not_verify() {
        String[] parts = tokens.issue("user-42", Channel.EMAIL).split("\\.");

        String forged = parts[0] + "." + parts[1] + "." + b64("user-43\u0000email") + "." + parts[3];
        String otherChannel = parts[0] + "." + parts[1] + "." + b64("user-42\u0000sms") + "." + parts[3];

        assertThat(tokens.verify(forged)).isEmpty();
        assertThat(tokens.verify(otherChannel)).isEmpty();
    }

    @Test
    void every_single_character_change_is_refused() {
        String token = tokens.issue("user-42", Channel.PUSH);

        for (int i = 0; i < token.length(); i++) {
            char replacement = token.charAt(i) == 'A' ? 'B' : 'A';
            String altered = token.substring(0, i) + replacement + token.substring(i + 1);
            assertThat(tokens.verify(altered)).as("changed at %d: %s", i, altered).isEmpty();
        }
    }

    @Test
    void a_token_moved_to_another_key_id_does_not_verify() {
        String token = tokens.issue("user-42", Channel.EMAIL);

        assertThat(tokens.verify(token.replace("v1.k2.", "v1.k1."))).isEmpty();
        assertThat(tokens.verify(token.replace("v1.k2.", "v1.k9."))).isEmpty();
        assertThat(tokens.verify(token.replace("v1.k2.", "v2.k2."))).isEmpty();
    }

    @Test
    void after_rotation_old_tokens_still_verify_and_new_ones_use_the_new_key() {
        UnsubscribeTokens before = new UnsubscribeTokens(ring("k1", "k1", K1));
        String old = before.issue("user-42", Channel.SMS);

        UnsubscribeTokens after = new UnsubscribeTokens(ring("k2", "k2", K2, "k1", K1));

        assertThat(after.verify(old)).contains(new Subscription("user-42", Channel.SMS));
        assertThat(after.issue("user-42", Channel.SMS)).startsWith("v1.k2.");
        assertThat(before.verify(after.issue("user-42", Channel.SMS))).isEmpty();
    }

    @Test
    void a_removed_key_no_longer_verifies_its_tokens() {
        String old = new UnsubscribeTokens(ring("k1", "k1", K1)).issue("user-42", Channel.EMAIL);

        assertThat(new UnsubscribeTokens(ring("k2", "k2", K2)).verify(old)).isEmpty();
    }

    @Test
    void the_same_key_id_with_a_different_key_does_not_verify() {
        String token = new UnsubscribeTokens(ring("k1", "k1", K1)).issue("user-42", Channel.EMAIL);

        assertThat(new UnsubscribeTokens(ring("k1", "k1", K2)).verify(token)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ünïcødé-用户-🙂", "first.last@example", "a.b.c.d", "with space", "%2F../..", "v1.k2.x.y",
            "line\nbreak", "x"})
    void odd_user_ids_round_trip(String userId) {
        String token = tokens.issue(userId, Channel.EMAIL);

        assertThat(token.split("\\.", -1)).hasSize(4);
        assertThat(tokens.verify(token)).contains(new Subscription(userId, Channel.EMAIL));
    }

    @Test
    void the_separator_and_other_unusable_user_ids_are_refused_at_issue() {
        assertThatThrownBy(() -> tokens.issue("user\u0000email", Channel.SMS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> tokens.issue("", Channel.SMS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.issue("lone \uD83D surrogate", Channel.SMS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> tokens.issue("é".repeat(257), Channel.SMS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("512 bytes");
        assertThat(tokens.verify(tokens.issue("é".repeat(256), Channel.SMS))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "...", "v1", "v1.k2", "v1.k2.abc", "v1.k2.abc.def.ghi", "v1..abc.def",
            "v1.k2.!!!.def", "not a token at all", "v1.k2.dXNlcg.===="})
    void malformed_tokens_are_refused_without_throwing(String token) {
        assertThat(tokens.verify(token)).isEmpty();
    }

    @Test
    void null_and_huge_tokens_are_refused() {
        assertThat(tokens.verify(null)).isEmpty();
        assertThat(tokens.verify("v1.k2." + "A".repeat(5000) + ".sig")).isEmpty();
    }

    @Test
    void correctly_signed_nonsense_payloads_are_refused_without_throwing() throws Exception {
        for (String payload : new String[] {
                "*not base64*", b64("no separator"), b64("\u0000email"), b64("user\u0000fax"),
                b64("user\u0000email\u0000not a topic"), b64("user\u0000email\u0000t\u0000x"), Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {(byte) 0xff, 0, 'e'})}) {
            String signed = "v1.k2." + payload;
            assertThat(tokens.verify(signed + "." + hmac(K2, signed))).as(payload).isEmpty();
        }
    }

    @Test
    void a_topic_token_names_its_topic_and_a_channel_token_none() {
        assertThat(tokens.verify(tokens.issue("ada", Channel.EMAIL, java.util.Optional.of("digest"))))
                .contains(new Subscription("ada", Channel.EMAIL, java.util.Optional.of("digest")));
        assertThat(tokens.verify(tokens.issue("ada", Channel.EMAIL))).contains(new Subscription("ada", Channel.EMAIL));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tokens.issue("ada", Channel.EMAIL, java.util.Optional.of("bad topic")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String hmac(byte[] key, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }
}
