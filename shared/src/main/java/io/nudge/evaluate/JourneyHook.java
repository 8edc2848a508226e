package io.nudge.evaluate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.model.Event;
import io.nudge.model.UserProfile;
import java.util.List;

/** What an event does to journeys (entries, wakes, exits), as its evaluation record keeps it: one object per journey touched. */
@FunctionalInterface
public interface JourneyHook {
    JourneyHook NONE = (event, user) -> List.of();

    List<ObjectNode> onEvent(Event event, UserProfile user);

    /** Once per batch, as triggers are: picks up changed journeys. */
    default void refresh() {
    }
}
