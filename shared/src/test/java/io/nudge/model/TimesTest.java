package io.nudge.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimesTest {
    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void format_writes_what_the_pattern_formatter_writes_for_any_instant() {
        SplittableRandom random = new SplittableRandom(1);
        long min = Instant.parse("-0100-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("+10100-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(min, max), random.nextInt(1_000_000_000));
            assertThat(Times.format(instant)).isEqualTo(REFERENCE.format(instant.truncatedTo(ChronoUnit.MILLIS)));
        }
        for (String edge : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z", "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999Z", "+10000-01-01T00:00:00Z", "2026-11-24T10:00:00.0005Z"}) {
            Instant instant = Instant.parse(edge);
            assertThat(Times.format(instant)).isEqualTo(REFERENCE.format(instant.truncatedTo(ChronoUnit.MILLIS)));
        }
        assertThat(Times.format(Instant.parse("2026-11-24T10:00:00.0005Z"))).isEqualTo("2026-11-24T10:00:00.000Z");
    }
}
