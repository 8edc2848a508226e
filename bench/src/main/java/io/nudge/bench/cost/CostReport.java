package io.nudge.bench.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.bench.Bench;
import io.nudge.bench.report.Chart;
import io.nudge.bench.report.Machine;
import io.nudge.bench.report.Markdown;
import io.nudge.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** cost.md, cost.png and cost.json (the units e2e reads) from the measured units and bench/prices.json. */
final class CostReport {
    /** AWS batch sizes of the stream mappings in template.yaml (evaluate-triggers and schedule-sends 100, deliver 10). */
    static final int EVALUATE_BATCH = 100;
    static final int DELIVER_BATCH = 10;
    static final int INGEST_EVENTS_PER_REQUEST = 10;

    private CostReport() {}

    record Price(double read, double write, double lambdaGbSecond, double lambdaRequest, double lambdaGb, double httpApiRequest,
            double email, double sms, double scheduler) {
        static Price of(JsonNode p) {
            return new Price(p.at("/dynamodb/readRequestUnitsPerMillion").asDouble() / 1e6,
                    p.at("/dynamodb/writeRequestUnitsPerMillion").asDouble() / 1e6,
                    p.at("/lambda/arm64PerGbSecond").asDouble(), p.at("/lambda/requestsPerMillion").asDouble() / 1e6,
                    p.at("/lambda/memoryMb").asDouble() / 1024.0, p.at("/apiGatewayHttp/requestsPerMillion").asDouble() / 1e6,
                    p.at("/ses/emailsPerThousand").asDouble() / 1e3,
                    p.at("/sms/usPerMessagePart").asDouble() + p.at("/sms/usCarrierFeePerMessagePart").asDouble(),
                    p.at("/scheduler/invocationsPerMillion").asDouble() / 1e6);
        }

        double dynamo(double rcu, double wcu) {
            return rcu * read + wcu * write;
        }

        /** One invocation of {@code ms}, at the configured memory. */
        double lambda(double ms) {
            return lambdaRequest + ms / 1000.0 * lambdaGb * lambdaGbSecond;
        }
    }

    static void write(Bench.Options options, Map<String, CostRun.Unit> units, Map<String, CostRun.Unit> lean, CostRun.Timings timings,
            JsonNode prices, boolean feedbackBuilt) {
        Price price = Price.of(prices);
        Markdown md = new Markdown().h1("DynamoDB cost per unit of work, and the cost table");
        md.p("Command: `bench/run cost" + (options.quick() ? " --quick" : "") + "`. Machine: " + Machine.describe() + ". Prices: "
                + "`bench/prices.json` (checked " + prices.path("checked").asText() + ", " + prices.path("region").asText() + ").");
        md.p("How: the production handlers (ingest-api, evaluate-triggers, deliver, schedule-sends) run in this process over "
                + "DynamoDB Local, on tables made by TableDefinitions (the template's keys and indexes), with an SDK "
                + "`ExecutionInterceptor` (`bench/…/cost/CapacityMeter`, added through the new "
                + "`AwsClients.dynamoDbAt(endpoint, env, interceptors)`) that sets `ReturnConsumedCapacity=INDEXES` on every call "
                + "and adds up what DynamoDB reports, per call, table and index. DynamoDB Local applies DynamoDB's rules (1 WCU per KB "
                + "written and per index the write touches, 1 RCU per 4 KB strongly consistent read, 0.5 eventually consistent); a "
                + "conditional write that fails reports nothing but is charged, so it is counted as 1 WCU (the minimum). Each unit "
                + "of work is repeated and averaged; SES is a stub that accepts. Measured in-process rather than through the "
                + "local runner so that nothing the runner does in the background (stream checkpoints, the sweep, the local "
                + "scheduler's polling) is counted as the unit's, and without changing the runner. DynamoDB Streams reads by "
                + "Lambda are free.");
        md.h2("Read and write units per unit of work");
        List<List<String>> rows = new ArrayList<>();
        for (CostRun.Unit unit : units.values()) {
            Map<String, double[]> phases = new java.util.LinkedHashMap<>();
            for (CapacityMeter.Call call : unit.calls()) {
                double[] v = phases.computeIfAbsent(call.phase().isEmpty() ? "ingest-api" : call.phase(), k -> new double[2]);
                v[0] += call.read() / unit.units();
                v[1] += call.write() / unit.units();
            }
            String split = phases.size() <= 1 ? "" : phases.entrySet().stream()
                    .map(e -> e.getKey() + " " + Markdown.num(e.getValue()[0]) + " R / " + Markdown.num(e.getValue()[1]) + " W")
                    .collect(Collectors.joining("; "));
            rows.add(List.of(unit.title(), "**" + Markdown.num(unit.read()) + "**", "**" + Markdown.num(unit.write()) + "**",
                    Markdown.num(unit.callsPerUnit()), split));
        }
        rows.add(List.of("a feedback notification (bounce, complaint, delivery)", "—", "—", "—", feedbackBuilt
                ? "io.nudge.feedback exists in this build but is not driven by this benchmark yet"
                : "skipped: process-feedback (`io.nudge.feedback`) is not in this build; it is being built"));
        rows.add(List.of("a campaign recipient (conditional put per recipient)", "—", "—", "—", "not built yet (campaigns are a later issue)"));
        md.table(List.of("unit of work", "read units", "write units", "DynamoDB calls", "by function"), rows);

        CostRun.Unit message = units.get("immediate.marketing");
        CostRun.Unit ingestBatch = units.get("ingest.batch");
        CostRun.Unit ingestSingle = units.get("ingest.single");
        md.h2("Every unit of a delivered immediate email (marketing trigger), named");
        md.p("Per message, averaged over " + message.units() + " messages delivered in batches of 10 (per-batch reads such as the "
                + "definitions version are spread over the batch). The index column shows where the write units go: `table` is "
                + "the item itself, the rest are the Messages table's global secondary indexes, which are projected ALL, so every "
                + "status change that touches an index attribute rewrites the whole item in that index too.");
        md.table(List.of("function", "table", "call", "calls/msg", "RCU", "WCU", "where the units go", "why", "verdict"), unitLines(message));
        md.h2("Targets");
        double ingestWcu = Math.max(ingestBatch.write(), ingestSingle.write());
        List<List<String>> targets = List.of(
                List.of("ingest: exactly 1 write unit per event under 1 KB", Markdown.num(ingestSingle.write()) + " WCU per event (1 per request), "
                        + Markdown.num(ingestBatch.write()) + " in batches of 10", Markdown.verdict(Math.abs(ingestWcu - CostRun.TARGET_INGEST_WCU) < 1e-9)),
                List.of("a delivered immediate message: ≤ 10 write units", Markdown.num(message.write()) + " WCU (marketing), "
                        + Markdown.num(units.get("immediate.transactional").write()) + " (transactional)", Markdown.verdict(message.write() <= CostRun.TARGET_MESSAGE_WCU)),
                List.of("a delivered immediate message: ≤ 3 read units", Markdown.num(message.read()) + " RCU (marketing), "
                        + Markdown.num(units.get("immediate.transactional").read()) + " (transactional)", Markdown.verdict(message.read() <= CostRun.TARGET_MESSAGE_RCU)));
        md.table(List.of("target", "measured", "verdict"), targets);
        CostRun.Unit leanMessage = lean.get("immediate.marketing");
        md.h2("What stands in the way, and what would cut it");
        md.p("The write units of a delivered message are mostly the Messages table's indexes: the message is written 4 times "
                + "(created READY, claimed SENDING, attemptAt stamped, SENT) and each write also rewrites the item in every "
                + "ALL-projected index it sits in — byUser always, pending while READY/SENDING, inFlight while SENDING. "
                + "Measured on the same code with byUser, pending and inFlight projected **KEYS_ONLY** (their readers — "
                + "the message list, cancels, the sweep — would then read the items by key, a rare path): **"
                + Markdown.num(leanMessage.write()) + " WCU and " + Markdown.num(leanMessage.read()) + " RCU** per delivered message "
                + "instead of " + Markdown.num(message.write()) + " and " + Markdown.num(message.read()) + ".");
        md.table(List.of("function", "table", "call", "calls/msg", "RCU", "WCU", "where the units go", "why", "verdict"), unitLines(leanMessage));
        double stats = 0;
        double evaluation = 0;
        double rates = 0;
        for (Map.Entry<String, double[]> line : CostRun.byCall(leanMessage).entrySet()) {
            if (line.getKey().contains("|Stats|")) {
                stats += line.getValue()[2];
            } else if (line.getKey().contains("|Events|") && line.getKey().contains("evaluation")) {
                evaluation += line.getValue()[2];
            } else if (line.getKey().contains("rate limit")) {
                rates += line.getValue()[2];
            }
        }
        double afterCuts = leanMessage.write() - stats * 0.9 - evaluation - rates;
        md.p("What else the table marks as a cut candidate, and what it would save per message: the stats counters (" + Markdown.num(stats)
                + " WCU; one ADD per trigger and counter per batch of 10 instead of per message saves 90%), the evaluation record "
                + "on the event (" + Markdown.num(evaluation) + " WCU; skip it when every candidate matched), the two shared rate-limit "
                + "counters (" + Markdown.num(rates) + " WCU; a per-instance token bucket), the strongly consistent user read in "
                + "evaluate (eventually consistent: −0.5 RCU). With the KEYS_ONLY indexes and those, a delivered marketing email would "
                + "take about " + Markdown.num(afterCuts) + " WCU and " + Markdown.num(leanMessage.read() - 0.5) + " RCU. These are changes to TableDefinitions and "
                + "template.yaml (the indexes), StatsStore, EventStore/EvaluateService and RateLimits: none is made here — the "
                + "template and EvaluateService/DeliverService are being changed by others now.");

        // Lambda
        md.h2("Lambda duration per invocation (measured in-process, at 1,024 MB)");
        md.p("Wall time of each handler call in this process against DynamoDB Local on this machine (the same JVM, after the "
                + "earlier units warmed it: warm invocations). On AWS each DynamoDB call takes a few milliseconds over the network "
                + "instead of ~1 ms to a local process, so real durations are longer for the functions that make many calls; the "
                + "cost table uses these measured durations.");
        List<List<String>> lambdaRows = new ArrayList<>();
        for (String function : timings.byFunction.keySet()) {
            double perRecord = timings.msPerRecord(function);
            lambdaRows.add(List.of("`" + function + "`", Markdown.num(timings.recordsPerInvocation(function)),
                    Markdown.num(timings.medianMs(function)), Markdown.num(perRecord),
                    Markdown.num(perRecord / 1000.0 * price.lambdaGb())));
        }
        md.table(List.of("function (work)", "records per invocation", "median ms per invocation", "ms per record", "GB-s per record"), lambdaRows);

        // cost table
        md.h2("Cost table (us-east-1, on-demand, no free tiers)");
        CostRun.Unit noMatch = units.get("evaluate.nomatch");
        double perEventDynamo = price.dynamo(ingestBatch.read() + noMatch.read(), ingestBatch.write() + noMatch.write());
        double perEventApi = price.httpApiRequest() / INGEST_EVENTS_PER_REQUEST;
        double perEventIngestLambda = price.lambda(timings.medianMs("ingest-api (batch of 10)")) / INGEST_EVENTS_PER_REQUEST;
        double perEventEvaluateLambda = lambdaPerRecord(price, timings, "evaluate-triggers (no trigger)", EVALUATE_BATCH);
        double perEvent = perEventDynamo + perEventApi + perEventIngestLambda + perEventEvaluateLambda;

        double msgDynamo = price.dynamo(message.read(), message.write());
        double msgEvaluate = lambdaPerRecord(price, timings, "evaluate-triggers (match)", EVALUATE_BATCH);
        double msgDeliver = lambdaPerRecord(price, timings, "deliver (marketing)", DELIVER_BATCH);
        double msgSes = price.email();
        double perEmail = msgDynamo + msgEvaluate + msgDeliver + msgSes;
        double triggeringEvent = price.dynamo(ingestBatch.read(), ingestBatch.write()) + perEventApi + perEventIngestLambda;
        CostRun.Unit delayed = units.get("delayed");
        double delayedDynamo = price.dynamo(delayed.read(), delayed.write());
        double delayedLambda = lambdaPerRecord(price, timings, "evaluate-triggers (delayed)", EVALUATE_BATCH)
                + lambdaPerRecord(price, timings, "schedule-sends (stream)", EVALUATE_BATCH)
                + lambdaPerRecord(price, timings, "schedule-sends (slot fired)", 10)
                + lambdaPerRecord(price, timings, "deliver (delayed)", DELIVER_BATCH);
        double leanDynamo = price.dynamo(leanMessage.read(), leanMessage.write());
        double million = 1e6;
        List<List<String>> cost = new ArrayList<>();
        cost.add(List.of("**1 million events** ingested (10 per request), no trigger matching", "", ""));
        cost.add(List.of("API Gateway HTTP API (100,000 requests)", Markdown.money(perEventApi * million), ""));
        cost.add(List.of("Lambda ingest-api (100,000 invocations)", Markdown.money(perEventIngestLambda * million), ""));
        cost.add(List.of("Lambda evaluate-triggers (batches of 100)", Markdown.money(perEventEvaluateLambda * million), ""));
        cost.add(List.of("DynamoDB (" + Markdown.num(ingestBatch.read() + noMatch.read()) + " RCU + " + Markdown.num(ingestBatch.write() + noMatch.write())
                + " WCU per event)", Markdown.money(perEventDynamo * million), ""));
        cost.add(List.of("**total per million events**", "**" + Markdown.money(perEvent * million) + "**", ""));
        cost.add(List.of("**1 million delivered emails** (immediate, marketing trigger)", "", ""));
        cost.add(List.of("SES ($0.10 per 1,000)", Markdown.money(msgSes * million), ""));
        cost.add(List.of("DynamoDB (" + Markdown.num(message.read()) + " RCU + " + Markdown.num(message.write()) + " WCU per message)",
                Markdown.money(msgDynamo * million), "with KEYS_ONLY indexes: " + Markdown.money(leanDynamo * million)));
        cost.add(List.of("Lambda evaluate-triggers + deliver (batches of 100 and 10)", Markdown.money((msgEvaluate + msgDeliver) * million), ""));
        cost.add(List.of("**total per million emails**", "**" + Markdown.money(perEmail * million) + "**",
                "Nudge's own share (without SES): " + Markdown.money((perEmail - msgSes) * million)));
        cost.add(List.of("… with the triggering event's ingest", Markdown.money((perEmail + triggeringEvent) * million), ""));
        cost.add(List.of("**1 million delayed emails** (1 h delay)", Markdown.money((delayedDynamo + delayedLambda + msgSes) * million),
                "+ EventBridge Scheduler: one invocation per 1-minute slot, at most 43,200 a month (" + Markdown.money(43_200 * price.scheduler())
                        + " a month, inside the 14 M free), whatever the volume"));
        cost.add(List.of("**1 million SMS** (US, 1 part; example price)", Markdown.money((msgDynamo + msgEvaluate + msgDeliver + price.sms()) * million),
                "SMS price per part " + Markdown.money(price.sms()) + " dominates"));
        md.table(List.of("item", "cost", "note"), cost);
        md.h2("The same volume elsewhere (public prices only)");
        List<List<String>> vendors = new ArrayList<>();
        vendors.add(List.of("Nudge on AWS (this table)", Markdown.money(perEmail * million) + " per million emails",
                "pay-per-use; no per-profile fee; SES's $100 is most of it"));
        for (JsonNode vendor : prices.path("vendors")) {
            vendors.add(List.of(vendor.path("name").asText(), Markdown.money(vendor.path("emailsPerThousand").asDouble() * 1000)
                    + " per million emails (overage rate)", "plus the plan fee and " + Markdown.money(vendor.path("profileOverage").asDouble())
                    + " per profile over the plan; source: " + vendor.path("source").asText()));
        }
        List<String> without = new ArrayList<>();
        prices.path("vendorsWithoutPublicPrices").forEach(v -> without.add(v.asText()));
        vendors.add(List.of(String.join(", ", without), "no public price", "omitted"));
        md.table(List.of("who", "emails", "note"), vendors);
        md.image("chart", "cost.png");
        md.write(options.out().resolve("cost.md"));

        Chart chart = new Chart("DynamoDB units per unit of work (" + Machine.cpuModel() + ")");
        List<Chart.Bar> writes = new ArrayList<>();
        List<Chart.Bar> reads = new ArrayList<>();
        for (CostRun.Unit unit : units.values()) {
            writes.add(Chart.Bar.of(shortTitle(unit.key()), unit.write(), Markdown.num(unit.write()) + " WCU"));
            reads.add(new Chart.Bar(shortTitle(unit.key()), unit.read(), Markdown.num(unit.read()) + " RCU", 1));
        }
        writes.add(new Chart.Bar("immediate email, KEYS_ONLY indexes", leanMessage.write(), Markdown.num(leanMessage.write()) + " WCU", 2));
        reads.add(new Chart.Bar("immediate email, KEYS_ONLY indexes", leanMessage.read(), Markdown.num(leanMessage.read()) + " RCU", 2));
        chart.panel(Chart.Panel.of("write units", writes).withTarget(CostRun.TARGET_MESSAGE_WCU, "message target ≤ 10"));
        chart.panel(Chart.Panel.of("read units", reads).withTarget(CostRun.TARGET_MESSAGE_RCU, "message target ≤ 3"));
        chart.write(options.out().resolve("cost.png"));

        ObjectNode json = Json.object();
        units.forEach((key, unit) -> json.putObject(key).put("read", unit.read()).put("write", unit.write()).put("calls", unit.callsPerUnit())
                .put("writeCalls", unit.calls().stream().filter(c -> c.write() > 0).count() / (double) unit.units()));
        try {
            Files.writeString(options.out().resolve("cost.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println(md);
    }

    private static String shortTitle(String key) {
        return switch (key) {
            case "ingest.single" -> "ingest, 1 event per request";
            case "ingest.batch" -> "ingest, 10 events per request";
            case "user.upsert" -> "new user (PUT)";
            case "evaluate.nomatch" -> "evaluate, no trigger";
            case "evaluate.unknown" -> "evaluate, no trigger, new user";
            case "immediate.marketing" -> "immediate email, marketing";
            case "immediate.transactional" -> "immediate email, transactional";
            case "delayed" -> "delayed email";
            default -> key;
        };
    }

    private static double lambdaPerRecord(Price price, CostRun.Timings timings, String function, int recordsPerInvocation) {
        double msPerRecord = timings.msPerRecord(function);
        if (Double.isNaN(msPerRecord)) {
            return 0;
        }
        return price.lambdaRequest() / recordsPerInvocation + msPerRecord / 1000.0 * price.lambdaGb() * price.lambdaGbSecond();
    }

    private static List<List<String>> unitLines(CostRun.Unit unit) {
        Map<String, double[]> lines = CostRun.byCall(unit);
        Map<String, Map<String, Double>> split = CostRun.indexSplit(unit);
        List<List<String>> rows = new ArrayList<>();
        List<String> order = List.of("evaluate", "schedule", "release", "deliver");
        lines.entrySet().stream()
                .sorted((a, b) -> Integer.compare(order.indexOf(a.getKey().split("\\|")[0]), order.indexOf(b.getKey().split("\\|")[0])))
                .forEach(e -> {
                    String[] k = e.getKey().split("\\|", -1);
                    String[] why = justify(k[0], k[1], k[2], k[3]);
                    String where = split.getOrDefault(e.getKey(), Map.of()).entrySet().stream()
                            .filter(s -> s.getValue() > 0).map(s -> s.getKey() + " " + Markdown.num(s.getValue()))
                            .collect(Collectors.joining(", "));
                    rows.add(List.of(k[0], k[1], k[2] + ": " + k[3], Markdown.num(e.getValue()[0]), Markdown.num(e.getValue()[1]),
                            Markdown.num(e.getValue()[2]), where, why[0], why[1]));
                });
        double[] totals = new double[3];
        lines.values().forEach(v -> {
            totals[0] += v[0];
            totals[1] += v[1];
            totals[2] += v[2];
        });
        rows.add(List.of("**total**", "", "", Markdown.num(totals[0]), "**" + Markdown.num(totals[1]) + "**", "**" + Markdown.num(totals[2]) + "**", "", "", ""));
        return rows;
    }

    /** Why a call is made, and whether it could go. */
    static String[] justify(String phase, String table, String operation, String what) {
        if (table.equals("Definitions")) {
            return new String[] {"definitions version check, once per batch per cache (evaluate: triggers; deliver: templates, triggers)",
                "needed; per batch, not per message"};
        }
        if (table.equals("Users") && operation.equals("GetItem")) {
            return phase.equals("deliver")
                    ? new String[] {"address, consent and locale as they are at send time", "needed"}
                    : new String[] {"the profile the conditions and the message context read; strongly consistent", "cut candidate: eventually consistent read (−0.5 RCU)"};
        }
        if (table.equals("Users") && operation.equals("PutItem")) {
            return new String[] {"a bare profile for a user first seen in an event", "needed once per new user"};
        }
        if (table.equals("Messages") && operation.equals("PutItem")) {
            return new String[] {"the message, written once, conditional on its id (trigger + event): a replayed record creates nothing twice",
                "needed; its index writes go with KEYS_ONLY indexes"};
        }
        if (table.equals("Messages") && what.contains("SENDING")) {
            return new String[] {"the claim READY → SENDING: at most once to the provider; enters the sweep's inFlight index", "needed"};
        }
        if (table.equals("Messages") && what.contains("attemptAt")) {
            return new String[] {"attemptAt (+ address, subject) just before the provider call: a crash after it is UNKNOWN, never resent",
                "needed (invariant 2); index rewrites go with KEYS_ONLY"};
        }
        if (table.equals("Messages") && what.contains("SENT")) {
            return new String[] {"SENT + provider id; leaves pending and inFlight, enters byProviderId (feedback lookup)", "needed"};
        }
        if (table.equals("Messages") && what.contains("READY")) {
            return new String[] {"the slot fired: SCHEDULED → READY", "needed"};
        }
        if (table.equals("Messages") && operation.equals("Query")) {
            return new String[] {"the fired slot's messages, one query per shard (8)", "needed; per slot, not per message"};
        }
        if (table.equals("Stats")) {
            return new String[] {"daily per-trigger '" + what.replace("update stats counter: counter ", "") + "' counter (stats API), sharded",
                "cut candidate: one ADD per trigger and counter per batch instead of per message"};
        }
        if (table.equals("Events") && what.contains("evaluation")) {
            return new String[] {"why each candidate trigger matched or not (GET /v1/events/{id}); rewrites the event item",
                "cut candidate: skip when every candidate matched (the message says why)"};
        }
        if (table.equals("Events") && operation.equals("PutItem")) {
            return new String[] {"the event, conditional on its id (idempotent ingest)", "needed"};
        }
        if (table.equals("State") && what.contains("frequency cap") && operation.equals("GetItem")) {
            return new String[] {"the user's marketing sends of the last 24 h (frequency caps)", "needed for caps (marketing only)"};
        }
        if (table.equals("State") && what.contains("frequency cap")) {
            return new String[] {"reserves this send in the user's 24 h window, conditional on the version read", "needed for caps (marketing only)"};
        }
        if (table.equals("State") && what.contains("rate limit")) {
            return new String[] {"shared provider-quota counter (" + (what.contains("day") ? "daily" : "per second") + ") so all instances together keep SES's rate",
                "cut candidate: per-instance token bucket (rate ÷ concurrency)"};
        }
        if (table.equals("Suppressions")) {
            return new String[] {"is the address suppressed (eventually consistent)", "needed"};
        }
        if (table.equals("ApiKeys")) {
            return new String[] {"the API key, once per request", "cut candidate: cache keys per instance for a minute"};
        }
        if (table.equals("Slots") && what.contains("condition failed")) {
            return new String[] {"every SCHEDULED message tries to claim its slot; all but the first lose (still charged)",
                "cut candidate: remember claimed slots per instance"};
        }
        if (table.equals("Slots") && operation.equals("GetItem")) {
            return new String[] {"after losing the claim: is the slot scheduled yet", "cut candidate: as above"};
        }
        if (table.equals("Slots")) {
            return new String[] {"the slot record: elects the single CreateSchedule caller, then marks it scheduled / fired", "needed; per slot"};
        }
        return new String[] {"", ""};
    }
}
