package io.nudge.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.nudge.definitions.DefinitionService;
import io.nudge.json.Json;
import io.nudge.validation.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads a folder of definitions at start: templates/*.json first (triggers and journeys refer to them), then
 * triggers/*.json and journeys/*.json. The file name is the id. Each file goes through the same validation as the API.
 */
final class DefinitionsLoader {
    private DefinitionsLoader() {}

    record Loaded(int templates, int triggers, int journeys, List<String> errors) {}

    static Loaded load(Path folder, DefinitionService definitions) throws IOException {
        return load(folder, definitions, null, null);
    }

    /**
     * Also segments/*.json, after templates and before triggers (a trigger may test segment membership), and
     * journeys/*.json after triggers when {@code journeys} is given (a journey whose document is unchanged keeps its version).
     */
    static Loaded load(Path folder, DefinitionService definitions, io.nudge.segments.SegmentService segments,
            io.nudge.journey.JourneyService journeys) throws IOException {
        List<String> errors = new ArrayList<>();
        int templates = 0;
        int triggers = 0;
        for (Path file : jsonFiles(folder.resolve("templates"))) {
            if (apply(file, errors, (id, doc) -> definitions.putTemplate(id, doc))) {
                templates++;
            }
        }
        for (Path file : segments == null ? List.<Path>of() : jsonFiles(folder.resolve("segments"))) {
            apply(file, errors, (id, doc) -> segments.put(id, doc));
        }
        for (Path file : jsonFiles(folder.resolve("triggers"))) {
            if (apply(file, errors, (id, doc) -> definitions.putTrigger(id, doc))) {
                triggers++;
            }
        }
        int journeyCount = 0;
        for (Path file : journeys == null ? List.<Path>of() : jsonFiles(folder.resolve("journeys"))) {
            if (apply(file, errors, (id, doc) -> journeys.put(id, doc))) {
                journeyCount++;
            }
        }
        return new Loaded(templates, triggers, journeyCount, errors);
    }

    /** campaigns/*.json (after segments and templates); saving one also creates its schedule. @return how many loaded */
    static int loadCampaigns(Path folder, io.nudge.campaigns.CampaignService campaigns) throws IOException {
        List<String> errors = new ArrayList<>();
        int loaded = 0;
        for (Path file : jsonFiles(folder.resolve("campaigns"))) {
            if (apply(file, errors, (id, doc) -> campaigns.put(id, doc))) {
                loaded++;
            }
        }
        errors.forEach(e -> System.err.println("nudge: skipped definition: " + e));
        return loaded;
    }

    private interface Put {
        void put(String id, JsonNode doc);
    }

    private static boolean apply(Path file, List<String> errors, Put put) {
        String name = file.getFileName().toString();
        String id = name.substring(0, name.length() - ".json".length());
        try {
            put.put(id, Json.parse(Files.readString(file)));
            return true;
        } catch (InvalidInputException e) {
            errors.add(file + ": " + e.getMessage() + (e.field() == null ? "" : " (field " + e.field() + ")"));
        } catch (IOException e) {
            errors.add(file + ": " + e.getMessage());
        }
        return false;
    }

    private static List<Path> jsonFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }
}
