package io.nudge.ingest;

import io.nudge.validation.InvalidInputException;
import java.util.List;

/** What happened to a posted batch: accepted and duplicate counts, and each bad item by index. */
public record IngestResult(int accepted, int duplicates, List<Rejected> rejected, List<String> acceptedIds) {
    public IngestResult {
        rejected = List.copyOf(rejected);
        acceptedIds = List.copyOf(acceptedIds);
    }

    public record Rejected(int index, InvalidInputException error) {}
}
