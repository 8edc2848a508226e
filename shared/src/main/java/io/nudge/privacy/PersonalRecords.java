package io.nudge.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * One kind of stored record that can name a user, offered by the class that writes it (and alone knows its keys):
 * {@link PersonalData} asks every owner it was given, so a new kind of record is erased and exported by adding its
 * owner to that list. {@code StateRecordsTest} fails when the State table holds a key prefix no owner declares.
 */
public interface PersonalRecords {
    /** Its name in erasure's {@code erased.records} and its field in the export. */
    String name();

    /** Where the export shows it: most under {@code records}; a few at the top level, as the API has always shown them. */
    default Placement placement() {
        return Placement.RECORDS;
    }

    /** The State-table key prefixes (the text before the first {@code #}) of the records this owner writes. */
    Set<String> statePrefixes();

    /** What is stored about the person, as the export shows it; empty when the export shows nothing. */
    Optional<JsonNode> export(Person person, Instant now);

    /** Deletes the person's records, or says why they stay. */
    Erased erase(Person person, Instant now);

    enum Placement {
        RECORDS,
        TOP_LEVEL
    }

    /** What erasure did with one owner's records. */
    sealed interface Erased {
        /** {@code count} records were deleted (0: there were none, or none left). */
        record Deleted(int count) implements Erased {
            public Deleted {
                if (count < 0) {
                    throw new IllegalArgumentException("count must be at least 0: " + count);
                }
            }
        }

        /** Kept on purpose: they hold no personal field, and removing them would change counts. */
        record Kept(String why) implements Erased {}
    }
}
