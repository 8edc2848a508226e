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

    static void write(Bench.Options options, Map<String, CostRun.Unit> units, CostRun.Timings timings,
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
        rows.add(List.of("a campaign recipient (conditional put per recipient)", "—", "—", "—",
                "measured by `bench/run campaign` in [campaign.md](campaign.md) (run-campaign over the local runner, units named there)"));
        md.table(List.of("unit of work", "read units", "write units", "DynamoDB calls", "by function"), rows);

        CostRun.Unit message = units.get("immediate.marketing");
        CostRun.Unit ingestBatch = units.get("ingest.batch");
        CostRun.Unit ingestSingle = units.get("ingest.single");
        md.h2("Every unit of a delivered immediate email (marketing trigger), named");
        md.p("Per message, averaged over " + message.units() + " messages delivered in batches of 10 (per-batch reads such as the "
                + "definitions version are spread over the batch). The index column shows where the write units go: `table` is "
                + "the item itself, the rest are the Messages table's global secondary indexes. byUser and pending are projected "
                + "KEYS_ONLY, so a status change writes them only when it adds or removes their keys; inFlight (only while "
                + "SENDING) and bySlot (only while SCHEDULED) are projected ALL, which costs nothing more since no write "
                + "changes them in between; byProviderId is KEYS_ONLY.");
        md.table(List.of("function", "table", "call", "calls/msg", "RCU", "WCU", "where the units go", "why", "verdict"), unitLines(message));
        CostRun.Unit emitted = units.get("emitted.sent");
        CostRun.Unit transactional = units.get("immediate.transactional");
        if (emitted != null && transactional != null) {
            md.h2("An emitted event's units (issue #19)");
            md.p("A delivered transactional email with one webhook subscription to `message.sent`, averaged over " + emitted.units()
                    + " messages: what it costs beyond the same email without a subscription (`immediate.transactional` above) is "
                    + "the stream out's price per event. deliver writes one outbound record (a conditional put, right after the SENT write); "
                    + "emit-events reads the user's queue head (a consistent Query: DynamoDB Local reports 0 RCU when it finds "
                    + "nothing; on AWS budget up to 1 RCU, a strongly consistent read's minimum) and writes the attempt's log line "
                    + "(BatchWriteItem, 1 WCU). Without a subscription wanting the type (and without a bus) nothing is "
                    + "written: every other unit here shows no Outbound call. A failed attempt adds the queue item (1 WCU), its "
                    + "reschedule per retry (1 WCU) and its removal (1 WCU), plus a log line per attempt.");
            md.table(List.of("", "read units", "write units", "DynamoDB calls"), List.of(
                    List.of("email + message.sent to 1 subscription", Markdown.num(emitted.read()), Markdown.num(emitted.write()),
                            Markdown.num(emitted.callsPerUnit())),
                    List.of("the same email, no subscription", Markdown.num(transactional.read()), Markdown.num(transactional.write()),
                            Markdown.num(transactional.callsPerUnit())),
                    List.of("**the emitted event**", "**" + Markdown.num(emitted.read() - transactional.read()) + "**",
                            "**" + Markdown.num(emitted.write() - transactional.write()) + "**",
                            Markdown.num(emitted.callsPerUnit() - transactional.callsPerUnit()))));
            md.table(List.of("function", "table", "call", "calls/msg", "RCU", "WCU", "where the units go", "why", "verdict"), unitLines(emitted));
        }
        CostRun.Unit webhook = units.get("immediate.webhook");
        if (webhook != null) {
            md.h2("Every unit of a webhook message, named (issue #18)");
            md.p("Per message, averaged over " + webhook.units() + " messages posted in batches of 10 to an endpoint that answers "
                    + "200 at once (the HTTP request costs no DynamoDB unit). No guard of a person runs (no consent, suppression, "
                    + "quiet-hours or cap read or write); the rate limit's counters are per destination host: here the limit is "
                    + "lifted, so a block of 100 tokens is one write per 100 messages; at the default `webhook=10/100000` a "
                    + "block is 1 token, so a host's per-second counter is +1 WCU per message (State, `rate#webhook@<host>#<second>`, "
                    + "expiring after an hour) and its daily counter +0.01.");
            md.table(List.of("function", "table", "call", "calls/msg", "RCU", "WCU", "where the units go", "why", "verdict"), unitLines(webhook));
        }
        CostRun.Unit journey = units.get("journey");
        if (journey != null) {
            md.h2("Every unit of a journey instance, named (issue #16)");
            md.p("Per instance, averaged over " + journey.units() + " instances of a four-step journey (a branch, an hour's "
                    + "delay, a transactional send, an exit), ten to a slot. `entry` is evaluate's part (the instance's "
                    + "conditional put and its two keys-only index entries, activeByUser and byUser); `advance` is "
                    + "advance-journeys running steps: each step transition is one conditional put of the instance (1 WCU "
                    + "while the item is under 1 KB; the path grows by ~120 bytes a step), parking adds the bySlot entry, "
                    + "the end removes the activeByUser entry, and the send step's message is the ordinary message put "
                    + "(with its byUser and bySource entries; its delivery is the immediate email's unit); `wait` is the "
                    + "waiting instance's stream record making sure its slot has a schedule (the slot claim, shared); "
                    + "`wake` is the slot firing: the bySlot query, a consistent read and the WAIT → DUE put, which also "
                    + "drops the bySlot entry.");
            md.table(List.of("function", "table", "call", "calls/instance", "RCU", "WCU", "where the units go", "why", "verdict"),
                    unitLines(journey));
        }
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
        md.h2("What stands in the way, and what was cut");
        md.p("Before this change (bench/results at commit c1c947b): 22.0 WCU and 3.82 RCU per delivered marketing email, 21.0 / 2.80 "
                + "transactional. What went: the byUser and pending indexes were projected ALL, so each of the message's four writes "
                + "rewrote it there too (now KEYS_ONLY: the put writes byUser once, status changes write neither); a READY message "
                + "of a trigger without cancel rules or `replace` re-entry no longer enters pending at all (nothing would look "
                + "it up); the claim (READY → SENDING) and the attemptAt stamp are one conditional write, made after the guards "
                + "and the rendering, which run on the READY stream image (one message write and its inFlight rewrite fewer); "
                + "stats counters are added up per stream batch (one ADD per trigger and counter per batch of 10); rate-limit "
                + "tokens are taken from the shared counters a block at a time (a tenth of the per-second limit, a thousandth "
                + "of the daily one, at most 100) and spent per instance; the user read in evaluate and the first frequency-cap "
                + "read are eventually consistent (the cap's conditional write catches a stale read; a stale read never "
                + "suppresses — it is re-read consistently first); the definitions version is read once a second per function "
                + "instance instead of once per catalog and batch; segment activity counters are one unconditional ADD.");
        md.p("What remains is named line by line above. Rate-limit tokens: this benchmark lifts the limits (1,000,000/s), so a "
                + "block is 100 tokens; at SES's default 14–50/s a block is 1–5 tokens, i.e. 0.2–1 WCU per message for the "
                + "per-second counter when a function instance sends fewer than a block a second. The definitions version: "
                + "one read a second per instance, whatever the volume — here it is spread over a few hundred messages; at "
                + "one message a second it is 1 RCU each.");
        md.p("Not in these figures, and worth knowing: the segment activity counters (State) are one item per user and UTC "
                + "month, `activity-month#<yyyy-mm>#<user>`, one counter per event name and day of that month, and an event "
                + "costs that item's size in KB: measured here on fresh users (1 WCU); a user active every day with 5 event "
                + "names pays 1 WCU early in a month and 3 at its end (1.9 on average over 181 days on DynamoDB Local; ActivityStoreTest holds it at ≤ 3), where the single "
                + "181-day item of before cost 24 WCU per event; ~16 bytes per event name and active day, so 20 names a day "
                + "reach ~10 WCU at the end of a month.");

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
                Markdown.money(msgDynamo * million), "before this change (22.0 WCU + 3.82 RCU): " + Markdown.money(price.dynamo(3.82, 22.0) * million)));
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
        // the hand-written sections (indexes and records the measured units above do not cover) follow, kept in their own file
        java.nio.file.Path notes = options.root().resolve("bench/cost-notes.md");
        if (Files.exists(notes)) {
            try {
                md.p(Files.readString(notes).strip());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        md.write(options.out().resolve("cost.md"));

        Chart chart = new Chart("DynamoDB units per unit of work (" + Machine.cpuModel() + ")");
        List<Chart.Bar> writes = new ArrayList<>();
        List<Chart.Bar> reads = new ArrayList<>();
        for (CostRun.Unit unit : units.values()) {
            writes.add(Chart.Bar.of(shortTitle(unit.key()), unit.write(), Markdown.num(unit.write()) + " WCU"));
            reads.add(new Chart.Bar(shortTitle(unit.key()), unit.read(), Markdown.num(unit.read()) + " RCU", 1));
        }
        writes.add(new Chart.Bar("immediate email (marketing), before (c1c947b)", 22.0, "22.0 WCU", 2));
        reads.add(new Chart.Bar("immediate email (marketing), before (c1c947b)", 3.82, "3.82 RCU", 2));
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
            case "immediate.webhook" -> "webhook message";
            case "emitted.sent" -> "email + message.sent to 1 subscription";
            case "delayed" -> "delayed email";
            case "journey" -> "journey instance (4 steps, 1 wait, 1 message)";
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
        List<String> order = List.of("evaluate", "schedule", "release", "deliver", "entry", "advance", "wait", "wake");
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
        if (table.equals("Outbound")) {
            return new String[] {"the stream out's record of the event (deliver: message.sent), conditional on its derived id: a retry "
                + "that finds the send applied writes it again and changes nothing", "needed, only when a subscription (or the bus) wants the type"};
        }
        if (table.equals("WebhookDeliveries") && operation.equals("Query")) {
            return new String[] {"the user's queue head for the subscription: a later event waits behind a failed one (order per user)",
                "needed for order; per event and subscription (up to 1 RCU on AWS when empty)"};
        }
        if (table.equals("WebhookDeliveries")) {
            return new String[] {"the attempt's log line (GET /v1/webhooks/{id}/deliveries), 25 to a BatchWriteItem",
                "needed for the deliveries page; per attempt"};
        }
        if (table.equals("Definitions")) {
            return operation.equals("Query")
                    ? new String[] {"the definitions themselves, read again only when the version changed", "needed; per change, not per message"}
                    : new String[] {"definitions version check: once a second per function instance (LambdaEnvironment.DEFINITIONS_VERSION_MAX_AGE)",
                        "needed; per second, not per message"};
        }
        if (table.equals("Users") && operation.equals("GetItem")) {
            return phase.equals("deliver")
                    ? new String[] {"address, consent and locale as they are at send time", "needed"}
                    : new String[] {"the profile the conditions and the message context read; eventually consistent (a profile changed "
                        + "within the last second may show its previous version)", "needed"};
        }
        if (table.equals("Users") && operation.equals("PutItem")) {
            return new String[] {"a bare profile for a user first seen in an event", "needed once per new user"};
        }
        if (table.equals("Messages") && operation.equals("PutItem")) {
            return new String[] {"the message, written once, conditional on its id (trigger + event): a replayed record creates nothing twice",
                "needed: the table, and byUser (KEYS_ONLY; the user's message list, conversions); pending only when the trigger can cancel or replace it"};
        }
        if (table.equals("Messages") && what.contains("SENDING")) {
            return new String[] {"the claim READY → SENDING with attemptAt, to and subject in the same write, just before the provider "
                + "call: at most once to the provider, a crash after it is UNKNOWN (invariant 2); enters the sweep's inFlight index", "needed"};
        }
        if (table.equals("Messages") && what.contains("attemptAt")) {
            return new String[] {"attemptAt (+ address, subject) just before the provider call: a crash after it is UNKNOWN, never resent",
                "needed (invariant 2); index rewrites go with KEYS_ONLY"};
        }
        if (table.equals("Messages") && what.contains("SENT")) {
            return new String[] {"SENT + provider id; leaves inFlight (and pending, if it was there), enters byProviderId "
                + "(feedback without a tag, SMS receipts)", "needed"};
        }
        if (table.equals("Messages") && what.contains("READY")) {
            return new String[] {"the slot fired: SCHEDULED → READY", "needed"};
        }
        if (table.equals("Messages") && operation.equals("Query")) {
            return new String[] {"the fired slot's messages, one query per shard (8)", "needed; per slot, not per message"};
        }
        if (table.equals("Stats")) {
            return new String[] {"daily per-trigger '" + what.replace("update stats counter: counter ", "") + "' counter (stats API), sharded",
                "needed; one ADD per trigger and counter per stream batch (StatsBuffer), not per message"};
        }
        if (table.equals("Events") && what.contains("evaluation")) {
            return new String[] {"why each candidate trigger matched or not (GET /v1/events/{id}); rewrites the event item",
                "needed (invariant 8: every decision explainable); the one write of an evaluation"};
        }
        if (table.equals("Events") && operation.equals("PutItem")) {
            return new String[] {"the event, conditional on its id (idempotent ingest)", "needed"};
        }
        if (table.equals("State") && what.contains("frequency cap") && operation.equals("GetItem")) {
            return new String[] {"the user's marketing sends of the last 24 h (frequency caps); eventually consistent, re-read "
                + "consistently before it suppresses or after a lost conditional write", "needed for caps (marketing only)"};
        }
        if (table.equals("State") && what.contains("frequency cap")) {
            return new String[] {"reserves this send in the user's 24 h window, conditional on the version read", "needed for caps (marketing only)"};
        }
        if (table.equals("State") && what.contains("rate limit")) {
            return new String[] {"shared provider-quota counter (" + (what.contains("day") ? "daily" : "per second") + ") so all instances together keep SES's rate",
                "needed; a block of tokens per write, spent by the instance (RateLimits)"};
        }
        if (table.equals("State") && what.contains("activity")) {
            return new String[] {"the user's activity counter for this event and day (segments: 'did X in the last N days'), "
                + "one unconditional ADD", "needed for segments; see the note on its size below"};
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
        if (table.equals("JourneyInstances") && operation.equals("PutItem")) {
            return new String[] {"the instance: created once (conditional on its id), then one put per move, conditional on the seq it read",
                "needed: one write per step transition"};
        }
        if (table.equals("JourneyInstances")) {
            return new String[] {"the instance read consistently before a move (the stream image may be stale); the slot's waiters found through bySlot",
                "needed"};
        }
        return new String[] {"", ""};
    }
}
