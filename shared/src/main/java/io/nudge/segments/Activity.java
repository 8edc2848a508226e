package io.nudge.segments;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/**
 * One user's behaviour counters: events per name per UTC day ({@code "<event>|<yyyy-mm-dd>"}) and when they were last seen.
 */
public record Activity(Map<String, Long> counts, Optional<Instant> lastSeenAt) {
    public static final Activity NONE = new Activity(Map.of(), Optional.empty());

    public Activity {
        counts = Map.copyOf(counts);
    }

    public static String key(String event, LocalDate day) {
        return event + "|" + day;
    }

    /** Events of this name on the UTC days from (now − within) to today: day granularity, as the counters keep it. */
    public long count(String event, java.time.Duration within, Instant now) {
        LocalDate first = now.minus(within).atZone(ZoneOffset.UTC).toLocalDate();
        String prefix = event + "|";
        long total = 0;
        for (Map.Entry<String, Long> entry : counts.entrySet()) {
            if (entry.getKey().startsWith(prefix)
                    && !LocalDate.parse(entry.getKey().substring(prefix.length())).isBefore(first)) {
                total += entry.getValue();
            }
        }
        return total;
    }
}
