package io.nudge.campaigns;

import static io.nudge.store.AttributeValues.n;
import static io.nudge.store.AttributeValues.s;

import io.nudge.model.Event;
import io.nudge.stats.StatsStore;
import io.nudge.stats.Subject;
import io.nudge.store.DefinitionStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Goal conversions per arm, holdout included: run-campaign writes a {@link CampaignAssignments} goal record (arm, run,
 * window) for every assigned user of a campaign with a goal; when evaluate-triggers sees the goal event inside the
 * window, one conditional update marks it converted and counts {@code goal_converted} for the user's arm — once per
 * run, whether or not a message was sent, so variants and holdout are measured the same way.
 */
public final class GoalConversions {
    public static final String COUNTER = "goal_converted";
    private final DefinitionStore definitions;
    private final DynamoDbClient dynamo;
    private final String stateTable;
    private final StatsStore stats;
    private final Clock clock;
    private volatile Map<String, List<CampaignDefinition>> byGoalEvent = Map.of();
    private volatile long version = -1;

    public GoalConversions(DefinitionStore definitions, DynamoDbClient dynamo, String stateTable, StatsStore stats, Clock clock) {
        this.definitions = definitions;
        this.dynamo = dynamo;
        this.stateTable = stateTable;
        this.stats = stats;
        this.clock = clock;
    }

    public void refresh() {
        long current = definitions.version();
        if (current == version) {
            return;
        }
        Map<String, List<CampaignDefinition>> index = new HashMap<>();
        for (DefinitionStore.Stored stored : definitions.list(CampaignService.KIND)) {
            CampaignDefinition c = CampaignParser.fromStored(stored.id(), stored.document());
            c.goal().ifPresent(g -> index.computeIfAbsent(g.event(), e -> new ArrayList<>()).add(c));
        }
        byGoalEvent = Map.copyOf(index);
        version = current;
    }

    public void record(Event event) {
        for (CampaignDefinition campaign : byGoalEvent.getOrDefault(event.name(), List.of())) {
            long at = event.timestamp().toEpochMilli();
            try {
                var updated = dynamo.updateItem(UpdateItemRequest.builder().tableName(stateTable)
                        .key(Map.of("pk", s(CampaignAssignments.goalKey(campaign.id(), event.userId()))))
                        .updateExpression("SET convertedAt = :t")
                        .conditionExpression("attribute_exists(pk) AND attribute_not_exists(convertedAt) AND #from <= :t AND #until >= :t")
                        .expressionAttributeNames(Map.of("#from", "from", "#until", "until"))
                        .expressionAttributeValues(Map.of(":t", n(at)))
                        .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_NEW).build());
                String arm = updated.attributes().get("arm").s();
                stats.increment(Subject.campaignArm(campaign.id(), arm), campaign.channel(), clock.instant(), COUNTER);
            } catch (ConditionalCheckFailedException notAssignedOrOutsideWindowOrCounted) {
                // nothing to count
            }
        }
    }
}
