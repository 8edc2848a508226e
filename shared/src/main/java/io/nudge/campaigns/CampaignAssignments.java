package io.nudge.campaigns;

import static io.nudge.store.AttributeValues.s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.privacy.Person;
import io.nudge.privacy.PersonalRecords;
import io.nudge.store.AttributeValues;
import io.nudge.store.DefinitionStore;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * Which arm a campaign run put a user in, in the State table: the holdout's record {@code assign#<campaign>#<run>#<user>}
 * (written by {@link CampaignRunService}; users outside the holdout have their message instead) and, for a campaign with
 * a goal, {@code campaignuser#<campaign>#<user>} (arm, run, goal window; read by {@link GoalConversions}). The key
 * layout lives here only.
 */
public final class CampaignAssignments implements PersonalRecords {
    private static final String HOLDOUT = "assign";
    private static final String GOAL = "campaignuser";

    private final DynamoDbClient dynamo;
    private final String stateTable;
    private final DefinitionStore definitions;

    public CampaignAssignments(DynamoDbClient dynamo, String stateTable, DefinitionStore definitions) {
        this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
        this.stateTable = Objects.requireNonNull(stateTable, "stateTable");
        this.definitions = Objects.requireNonNull(definitions, "definitions");
    }

    static String holdoutKey(String campaignId, String runId, String userId) {
        return HOLDOUT + "#" + campaignId + "#" + runId + "#" + userId;
    }

    static String goalKey(String campaignId, String userId) {
        return GOAL + "#" + campaignId + "#" + userId;
    }

    @Override
    public String name() {
        return "campaignAssignments";
    }

    /** The export has shown it at the top level since before {@code records} existed. */
    @Override
    public Placement placement() {
        return Placement.TOP_LEVEL;
    }

    @Override
    public Set<String> statePrefixes() {
        return Set.of(HOLDOUT, GOAL);
    }

    /** The goal record of each campaign defined now (arm, run, window, conversion); an empty list when none. */
    @Override
    public Optional<JsonNode> export(Person person, Instant now) {
        ArrayNode assignments = Json.MAPPER.createArrayNode();
        for (DefinitionStore.Stored campaign : definitions.list(CampaignService.KIND)) {
            Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(stateTable)
                    .key(Map.of("pk", s(goalKey(campaign.id(), person.userId())))).consistentRead(true).build()).item();
            if (item != null && !item.isEmpty()) {
                ObjectNode a = assignments.addObject().put("campaignId", campaign.id());
                item.forEach((name, value) -> {
                    if (!name.equals("pk") && !name.equals("expiresAt")) {
                        a.set(name, AttributeValues.toJson(value));
                    }
                });
            }
        }
        return Optional.of(assignments);
    }

    @Override
    public Erased erase(Person person, Instant now) {
        return new Erased.Kept("an arm and run times, no personal field; each arm's counts stay");
    }
}
