package io.nudge.feedback;

import static io.nudge.store.AttributeValues.s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.nudge.json.Json;
import io.nudge.model.Message;
import io.nudge.model.Times;
import io.nudge.privacy.Person;
import io.nudge.privacy.PersonalRecords;
import io.nudge.store.Markers;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A message's first open and first click, as {@link Markers} in the State table ({@code open#<message>},
 * {@code click#<message>}, the time only): one conditional put each, so a repeated notification never counts twice.
 */
public final class Engagement implements PersonalRecords {
    private static final String OPEN = "open";
    private static final String CLICK = "click";

    private final Markers markers;

    public Engagement(Markers markers) {
        this.markers = Objects.requireNonNull(markers, "markers");
    }

    /** @return true for the first open of the message (count it) */
    public boolean firstOpen(String messageId, Instant now, Duration retention) {
        return mark(OPEN, messageId, now, retention);
    }

    /** @return true for the first click of the message (count it) */
    public boolean firstClick(String messageId, Instant now, Duration retention) {
        return mark(CLICK, messageId, now, retention);
    }

    private boolean mark(String kind, String messageId, Instant now, Duration retention) {
        return markers.putIfAbsent(key(kind, messageId), Map.of("at", s(Times.format(now))), now.plus(retention), now);
    }

    @Override
    public String name() {
        return "engagement";
    }

    /** The export has shown it beside the messages since before {@code records} existed. */
    @Override
    public Placement placement() {
        return Placement.TOP_LEVEL;
    }

    @Override
    public Set<String> statePrefixes() {
        return Set.of(OPEN, CLICK);
    }

    /** Each message's first open and first click, when; an empty list when none. */
    @Override
    public Optional<JsonNode> export(Person person, Instant now) {
        ArrayNode engagement = Json.MAPPER.createArrayNode();
        for (Message message : person.messages()) {
            for (String kind : java.util.List.of(OPEN, CLICK)) {
                markers.find(key(kind, message.id()), now).filter(item -> item.containsKey("at")).ifPresent(item ->
                        engagement.addObject().put("messageId", message.id()).put("kind", kind).put("at", item.get("at").s()));
            }
        }
        return Optional.of(engagement);
    }

    @Override
    public Erased erase(Person person, Instant now) {
        return new Erased.Kept("a time per message, no personal field; open and click counts stay");
    }

    private static String key(String kind, String messageId) {
        return kind + "#" + messageId;
    }
}
