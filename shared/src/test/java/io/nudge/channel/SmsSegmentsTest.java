package io.nudge.channel;

import static io.nudge.channel.SmsSegments.Encoding.GSM_7;
import static io.nudge.channel.SmsSegments.Encoding.UCS_2;
import static org.assertj.core.api.Assertions.assertThat;

import io.nudge.channel.SmsSegments.Encoding;
import io.nudge.channel.SmsSegments.Segments;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SmsSegmentsTest {
    static final String A = "a";
    static final String L = "ł"; // Polish, outside GSM 03.38: forces UCS-2
    static final String EMOJI = "😀"; // one code point, two UTF-16 code units

    static Stream<Arguments> bodies() {
        return Stream.of(
                row("empty", "", GSM_7, 0, 0),
                row("plain ascii", "Your code is 482913", GSM_7, 19, 1),
                row("euro sign is an extension character", "€", GSM_7, 2, 1),
                row("brace is an extension character", "{", GSM_7, 2, 1),
                row("caret is an extension character", "^", GSM_7, 2, 1),
                row("every extension character", "^{}\\[~]|€", GSM_7, 18, 1),
                row("basic set letters beyond ascii", "Grüße aus Århus: ¿Qué tal? ΔΩ £5 ¥", GSM_7, 34, 1),
                row("line breaks are basic", "a\nb\r\n", GSM_7, 5, 1),
                row("an emoji forces ucs-2 and counts two", EMOJI, UCS_2, 2, 1),
                row("backtick is not gsm", "`", UCS_2, 1, 1),
                row("exactly 160 gsm characters", A.repeat(160), GSM_7, 160, 1),
                row("161 gsm characters", A.repeat(161), GSM_7, 161, 2),
                row("two full concatenated gsm parts", A.repeat(306), GSM_7, 306, 2),
                row("one more than two gsm parts", A.repeat(307), GSM_7, 307, 3),
                row("80 euro signs fill one part", "€".repeat(80), GSM_7, 160, 1),
                row("80 euro signs and one more", "€".repeat(80) + A, GSM_7, 161, 2),
                row("an escape pair is never split", A.repeat(152) + "€" + A.repeat(152), GSM_7, 306, 3),
                row("exactly 70 ucs-2 characters", L.repeat(70), UCS_2, 70, 1),
                row("71 ucs-2 characters", L.repeat(71), UCS_2, 71, 2),
                row("two full concatenated ucs-2 parts", L.repeat(134), UCS_2, 134, 2),
                row("one more than two ucs-2 parts", L.repeat(135), UCS_2, 135, 3),
                row("35 emoji fill one ucs-2 part", EMOJI.repeat(35), UCS_2, 70, 1),
                row("a surrogate pair is never split", L.repeat(66) + EMOJI + L.repeat(66), UCS_2, 134, 3),
                row("one non-gsm character turns 160 gsm characters into three parts", A.repeat(159) + L, UCS_2, 160, 3));
    }

    static Arguments row(String name, String body, Encoding encoding, int characters, int segments) {
        return Arguments.of(name, body, new Segments(encoding, characters, segments));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void counts_encoding_characters_and_segments(String name, String body, Segments expected) {
        assertThat(SmsSegments.count(body)).isEqualTo(expected);
    }
}
