package io.nudge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.campaigns.CampaignDefinition;
import io.nudge.campaigns.CampaignParser;
import io.nudge.campaigns.CampaignService;
import io.nudge.json.Json;
import io.nudge.stats.StatsReport;
import io.nudge.stats.StatsStore;
import io.nudge.stats.Subject;
import io.nudge.store.DefinitionStore;
import io.nudge.validation.InvalidInputException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every trigger's and campaign's counts over a range of days, with a row for every day (zeros included), and the
 * subjects with the worst bounce and complaint rates. Reads: the two definition lists, then one Stats query per
 * trigger and one per campaign arm.
 */
final class StatsOverview {
    static final int MAX_DAYS = 366;

    private StatsOverview() {}

    private record Row(String kind, String id, JsonNode document, Map<LocalDate, Map<String, Long>> days, Map<String, Long> totals) {}

    static ObjectNode build(DefinitionStore definitions, StatsStore stats, LocalDate from, LocalDate to) {
        if (from.plusDays(MAX_DAYS - 1).isBefore(to)) {
            throw InvalidInputException.invalid("from", "the range may span at most " + MAX_DAYS + " days");
        }
        List<Row> triggers = new ArrayList<>();
        for (DefinitionStore.Stored trigger : definitions.list(DefinitionStore.TRIGGER)) {
            triggers.add(row("trigger", trigger, List.of(Subject.trigger(trigger.id())), stats, from, to));
        }
        List<Row> campaigns = new ArrayList<>();
        for (DefinitionStore.Stored campaign : definitions.list(CampaignService.KIND)) {
            List<Subject> arms = arms(campaign).stream().map(arm -> Subject.campaignArm(campaign.id(), arm)).toList();
            campaigns.add(row("campaign", campaign, arms, stats, from, to));
        }
        ObjectNode json = Json.object();
        json.put("from", from.toString());
        json.put("to", to.toString());
        ArrayNode t = json.putArray("triggers");
        triggers.forEach(row -> {
            ObjectNode node = subject(row, from, to);
            node.put("enabled", row.document().path("enabled").asBoolean(true));
            t.add(node);
        });
        ArrayNode c = json.putArray("campaigns");
        campaigns.forEach(row -> c.add(subject(row, from, to)));
        List<Row> all = new ArrayList<>(triggers);
        all.addAll(campaigns);
        ObjectNode worst = json.putObject("worst");
        worst(all, "bounced", "sent").ifPresent(w -> worst.set("bounce", w));
        worst(all, "complained", "delivered").ifPresent(w -> worst.set("complaint", w));
        return json;
    }

    /** Variants and holdout as the campaign report reads them; a stored campaign no longer valid counts its holdout only. */
    private static List<String> arms(DefinitionStore.Stored campaign) {
        try {
            return CampaignParser.fromStored(campaign.id(), campaign.document()).arms();
        } catch (InvalidInputException stale) {
            List<String> arms = new ArrayList<>();
            campaign.document().path("variants").forEach(v -> {
                if (v.path("id").isTextual()) {
                    arms.add(v.get("id").textValue());
                }
            });
            arms.add(CampaignDefinition.HOLDOUT);
            return arms;
        }
    }

    private static Row row(String kind, DefinitionStore.Stored stored, List<Subject> subjects, StatsStore stats, LocalDate from, LocalDate to) {
        Map<LocalDate, Map<String, Long>> days = new TreeMap<>();
        Map<String, Long> totals = new HashMap<>();
        for (Subject subject : subjects) {
            for (StatsStore.DayCounts day : stats.read(subject, from, to)) {
                day.counts().forEach((k, v) -> {
                    days.computeIfAbsent(day.day(), d -> new HashMap<>()).merge(k, v, Long::sum);
                    totals.merge(k, v, Long::sum);
                });
            }
        }
        return new Row(kind, stored.id(), stored.document(), days, totals);
    }

    private static ObjectNode subject(Row row, LocalDate from, LocalDate to) {
        ObjectNode json = Json.object();
        json.put("id", row.id());
        if (row.document().path("name").isTextual()) {
            json.put("name", row.document().get("name").textValue());
        }
        json.put("channel", row.document().path("channel").asText());
        json.set("totals", StatsReport.countsOf(row.totals()));
        json.set("rates", StatsReport.ratesOf(row.totals()));
        ArrayNode days = json.putArray("days");
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            Map<String, Long> counts = row.days().getOrDefault(day, Map.of());
            ObjectNode d = days.addObject();
            d.put("day", day.toString());
            d.set("counts", StatsReport.countsOf(counts));
            d.set("rates", StatsReport.ratesOf(counts));
        }
        return json;
    }

    /** The highest part/whole among subjects with whole ≥ 1; ties go to the one with more sent. */
    private static java.util.Optional<ObjectNode> worst(List<Row> rows, String part, String whole) {
        Row worst = null;
        double worstRate = -1;
        for (Row row : rows) {
            long of = row.totals().getOrDefault(whole, 0L);
            if (of < 1) {
                continue;
            }
            double rate = (double) row.totals().getOrDefault(part, 0L) / of;
            if (rate > worstRate || rate == worstRate && sent(row) > sent(worst)) {
                worst = row;
                worstRate = rate;
            }
        }
        if (worst == null) {
            return java.util.Optional.empty();
        }
        String rateName = part.equals("bounced") ? "bounce" : "complaint";
        ObjectNode json = Json.object();
        json.put("kind", worst.kind());
        json.put("id", worst.id());
        json.put("rate", StatsReport.ratesOf(worst.totals()).get(rateName).asDouble());
        json.put("sent", sent(worst));
        if (whole.equals("delivered")) {
            json.put("delivered", worst.totals().getOrDefault("delivered", 0L));
        }
        return java.util.Optional.of(json);
    }

    private static long sent(Row row) {
        return row == null ? -1 : row.totals().getOrDefault("sent", 0L);
    }
}
