package io.nudge.ingest;

import java.util.List;

/**
 * What happened to a {@code POST /v1/track}: entries of {@code /users} applied and refused by index, and the events as
 * {@link IngestResult} tallies them (a user carried by an event is reported with its event).
 */
public record TrackResult(int usersAccepted, List<IngestResult.Rejected> usersRejected, IngestResult events) {
    public TrackResult {
        usersRejected = List.copyOf(usersRejected);
    }
}
