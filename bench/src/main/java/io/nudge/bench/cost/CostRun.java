package io.nudge.bench.cost;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.aws.AwsClients;
import io.nudge.bench.Bench;
import io.nudge.bench.Fixture;
import io.nudge.bench.LocalDynamoServer;
import io.nudge.channel.Channels;
import io.nudge.channel.SendOutcome;
import io.nudge.config.Tables;
import io.nudge.functions.deliver.DeliverHandler;
import io.nudge.functions.evaluate.EvaluateTriggersHandler;
import io.nudge.functions.ingest.IngestApiHandler;
import io.nudge.functions.schedule.ScheduleSendsHandler;
import io.nudge.guards.FrequencyCaps;
import io.nudge.guards.GuardSettings;
import io.nudge.guards.QuietHours;
import io.nudge.guards.RateLimits;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.keys.Scope;
import io.nudge.model.Channel;
import io.nudge.model.Event;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.scheduling.ScheduleResult;
import io.nudge.scheduling.Scheduler;
import io.nudge.scheduling.Slots;
import io.nudge.store.TableDefinitions;
import io.nudge.unsubscribe.UnsubscribeLinks;
import io.nudge.unsubscribe.UnsubscribeTokens;
import io.nudge.wiring.ApiSettings;
import io.nudge.wiring.Services;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * `bench/run cost`: DynamoDB read and write units per unit of work, measured on every call (ReturnConsumedCapacity,
 * through {@link CapacityMeter}) while the real handlers run in this process over DynamoDB Local, with their
 * durations timed; then the cost table from bench/prices.json.
 *
 * <p>Measured in-process rather than through the local runner: each unit of work is driven on its own, so no call of
 * the runner's background work (stream checkpoints, the sweep, schedules polling) is mistaken for the unit's, and the
 * runner needs no change. The handlers, services, stores and table definitions are the production ones.
 */
public final class CostRun {
    static final double TARGET_INGEST_WCU = 1;
    static final double TARGET_MESSAGE_WCU = 10;
    static final double TARGET_MESSAGE_RCU = 3;
    private static final String KEY = "cost-bench-admin-key-0123456789";
    private static final int BATCH = 10;

    /** What one unit of work consumed, over {@code units} repetitions. */
    record Unit(String key, String title, int units, List<CapacityMeter.Call> calls) {
        double read() {
            return calls.stream().mapToDouble(CapacityMeter.Call::read).sum() / units;
        }

        double write() {
            return calls.stream().mapToDouble(CapacityMeter.Call::write).sum() / units;
        }

        double callsPerUnit() {
            return (double) calls.size() / units;
        }

        double read(String phase) {
            return calls.stream().filter(c -> c.phase().equals(phase)).mapToDouble(CapacityMeter.Call::read).sum() / units;
        }

        double write(String phase) {
            return calls.stream().filter(c -> c.phase().equals(phase)).mapToDouble(CapacityMeter.Call::write).sum() / units;
        }
    }

    /** Handler invocations: wall time per invocation and how many records each carried. */
    static final class Timings {
        final Map<String, List<double[]>> byFunction = new LinkedHashMap<>();

        <T> T time(String function, int records, Supplier<T> call) {
            long start = System.nanoTime();
            T result = call.get();
            byFunction.computeIfAbsent(function, k -> new ArrayList<>()).add(new double[] {(System.nanoTime() - start) / 1e6, records});
            return result;
        }

        double medianMs(String function) {
            double[] ms = byFunction.getOrDefault(function, List.of()).stream().mapToDouble(v -> v[0]).sorted().toArray();
            return ms.length == 0 ? Double.NaN : ms[ms.length / 2];
        }

        double msPerRecord(String function) {
            List<double[]> runs = byFunction.getOrDefault(function, List.of());
            return runs.stream().mapToDouble(v -> v[0]).sum() / Math.max(1, runs.stream().mapToDouble(v -> v[1]).sum());
        }

        double recordsPerInvocation(String function) {
            List<double[]> runs = byFunction.getOrDefault(function, List.of());
            return runs.stream().mapToDouble(v -> v[1]).average().orElse(Double.NaN);
        }
    }

    private CostRun() {}

    public static void run(Bench.Options options) throws Exception {
        int batches = options.quick() ? 3 : 12;
        JsonNode prices = Json.MAPPER.readTree(Files.readString(options.root().resolve("bench/prices.json")));
        CapacityMeter meter = new CapacityMeter();
        Map<String, Unit> units = new LinkedHashMap<>();
        Timings timings = new Timings();
        try (LocalDynamoServer server = LocalDynamoServer.start(options.root())) {
            DynamoDbClient dynamo = AwsClients.dynamoDbAt(server.endpoint(), System.getenv(), List.of(meter));
            World world = World.create(dynamo, meter, Tables.withPrefix("cost-"), timings);
            for (Unit unit : world.measureAll(batches)) {
                units.put(unit.key(), unit);
            }
        }
        boolean feedbackBuilt = classExists("io.nudge.feedback.FeedbackService") || classExists("io.nudge.functions.feedback.ProcessFeedbackHandler");
        CostReport.write(options, units, timings, prices, feedbackBuilt);
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** One set of tables with the production handlers over them. */
    static final class World {
        private final DynamoDbClient dynamo;
        private final CapacityMeter meter;
        private final Services services;
        private final IngestApiHandler ingest;
        private final EvaluateTriggersHandler evaluate;
        private final DeliverHandler deliver;
        private final ScheduleSendsHandler scheduleSends;
        private final Scheduler scheduler;
        private final Timings timings;
        private final AtomicInteger ids = new AtomicInteger();
        /** The messages the last immediate unit sent (feedback notifications are measured on them). */
        private List<String> lastSent = List.of();

        List<String> lastSent() {
            return lastSent;
        }
        private final String run = UUID.randomUUID().toString().substring(0, 8);

        private World(DynamoDbClient dynamo, CapacityMeter meter, Services services, GuardSettings guards, Timings timings) {
            this.dynamo = dynamo;
            this.meter = meter;
            this.services = services;
            this.timings = timings;
            this.ingest = new IngestApiHandler(services.api(ApiSettings.defaults()));
            this.evaluate = new EvaluateTriggersHandler(services);
            // the providers answer at once (their price is not DynamoDB's); a webhook endpoint answers 200
            this.deliver = new DeliverHandler(services.deliver(Channels.withoutPush(email -> new SendOutcome.Accepted("ses-" + UUID.randomUUID()),
                    sms -> new SendOutcome.Accepted("sns-" + UUID.randomUUID()), "Acme <hello@acme.example>")
                    .withWebhook(request -> new SendOutcome.Posted(200, "HTTP 200 from hooks.example.com")), guards),
                    services.streamBatch("deliver"));
            this.scheduler = new Scheduler() {
                @Override
                public ScheduleResult create(io.nudge.scheduling.ScheduleRequest request) {
                    return new ScheduleResult.Created();
                }

                @Override
                public void upsert(io.nudge.scheduling.ScheduleRequest request) {
                }

                @Override
                public void delete(String name) {
                }
            };
            this.scheduleSends = new ScheduleSendsHandler(services.slots(this.scheduler), services.streamBatch("schedule-sends"),
                    services.deadLetters(), services.clock());
        }

        static World create(DynamoDbClient dynamo, CapacityMeter meter, Tables tables, Timings timings) {
            meter.enabled(false);
            TableDefinitions.createMissing(dynamo, tables);
            // AWS's 60-second slots; rate limits high enough never to defer (their counters are still written)
            Services services = Services.builder(dynamo, tables).clock(Clock.systemUTC()).slotWidth(Duration.ofSeconds(60))
                    .unsubscribe(new UnsubscribeLinks(new UnsubscribeTokens(UnsubscribeLinks.randomKeys()), () -> "https://nudge.example")).build();
            GuardSettings guards = new GuardSettings(QuietHours.defaults(), ZoneId.of("UTC"), FrequencyCaps.Limits.defaults(),
                    Map.of(Channel.EMAIL, new RateLimits.Limit(1_000_000, 1_000_000_000), Channel.SMS, new RateLimits.Limit(1_000_000, 1_000_000_000),
                            Channel.PUSH, new RateLimits.Limit(1_000_000, 1_000_000_000), Channel.WEBHOOK, new RateLimits.Limit(1_000_000, 1_000_000_000)));
            services.apiKeys().register(KEY, "cost-bench", Scope.ADMIN);
            // as the functions are wired (LambdaEnvironment.services)
            services.definitions().cacheVersionFor(io.nudge.wiring.LambdaEnvironment.DEFINITIONS_VERSION_MAX_AGE);
            Fixture.call(services.api(ApiSettings.defaults()), KEY, "PUT", "/v1/templates/welcome", """
                    {"channel":"email","subject":"Welcome, {{ user.attributes.first_name | default: \\"there\\" }}",
                     "html":"<p>Hi {{ user.attributes.first_name }}, thanks for signing up for {{ event.properties.plan }}.</p><p><a href=\\"{{ unsubscribe_url }}\\">Unsubscribe</a></p>",
                     "text":"Hi {{ user.attributes.first_name }}, thanks for signing up for {{ event.properties.plan }}."}""");
            Fixture.call(services.api(ApiSettings.defaults()), KEY, "PUT", "/v1/triggers/t_marketing", """
                    {"event":"signed_up","channel":"email","template":"welcome","quietHours":"off",
                     "conditions":[{"path":"event.properties.plan","op":"in","value":["pro","team"]}]}""");
            Fixture.call(services.api(ApiSettings.defaults()), KEY, "PUT", "/v1/triggers/t_transactional", """
                    {"event":"password_reset","channel":"email","template":"welcome","priority":"transactional"}""");
            Fixture.call(services.api(ApiSettings.defaults()), KEY, "PUT", "/v1/templates/cart_alert", """
                    {"channel":"webhook","url":"https://hooks.example.com/services/{{ user.attributes.first_name }}",
                     "headers":{"Content-Type":"application/json"},
                     "body":"{\\"text\\":{{ user.attributes.first_name | append: \\" signed up\\" | json }}}","secret":"cost-bench-secret"}""");
            Fixture.call(services.api(ApiSettings.defaults()), KEY, "PUT", "/v1/triggers/t_webhook", """
                    {"event":"cart_big","channel":"webhook","template":"cart_alert"}""");
            Fixture.call(services.api(ApiSettings.defaults()), KEY, "PUT", "/v1/triggers/t_delayed", """
                    {"event":"cart_abandoned","channel":"email","template":"welcome","delay":"PT1H","quietHours":"off"}""");
            // a journey of four steps: a branch, an hour's delay in a shared slot, a send, an exit
            Fixture.call(services.api(ApiSettings.defaults()), KEY, "PUT", "/v1/journeys/j_cost", """
                    {"name":"Cost","entry":{"event":"trial_started"},"start":"route","steps":{
                     "route":{"type":"branch","branches":[{"conditions":[{"path":"user.attributes.tier","op":"eq","value":"none"}],"next":"hello"}],"default":"pause"},
                     "pause":{"type":"delay","duration":"PT1H","next":"hello"},
                     "hello":{"type":"send","channel":"email","template":"welcome","priority":"transactional","next":"end"},
                     "end":{"type":"exit"}}}""");
            World world = new World(dynamo, meter, services, guards, timings);
            meter.drain();
            return world;
        }

        List<Unit> measureAll(int batches) {
            List<Unit> all = new ArrayList<>();
            all.add(ingestSingle(batches * 2));
            all.add(ingestBatch(batches));
            all.add(userUpsert(batches * 2));
            all.add(evaluateOnly("evaluate.nomatch", "an ingested event no trigger listens to (evaluate-triggers)", "page_viewed", true, batches));
            all.add(evaluateOnly("evaluate.unknown", "the same, from a user Nudge has not seen yet", "page_viewed", false, batches));
            all.add(immediate("immediate.marketing", "t_marketing", "signed_up", batches));
            List<String> sent = lastSent();
            all.add(feedback("feedback.delivery", "an SES Delivery notification for a sent email (process-feedback)", sent, "Delivery"));
            all.add(feedback("feedback.bounce", "an SES permanent Bounce notification for a sent email (process-feedback)", sent, "Bounce"));
            all.add(immediate("immediate.transactional", "t_transactional", "password_reset", batches));
            all.add(immediate("immediate.webhook", "t_webhook", "cart_big", batches));
            all.add(delayed(batches));
            all.add(journey(batches));
            // last: with a subscription on, every later unit would write outbound records too
            all.add(emitted(batches));
            return all;
        }

        private String id(String kind) {
            return kind + "-" + run + "-" + ids.incrementAndGet();
        }

        private String user() {
            String user = id("u");
            Fixture.call(services.api(ApiSettings.defaults()), KEY, "PUT", "/v1/users/" + user,
                    "{\"email\":\"" + user + "@example.com\",\"timezone\":\"Europe/Berlin\",\"locale\":\"en-GB\","
                            + "\"attributes\":{\"first_name\":\"Ada\",\"tier\":\"gold\",\"lifetime_value\":120.5}}");
            return user;
        }

        private Unit measured(String key, String title, int units, Runnable work) {
            meter.drain();
            meter.enabled(true);
            work.run();
            meter.enabled(false);
            return new Unit(key, title, units, meter.drain());
        }

        private ObjectNode eventJson(String id, String user, String name) {
            ObjectNode event = Json.object().put("id", id).put("userId", user).put("name", name);
            event.putObject("properties").put("plan", "pro").put("source", "web").put("cartId", "c-" + id.hashCode())
                    .put("total", 42.5).put("currency", "EUR");
            return event;
        }

        private APIGatewayV2HTTPEvent post(String path, String body) {
            return APIGatewayV2HTTPEvent.builder().withRawPath(path)
                    .withHeaders(Map.of("authorization", "Bearer " + KEY, "content-type", "application/json"))
                    .withBody(body).withIsBase64Encoded(false)
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(path.startsWith("/v1/users") ? "PUT" : "POST")
                                    .withPath(path).build()).build())
                    .build();
        }

        private void expect(APIGatewayV2HTTPResponse response, int status) {
            if (response.getStatusCode() != status) {
                throw new IllegalStateException("expected " + status + ", got " + response.getStatusCode() + " " + response.getBody());
            }
        }

        Unit ingestSingle(int requests) {
            meter.enabled(false);
            String user = user();
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                bodies.add(Json.write(eventJson(id("e"), user, "page_viewed")));
            }
            return measured("ingest.single", "an ingested event, one per POST /v1/events (ingest-api)", requests, () -> {
                for (String body : bodies) {
                    expect(timings.time("ingest-api (1 event)", 1, () -> ingest.handleRequest(post("/v1/events", body), null)), 202);
                }
            });
        }

        Unit ingestBatch(int requests) {
            meter.enabled(false);
            String user = user();
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                ObjectNode body = Json.object();
                ArrayNode events = body.putArray("events");
                for (int j = 0; j < BATCH; j++) {
                    events.add(eventJson(id("e"), user, "page_viewed"));
                }
                bodies.add(Json.write(body));
            }
            return measured("ingest.batch", "an ingested event, in batches of " + BATCH + " per POST (ingest-api)", requests * BATCH, () -> {
                for (String body : bodies) {
                    expect(timings.time("ingest-api (batch of " + BATCH + ")", BATCH, () -> ingest.handleRequest(post("/v1/events", body), null)), 202);
                }
            });
        }

        Unit userUpsert(int users) {
            meter.enabled(false);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                ids.add(id("nu"));
            }
            return measured("user.upsert", "a new user, PUT /v1/users/{id} (ingest-api)", users, () -> {
                for (String user : ids) {
                    expect(timings.time("ingest-api (user upsert)", 1, () -> ingest.handleRequest(post("/v1/users/" + user,
                            "{\"email\":\"" + user + "@example.com\",\"attributes\":{\"first_name\":\"Ada\"}}"), null)), 200);
                }
            });
        }

        /** Stored events (not measured: ingest is its own unit) as the Events stream would hand them to evaluate-triggers. */
        private List<Map<String, AttributeValue>> storedEvents(String name, List<String> users, Instant timestamp) {
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            for (String user : users) {
                JsonNode json = eventJson(id("e"), user, name);
                Event event = new Event(json.get("id").textValue(), user, name, (ObjectNode) json.get("properties"), timestamp, Instant.now());
                services.events().putIfAbsent(event);
                items.add(services.events().rawItem(event.id()).orElseThrow());
            }
            return items;
        }

        private List<String> users(int n, boolean known) {
            List<String> users = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                users.add(known ? user() : id("stranger"));
            }
            return users;
        }

        Unit evaluateOnly(String key, String title, String name, boolean knownUsers, int batches) {
            meter.enabled(false);
            List<List<Map<String, AttributeValue>>> inputs = new ArrayList<>();
            for (int b = 0; b < batches; b++) {
                inputs.add(storedEvents(name, users(BATCH, knownUsers), Instant.now()));
            }
            return measured(key, title, batches * BATCH, () -> {
                meter.phase("evaluate");
                for (List<Map<String, AttributeValue>> items : inputs) {
                    failuresMustBeNone(timings.time("evaluate-triggers (no trigger)", items.size(), () -> evaluate.handleRequest(Fixture.streamEvent(items), null)));
                }
            });
        }

        /** Events that match an immediate trigger, evaluated, then the READY messages delivered: what one message costs. */
        Unit immediate(String key, String trigger, String name, int batches) {
            meter.enabled(false);
            List<List<Map<String, AttributeValue>>> inputs = new ArrayList<>();
            for (int b = 0; b < batches; b++) {
                inputs.add(storedEvents(name, users(BATCH, true), Instant.now()));
            }
            int messages = batches * BATCH;
            List<String> messageIds = new ArrayList<>();
            String what = key.equals("immediate.webhook") ? "a posted webhook message (marketing trigger, no guard of a person)"
                    : "a delivered immediate email (" + (trigger.contains("transactional") ? "transactional" : "marketing") + " trigger)";
            Unit unit = measured(key, what + ": evaluate-triggers + deliver", messages, () -> {
                for (List<Map<String, AttributeValue>> items : inputs) {
                    meter.phase("evaluate");
                    failuresMustBeNone(timings.time("evaluate-triggers (match)", items.size(), () -> evaluate.handleRequest(Fixture.streamEvent(items), null)));
                    meter.enabled(false);
                    List<Map<String, AttributeValue>> ready = new ArrayList<>();
                    for (Map<String, AttributeValue> item : items) {
                        String id = Ids.derive("message", trigger, item.get("eventId").s());
                        messageIds.add(id);
                        ready.add(services.messages().toItem(services.messages().find(id).orElseThrow()));
                    }
                    meter.enabled(true);
                    meter.phase("deliver");
                    failuresMustBeNone(timings.time("deliver (" + key.substring(key.indexOf('.') + 1) + ")", ready.size(),
                            () -> deliver.handleRequest(Fixture.streamEvent(ready), null)));
                }
            });
            requireStatus(messageIds, MessageStatus.SENT, key);
            lastSent = List.copyOf(messageIds);
            return unit;
        }

        /**
         * A transactional email with one webhook subscription to message.sent (issue #19): the same evaluate and deliver
         * as {@code immediate.transactional} plus deliver's put of the outbound record, then emit-events over the Outbound
         * stream's images (the queue head read, the POST to an endpoint that answers at once, the attempt's log line).
         * The subscription is deleted afterwards.
         */
        Unit emitted(int batches) {
            meter.enabled(false);
            Fixture.call(services.api(ApiSettings.defaults()), KEY, "PUT", "/v1/webhooks/w_cost", """
                    {"url":"https://hooks.example.com/nudge-events","events":["message.sent"]}""");
            io.nudge.outbound.EmitService emit = services.emit((subscription, event, now) -> new io.nudge.channel.webhook.HttpWebhookSender.Attempt(
                    new SendOutcome.Posted(200, "HTTP 200 from hooks.example.com"), java.util.OptionalInt.of(200), Duration.ofMillis(20)),
                    java.util.Optional.empty());
            io.nudge.functions.emit.EmitEventsHandler emitEvents = new io.nudge.functions.emit.EmitEventsHandler(emit,
                    services.streamBatch("emit-events"));
            List<List<Map<String, AttributeValue>>> inputs = new ArrayList<>();
            for (int b = 0; b < batches; b++) {
                inputs.add(storedEvents("password_reset", users(BATCH, true), Instant.now()));
            }
            List<String> messageIds = new ArrayList<>();
            Unit unit = measured("emitted.sent", "a delivered transactional email with one webhook subscription to message.sent: "
                    + "evaluate-triggers + deliver + emit-events", batches * BATCH, () -> {
                for (List<Map<String, AttributeValue>> items : inputs) {
                    meter.phase("evaluate");
                    failuresMustBeNone(evaluate.handleRequest(Fixture.streamEvent(items), null));
                    meter.enabled(false);
                    List<Map<String, AttributeValue>> ready = new ArrayList<>();
                    for (Map<String, AttributeValue> item : items) {
                        String id = Ids.derive("message", "t_transactional", item.get("eventId").s());
                        messageIds.add(id);
                        ready.add(services.messages().toItem(services.messages().find(id).orElseThrow()));
                    }
                    meter.enabled(true);
                    meter.phase("deliver");
                    failuresMustBeNone(deliver.handleRequest(Fixture.streamEvent(ready), null));
                    meter.enabled(false);
                    List<Map<String, AttributeValue>> outbound = new ArrayList<>();
                    for (Map<String, AttributeValue> item : items) {
                        dynamo.query(b -> b.tableName(services.tables().outbound()).keyConditionExpression("userId = :u")
                                .expressionAttributeValues(Map.of(":u", item.get("userId")))).items().forEach(outbound::add);
                    }
                    if (outbound.size() != items.size()) {
                        throw new IllegalStateException("emitted.sent: " + outbound.size() + " outbound records for " + items.size() + " messages");
                    }
                    meter.enabled(true);
                    meter.phase("emit-events");
                    failuresMustBeNone(timings.time("emit-events (message.sent, 1 subscription)", outbound.size(),
                            () -> emitEvents.handleRequest(Fixture.streamEvent(outbound), null)));
                }
            });
            requireStatus(messageIds, MessageStatus.SENT, "emitted.sent");
            Fixture.call(services.api(ApiSettings.defaults()), KEY, "DELETE", "/v1/webhooks/w_cost", null);
            return unit;
        }

        /**
         * One SES event notification per sent message, in the shape SES publishes (events/sns-ses-*.json), applied by
         * the service process-feedback wraps: the message found by its tag, the ledger entry that makes a replay a
         * no-op, the message's status and the stats; a permanent bounce also suppresses the address.
         */
        Unit feedback(String key, String title, List<String> messageIds, String eventType) {
            meter.enabled(false);
            io.nudge.feedback.FeedbackService service = services.feedback(e164 -> new io.nudge.feedback.PhoneOptIn.Result.OptedIn());
            List<String> notifications = new ArrayList<>();
            for (String id : messageIds) {
                Message message = services.messages().find(id).orElseThrow();
                ObjectNode json = Json.object().put("eventType", eventType);
                ObjectNode mail = json.putObject("mail").put("timestamp", Instant.now().toString())
                        .put("messageId", message.providerMessageId().orElseThrow());
                mail.putArray("destination").add(message.to().orElseThrow());
                mail.putObject("tags").putArray(io.nudge.channel.aws.SesEmailSender.MESSAGE_ID_TAG).add(id);
                if (eventType.equals("Delivery")) {
                    ObjectNode delivery = json.putObject("delivery").put("timestamp", Instant.now().toString())
                            .put("smtpResponse", "250 2.6.0 Message received");
                    delivery.putArray("recipients").add(message.to().orElseThrow());
                } else {
                    ObjectNode bounce = json.putObject("bounce").put("bounceType", "Permanent").put("bounceSubType", "General")
                            .put("timestamp", Instant.now().toString());
                    bounce.putArray("bouncedRecipients").addObject().put("emailAddress", message.to().orElseThrow())
                            .put("diagnosticCode", "smtp; 550 5.1.1 user unknown");
                }
                notifications.add(json.toString());
            }
            Unit unit = measured(key, title, notifications.size(), () -> {
                meter.phase("feedback");
                for (String notification : notifications) {
                    io.nudge.feedback.FeedbackResult result = timings.time("process-feedback (" + eventType + ")", 1,
                            () -> service.apply(io.nudge.feedback.FeedbackParser.fromSnsMessage(notification)));
                    if (!(result instanceof io.nudge.feedback.FeedbackResult.Applied)) {
                        throw new IllegalStateException(key + ": not applied: " + result);
                    }
                }
            });
            return unit;
        }

        /** Delayed messages: evaluate (SCHEDULED), schedule-sends (slot), the slot firing (release), deliver. */
        Unit delayed(int batches) {
            meter.enabled(false);
            List<List<Map<String, AttributeValue>>> inputs = new ArrayList<>();
            List<Instant> slots = new ArrayList<>();
            Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(5));
            for (int b = 0; b < batches; b++) {
                Instant at = base.plus(Duration.ofMinutes(2L * b));
                inputs.add(storedEvents("cart_abandoned", users(BATCH, true), at));
                slots.add(Instant.ofEpochSecond(Slots.slotOf(at.plus(Duration.ofHours(1)), Duration.ofSeconds(60))));
            }
            List<String> messageIds = new ArrayList<>();
            Unit unit = measured("delayed", "a delivered delayed email (1 h; " + BATCH + " messages share a slot): evaluate-triggers, "
                    + "schedule-sends (stream, then the slot firing), deliver", batches * BATCH, () -> {
                for (int b = 0; b < inputs.size(); b++) {
                    List<Map<String, AttributeValue>> items = inputs.get(b);
                    meter.phase("evaluate");
                    failuresMustBeNone(timings.time("evaluate-triggers (delayed)", items.size(), () -> evaluate.handleRequest(Fixture.streamEvent(items), null)));
                    meter.enabled(false);
                    List<String> batchIds = new ArrayList<>();
                    List<Map<String, AttributeValue>> scheduled = new ArrayList<>();
                    for (Map<String, AttributeValue> item : items) {
                        String id = Ids.derive("message", "t_delayed", item.get("eventId").s());
                        batchIds.add(id);
                        scheduled.add(services.messages().toItem(services.messages().find(id).orElseThrow()));
                    }
                    meter.enabled(true);
                    meter.phase("schedule");
                    String stream = Fixture.streamEventJson(scheduled);
                    timings.time("schedule-sends (stream)", scheduled.size(), () -> invokeBytes(stream));
                    meter.phase("release");
                    String slot = "{\"slot\":\"" + slots.get(b) + "\"}";
                    timings.time("schedule-sends (slot fired)", scheduled.size(), () -> invokeBytes(slot));
                    meter.enabled(false);
                    List<Map<String, AttributeValue>> ready = new ArrayList<>();
                    for (String id : batchIds) {
                        Message message = services.messages().find(id).orElseThrow();
                        if (message.status() != MessageStatus.READY) {
                            throw new IllegalStateException("delayed message not released: " + message.status());
                        }
                        ready.add(services.messages().toItem(message));
                    }
                    messageIds.addAll(batchIds);
                    meter.enabled(true);
                    meter.phase("deliver");
                    failuresMustBeNone(timings.time("deliver (delayed)", ready.size(), () -> deliver.handleRequest(Fixture.streamEvent(ready), null)));
                }
            });
            requireStatus(messageIds, MessageStatus.SENT, "delayed");
            return unit;
        }

        /**
         * A journey instance's whole life, by phase: its entry (evaluate's part), the move out of a branch and into a
         * delay (advance), the delay's slot (its schedule is shared: {@link #BATCH} instances wait in one slot), the wake
         * when the slot fires, then the moves through the send (its message written, not delivered: deliver is the
         * immediate email's unit) to the exit. Four step transitions in all.
         */
        Unit journey(int batches) {
            meter.enabled(false);
            io.nudge.journey.JourneyCatalog catalog = new io.nudge.journey.JourneyCatalog(services.definitions());
            catalog.refresh();
            io.nudge.journey.JourneyEngine engine = services.journeyEngine(catalog);
            io.nudge.journey.JourneyStream stream = services.journeyStream(catalog, scheduler);
            List<List<Event>> inputs = new ArrayList<>();
            Instant base = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(5));
            for (int b = 0; b < batches; b++) {
                List<Event> events = new ArrayList<>();
                for (String user : users(BATCH, true)) {
                    JsonNode json = eventJson(id("e"), user, "trial_started");
                    events.add(new Event(json.get("id").textValue(), user, "trial_started", (ObjectNode) json.get("properties"), Instant.now(),
                            Instant.now()));
                }
                inputs.add(events);
            }
            Unit unit = measured("journey", "a journey instance (" + BATCH + " per slot): entry, 4 step transitions (branch, delay,"
                    + " send, exit), an hour's wait in a shared slot, the send's message", batches * BATCH, () -> {
                for (List<Event> events : inputs) {
                    List<String> instanceIds = new ArrayList<>();
                    meter.phase("entry");
                    for (Event event : events) {
                        // evaluate has read the profile for the triggers already: not the journey's cost
                        meter.enabled(false);
                        io.nudge.model.UserProfile user = services.users().find(event.userId()).orElseThrow();
                        meter.enabled(true);
                        engine.onEvent(event, user).forEach(o -> instanceIds.add(((io.nudge.journey.JourneyEngine.Outcome.Entered) o).instanceId()));
                    }
                    meter.phase("advance");
                    handleAll(stream, instanceIds);
                    meter.phase("wait");
                    handleAll(stream, instanceIds);
                    meter.enabled(false);
                    // usually one slot; two when the batch's entries straddle a minute (the run failed so, now and then)
                    java.util.SortedSet<Long> batchSlots = new java.util.TreeSet<>();
                    instanceIds.forEach(id -> batchSlots.add(services.journeyInstances().slotOf(services.journeyInstances().find(id).orElseThrow())));
                    meter.enabled(true);
                    meter.phase("wake");
                    batchSlots.forEach(slot -> services.slots(scheduler).fire(Instant.ofEpochSecond(slot)));
                    meter.phase("advance");
                    handleAll(stream, instanceIds);
                }
            });
            for (List<Event> events : inputs) {
                for (Event event : events) {
                    String instanceId = Ids.derive("journey", "j_cost", event.id());
                    io.nudge.journey.JourneyInstance done = services.journeyInstances().find(instanceId).orElseThrow();
                    if (done.status() != io.nudge.journey.JourneyInstance.Status.COMPLETED || done.path().size() != 4) {
                        throw new IllegalStateException("journey instance not completed as expected: " + done.status() + " " + done.path());
                    }
                }
            }
            return unit;
        }

        /** Each instance's current image through advance-journeys' service, as its stream record would come. */
        private void handleAll(io.nudge.journey.JourneyStream stream, List<String> instanceIds) {
            for (String id : instanceIds) {
                meter.enabled(false);
                Map<String, AttributeValue> image = services.journeyInstances().toItem(services.journeyInstances().find(id).orElseThrow());
                meter.enabled(true);
                timings.time("advance-journeys", 1, () -> stream.handle(image));
            }
        }

        private String invokeBytes(String input) {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                scheduleSends.handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, null);
                return out.toString(StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private void requireStatus(List<String> ids, MessageStatus status, String what) {
            meter.enabled(false);
            long wrong = ids.stream().filter(id -> services.messages().find(id).map(m -> m.status() != status).orElse(true)).count();
            if (wrong > 0) {
                throw new IllegalStateException(what + ": " + wrong + " of " + ids.size() + " messages are not " + status);
            }
        }

        private static void failuresMustBeNone(StreamsEventResponse response) {
            if (response != null && response.getBatchItemFailures() != null && !response.getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("the handler reported failed records: " + response.getBatchItemFailures().size());
            }
        }
    }

    /** Units per call kind, for naming every unit of one unit of work. */
    static Map<String, double[]> byCall(Unit unit) {
        Map<String, double[]> lines = new TreeMap<>();
        for (CapacityMeter.Call call : unit.calls()) {
            String key = call.phase() + "|" + call.table() + "|" + call.operation() + "|" + call.what();
            double[] totals = lines.computeIfAbsent(key, k -> new double[3]);
            totals[0] += 1;
            totals[1] += call.read();
            totals[2] += call.write();
        }
        lines.values().forEach(v -> {
            v[0] /= unit.units();
            v[1] /= unit.units();
            v[2] /= unit.units();
        });
        return lines;
    }

    static Map<String, Map<String, Double>> indexSplit(Unit unit) {
        Map<String, Map<String, Double>> split = new TreeMap<>();
        for (CapacityMeter.Call call : unit.calls()) {
            String key = call.phase() + "|" + call.table() + "|" + call.operation() + "|" + call.what();
            Map<String, Double> parts = split.computeIfAbsent(key, k -> new TreeMap<>());
            call.indexes().forEach((index, value) -> parts.merge(index, value / unit.units(), Double::sum));
        }
        return split;
    }
}
