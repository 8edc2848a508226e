package io.nudge.campaigns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.scheduling.ScheduleExpression;
import io.nudge.scheduling.ScheduleRequest;
import io.nudge.scheduling.Scheduler;
import io.nudge.segments.SegmentService;
import io.nudge.store.DefinitionStore;
import io.nudge.validation.InvalidInputException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Saving, reading and deleting campaigns, keeping each one's EventBridge Scheduler schedule in step (an enabled
 * campaign with a schedule has one; disabling or deleting removes it), and starting runs.
 */
public final class CampaignService {
    public static final String KIND = "campaign";
    /** EventBridge Scheduler substitutes this context attribute in the input with the scheduled fire time. */
    public static final String SCHEDULED_TIME = "<aws.scheduler.scheduled-time>";
    private static final String NAME_PREFIX = "nudge-campaign-";
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_.:+-]{1,128}");

    private final DefinitionStore store;
    private final Scheduler scheduler;
    private final CampaignRunner runner;
    private final Clock clock;

    public CampaignService(DefinitionStore store, Scheduler scheduler, CampaignRunner runner, Clock clock) {
        this.store = store;
        this.scheduler = scheduler;
        this.runner = runner;
        this.clock = clock;
    }

    public record Saved(ObjectNode document, boolean created) {}

    public Saved put(String id, JsonNode body) {
        CampaignDefinition campaign = CampaignParser.parse(id, body, this::templateChannel,
                segment -> store.find(SegmentService.KIND, segment).isPresent());
        campaign.topic().ifPresent(topic -> new io.nudge.definitions.DefinitionService(store, clock).requireTopic(topic, campaign.channel(), "/topic"));
        ObjectNode doc = CampaignParser.toJson(campaign);
        boolean created = store.put(KIND, id, doc, clock.instant());
        Optional<ScheduleRequest> schedule = scheduleFor(campaign);
        if (schedule.isPresent()) {
            scheduler.upsert(schedule.get());
        } else {
            scheduler.delete(scheduleName(id));
        }
        return new Saved(doc, created);
    }

    public Optional<ObjectNode> get(String id) {
        return store.find(KIND, id).map(DefinitionStore.Stored::document);
    }

    public Optional<CampaignDefinition> find(String id) {
        return store.find(KIND, id).map(s -> CampaignParser.fromStored(s.id(), s.document()));
    }

    public List<ObjectNode> list() {
        return store.list(KIND).stream().map(DefinitionStore.Stored::document).toList();
    }

    public boolean delete(String id) {
        boolean existed = store.delete(KIND, id);
        scheduler.delete(scheduleName(id));
        return existed;
    }

    /** The run now started; empty when there is no such campaign. A run id already used creates nothing twice. */
    public Optional<String> run(String id, Optional<String> runId) {
        Optional<CampaignDefinition> campaign = find(id);
        if (campaign.isEmpty()) {
            return Optional.empty();
        }
        if (!campaign.get().enabled()) {
            throw new InvalidInputException("campaign_disabled", "id", "campaign " + id + " is disabled; enable it to run it");
        }
        String run = runId.orElseGet(() -> "manual-" + UUID.randomUUID());
        if (!RUN_ID.matcher(run).matches()) {
            throw InvalidInputException.invalid("/runId", "/runId must be 1-128 characters of A-Z, a-z, 0-9 and _ . : + -");
        }
        runner.start(new CampaignRunner.Request(id, run));
        return Optional.of(run);
    }

    static boolean validRunId(String runId) {
        return RUN_ID.matcher(runId).matches();
    }

    /** The schedule an enabled campaign with a schedule has; a one-time at() deletes itself after it ran. */
    public static Optional<ScheduleRequest> scheduleFor(CampaignDefinition campaign) {
        if (!campaign.enabled() || campaign.schedule().isEmpty()) {
            return Optional.empty();
        }
        CampaignDefinition.Schedule schedule = campaign.schedule().get();
        ObjectNode input = Json.object().put("campaignId", campaign.id()).put("runId", SCHEDULED_TIME);
        return Optional.of(new ScheduleRequest(scheduleName(campaign.id()), schedule.expression(), schedule.timezone(),
                ScheduleRequest.Target.RUN_CAMPAIGN, Json.write(input), ScheduleExpression.parse(schedule.expression()).oneTime()));
    }

    /** nudge-campaign-<id>, or a hash of the id when that would pass Scheduler's 64 characters. */
    public static String scheduleName(String campaignId) {
        String name = NAME_PREFIX + campaignId;
        return name.length() <= 64 ? name : NAME_PREFIX + Ids.derive("campaign-schedule", campaignId);
    }

    private Optional<Channel> templateChannel(String templateId) {
        return store.find(DefinitionStore.TEMPLATE, templateId).flatMap(t -> Channel.fromWire(t.document().path("channel").asText()));
    }
}
