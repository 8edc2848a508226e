package io.nudge.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.channel.Channels;
import io.nudge.definitions.DefinitionService;
import io.nudge.feedback.PhoneOptIn;
import io.nudge.functions.campaign.RunCampaignHandler;
import io.nudge.functions.deliver.DeliverHandler;
import io.nudge.functions.evaluate.EvaluateTriggersHandler;
import io.nudge.functions.feedback.ProcessFeedbackHandler;
import io.nudge.functions.journeys.AdvanceJourneysHandler;
import io.nudge.functions.schedule.ScheduleSendsHandler;
import io.nudge.guards.GuardSettings;
import io.nudge.journey.JourneyCatalog;
import io.nudge.journey.JourneyDefinition;
import io.nudge.journey.JourneyEngine;
import io.nudge.journey.JourneyInstance;
import io.nudge.journey.JourneyLookup;
import io.nudge.json.Json;
import io.nudge.lambda.CloudWatchLogsJson;
import io.nudge.lambda.StreamImages;
import io.nudge.model.Event;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.testing.MutableClock;
import io.nudge.testing.RecordingScheduler;
import io.nudge.testing.RecordingSenders;
import io.nudge.testing.Samples;
import io.nudge.testing.TestDynamo;
import io.nudge.users.UserService;
import io.nudge.wiring.CampaignRunSettings;
import io.nudge.wiring.Services;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The stream, SNS, CloudWatch Logs and Scheduler handlers, fed mutations of the real payloads in events/, against
 * DynamoDB Local. Per invariant 6: no input makes a handler throw or report a transient failure (DynamoDB Local is
 * healthy), a record that cannot succeed is in the dead-letter table, and every good record in the same batch has
 * its effect afterwards.
 */
class HandlerFuzzTest {
    private static final PojoSerializer<DynamodbEvent> STREAM_SERIALIZER =
            LambdaEventSerializers.serializerFor(DynamodbEvent.class, HandlerFuzzTest.class.getClassLoader());
    private static final List<String> SNS_SAMPLES = List.of("sns-ses-bounce-permanent.json", "sns-ses-bounce-transient.json",
            "sns-ses-click.json", "sns-ses-complaint.json", "sns-ses-delivery.json", "sns-ses-open.json", "sns-inbound-stop.json",
            "sns-inbound-start.json");

    private final MutableClock clock = MutableClock.at("2026-11-24T08:00:31Z");
    private final RecordingSenders senders = new RecordingSenders();
    private final RecordingScheduler scheduler = new RecordingScheduler();
    private Services services;
    private DefinitionService definitions;

    @BeforeEach
    void setUp() {
        services = Services.builder(TestDynamo.client(), TestDynamo.freshTables()).clock(clock).build();
        definitions = new DefinitionService(services.definitions(), clock);
        definitions.putTemplate("welcome", json("{'channel':'email','subject':'Hi {{ user.attributes.first_name }}','text':'Plan {{ event.properties.plan }}'}"));
        definitions.putTemplate("cart_reminder", json("{'channel':'email','subject':'Your cart','text':'{{ event.properties.cartId }}'}"));
        definitions.putTrigger("welcome", json("{'event':'signed_up','channel':'email','template':'welcome',"
                + "'conditions':[{'path':'event.properties.plan','op':'eq','value':'pro'}]}"));
    }

    // --- evaluate-triggers: Events stream batches

    @Test
    void evaluate_triggers_loses_no_record_and_dead_letters_the_bad_ones() throws Exception {
        FuzzRun run = new FuzzRun("evaluate-triggers", 1000);
        Mutator m = new Mutator(run.seed);
        EvaluateTriggersHandler handler = new EvaluateTriggersHandler(services);
        ObjectNode sample = (ObjectNode) Samples.json("ddb-events-insert-signed-up.json").get("Records").get(0);
        streamBatches(run, m, sample, (batch, good) -> {
            StreamsEventResponse response = handler.handleRequest(STREAM_SERIALIZER.fromJson(Json.write(batch)), null);
            List<String> lost = new ArrayList<>();
            for (ObjectNode record : good) {
                String userId = record.at("/dynamodb/NewImage/userId/S").asText();
                if (services.messages().forUser(userId, 5).isEmpty()) {
                    lost.add(userId);
                }
            }
            return new Outcome(response.getBatchItemFailures().size(), lost);
        }, (i, image) -> {
            image.set("eventId", s("good-" + i));
            image.set("userId", s("gu-" + i));
        });
    }

    // --- deliver: Messages stream batches (READY), the item in the table as the record says

    @Test
    void deliver_loses_no_record_and_ends_bad_ones_failed_or_dead_lettered() throws Exception {
        FuzzRun run = new FuzzRun("deliver", 600);
        Mutator m = new Mutator(run.seed);
        DeliverHandler handler = new DeliverHandler(services.deliver(Channels.withoutPush(senders, senders, "hello@example.com"), GuardSettings.defaults()), services.streamBatch("deliver"));
        ObjectNode sample = (ObjectNode) Samples.json("ddb-messages-ready.json").get("Records").get(0);
        UserService users = new UserService(services.users(), clock);
        streamBatches(run, m, sample, (batch, good) -> {
            StreamsEventResponse response = storeAndDeliver(handler, batch);
            List<String> lost = new ArrayList<>();
            for (JsonNode record : batch.get("Records")) {
                String id = record.at("/dynamodb/NewImage/id/S").asText("");
                boolean isGood = good.contains(record);
                Optional<Message> message = readBack(id);
                // SCHEDULED: the provider rate limit (14 emails a second by default) deferred it; it is not lost
                if (isGood && !Set.of(MessageStatus.SENT, MessageStatus.SCHEDULED).contains(message.map(Message::status).orElse(null))) {
                    lost.add(id + " " + message.map(Message::status).orElse(null));
                } else if (!isGood && message.map(msg -> msg.status() == MessageStatus.SENDING).orElse(false)) {
                    lost.add("bad record left SENDING (the sweep would requeue it forever): " + id);
                }
            }
            return new Outcome(response.getBatchItemFailures().size(), lost);
        }, (i, image) -> {
            image.set("id", s("goodmsg" + i));
            image.set("userId", s("du-" + i));
            users.upsert("du-" + i, json("{'email':'du" + i + "@example.com','attributes':{'first_name':'Ada'}}"));
        });
    }

    @Test
    void deliver_posts_a_webhook_message_at_most_once_and_loses_none_whatever_the_records() throws Exception {
        FuzzRun run = new FuzzRun("deliver-webhook", 300);
        Mutator m = new Mutator(run.seed);
        try (io.nudge.testing.WebhookReceiver receiver = new io.nudge.testing.WebhookReceiver(io.nudge.testing.WebhookReceiver.Answer.of(200, "ok"))) {
            io.nudge.channel.webhook.WebhookDestinations local = io.nudge.channel.webhook.WebhookDestinations.allowing(List.of("127.0.0.1"));
            new DefinitionService(services.definitions(), local, clock).putTemplate("hook", json("{'channel':'webhook','url':'"
                    + receiver.url("/hook/{{ event.properties.plan }}") + "','headers':{'Content-Type':'application/json'},"
                    + "'body':'{\\'user\\':{{ user.attributes.first_name | json }}}','secret':'fuzz-secret'}"));
            // limits lifted: the fuzzer's hundreds of messages to one host would otherwise be deferred (not lost)
            GuardSettings lifted = new GuardSettings(GuardSettings.defaults().quietHours(), GuardSettings.defaults().defaultZone(),
                    GuardSettings.defaults().caps(), Map.of(io.nudge.model.Channel.WEBHOOK, new io.nudge.guards.RateLimits.Limit(100_000, 10_000_000)));
            DeliverHandler handler = new DeliverHandler(services.deliver(Channels.withoutPush(senders, senders, "hello@example.com")
                    .withWebhook(new io.nudge.channel.webhook.HttpWebhookSender(local, clock)), lifted), services.streamBatch("deliver"));
            ObjectNode sample = (ObjectNode) Samples.json("ddb-messages-ready.json").get("Records").get(0).deepCopy();
            ObjectNode sampleImage = (ObjectNode) sample.at("/dynamodb/NewImage");
            sampleImage.set("channel", s("webhook"));
            sampleImage.set("templateId", s("hook"));
            UserService users = new UserService(services.users(), clock);
            streamBatches(run, m, sample, (batch, good) -> {
                StreamsEventResponse response = storeAndDeliver(handler, batch);
                List<String> lost = new ArrayList<>();
                for (JsonNode record : batch.get("Records")) {
                    String id = record.at("/dynamodb/NewImage/id/S").asText("");
                    Optional<Message> message = readBack(id);
                    long posts = receiver.all().stream().filter(r -> id.equals(r.header("Idempotency-Key"))).count();
                    if (posts > 1) {
                        lost.add("posted " + posts + " times: " + id);
                    }
                    if (good.contains(record) && (message.map(Message::status).orElse(null) != MessageStatus.SENT || posts != 1)) {
                        lost.add(id + " " + message.map(Message::status).orElse(null) + " after " + posts + " posts");
                    } else if (!good.contains(record) && message.map(msg -> msg.status() == MessageStatus.SENDING).orElse(false)) {
                        lost.add("bad record left SENDING (the sweep would call it UNKNOWN): " + id);
                    }
                }
                return new Outcome(response.getBatchItemFailures().size(), lost);
            }, (i, image) -> {
                image.set("id", s("goodhook" + i));
                image.set("userId", s("wu-" + i));
                users.upsert("wu-" + i, json("{'attributes':{'first_name':'Ada'}}"));
            });
        }
    }

    // --- emit-events: Outbound stream batches

    @Test
    void emit_events_posts_every_good_event_and_dead_letters_the_bad_ones() throws Exception {
        FuzzRun run = new FuzzRun("emit-events", 400);
        Mutator m = new Mutator(run.seed);
        try (io.nudge.testing.WebhookReceiver receiver = new io.nudge.testing.WebhookReceiver(io.nudge.testing.WebhookReceiver.Answer.of(200, "ok"))) {
            services.subscriptions().put(new io.nudge.outbound.Subscription("fuzz", receiver.url("/events"),
                    java.util.EnumSet.allOf(io.nudge.outbound.OutboundType.class), true, false, "fuzz-secret", Optional.empty(),
                    Optional.empty(), clock.instant(), clock.instant()));
            io.nudge.outbound.EmitService emit = services.emit(io.nudge.outbound.EventPoster.over(new io.nudge.channel.webhook.HttpWebhookSender(
                    io.nudge.channel.webhook.WebhookDestinations.allowing(List.of("127.0.0.1")), clock)), Optional.empty());
            io.nudge.functions.emit.EmitEventsHandler handler = new io.nudge.functions.emit.EmitEventsHandler(emit, services.streamBatch("emit-events"));
            ObjectNode sample = (ObjectNode) Samples.json("ddb-outbound-insert-message-sent.json").get("Records").get(0).deepCopy();
            ObjectNode sampleEvent = (ObjectNode) Json.parse(sample.at("/dynamodb/NewImage/event/S").asText());
            streamBatches(run, m, sample, (batch, good) -> {
                StreamsEventResponse response = handler.handleRequest(STREAM_SERIALIZER.fromJson(Json.write(batch)), null);
                List<String> lost = new ArrayList<>();
                for (ObjectNode record : good) {
                    String id = record.at("/dynamodb/NewImage/id/S").asText();
                    if (receiver.all().stream().noneMatch(r -> id.equals(r.header("Idempotency-Key")))) {
                        lost.add(id);
                    }
                }
                return new Outcome(response.getBatchItemFailures().size(), lost);
            }, (i, image) -> {
                String id = io.nudge.ids.Ids.derive("fuzz", i);
                ObjectNode event = sampleEvent.deepCopy().put("id", id).put("userId", "eu-" + i);
                image.set("id", s(id));
                image.set("userId", s("eu-" + i));
                image.set("event", s(Json.write(event)));
            });
        }
    }

    /** The batch's images stored as the table holds them (deliver reads the message back), then handed to deliver. */
    private StreamsEventResponse storeAndDeliver(DeliverHandler handler, ObjectNode batch) throws Exception {
        for (JsonNode record : batch.get("Records")) {
            storeImage(services.tables().messages(), record.at("/dynamodb/NewImage"), "id");
        }
        return handler.handleRequest(STREAM_SERIALIZER.fromJson(Json.write(batch)), null);
    }

    /** The message as stored now; empty for no id, or a bad item that cannot be read back (the dead-letter check covers it). */
    private Optional<Message> readBack(String id) {
        try {
            return id.isEmpty() ? Optional.empty() : services.messages().find(id);
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    @Test
    void deliver_ends_a_render_past_the_limits_failed_with_the_reason() throws Exception {
        definitions.putTemplate("loops", json("{'channel':'email','subject':'Hi','text':"
                + "'{% for i in (1..event.properties.n) %}{% for j in (1..event.properties.n) %}x{% endfor %}{% endfor %}'}"));
        definitions.putTemplate("doubles", json("{'channel':'email','subject':'Hi','text':"
                + "'{% assign s = event.properties.s %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}'}"));
        new UserService(services.users(), clock).upsert("u-1", json("{'email':'ada@example.com'}"));
        DeliverHandler handler = new DeliverHandler(services.deliver(Channels.withoutPush(senders, senders, "hello@example.com"), GuardSettings.defaults()), services.streamBatch("deliver"));
        ObjectNode sample = (ObjectNode) Samples.json("ddb-messages-ready.json");
        ObjectNode record = (ObjectNode) sample.get("Records").get(0);
        ObjectNode image = (ObjectNode) record.at("/dynamodb/NewImage");
        Map<String, String> cases = Map.of("loops", "n", "doubles", "s");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            image.set("id", s("limit" + c.getKey()));
            image.set("templateId", s(c.getKey()));
            ObjectNode properties = (ObjectNode) image.at("/context/M/event/M/properties/M");
            properties.set(c.getValue(), c.getValue().equals("n") ? Json.object().put("N", "1000000") : s("x"));
            storeImage(services.tables().messages(), image, "id");
            StreamsEventResponse response = handler.handleRequest(STREAM_SERIALIZER.fromJson(Json.write(sample)), null);

            assertThat(response.getBatchItemFailures()).isEmpty();
            Message message = services.messages().find("limit" + c.getKey()).orElseThrow();
            assertThat(message.status()).isEqualTo(MessageStatus.FAILED);
            assertThat(message.history().get(message.history().size() - 1).reason()).startsWith("render_limit: ");
        }
        assertThat(senders.emails).isEmpty();
    }

    // --- schedule-sends: Messages stream batches (SCHEDULED) and Scheduler slot events, as raw JSON

    // --- advance-journeys: JourneyInstances stream batches, each image a real instance as the table holds it

    @Test
    void advance_journeys_loses_no_instance_and_dead_letters_the_bad_records() throws Exception {
        FuzzRun run = new FuzzRun("advance-journeys", 600);
        Mutator m = new Mutator(run.seed);
        JourneyCatalog catalog = fuzzJourney();
        AdvanceJourneysHandler handler = new AdvanceJourneysHandler(services.journeyStream(catalog, scheduler), catalog::refresh,
                services.streamBatch("advance-journeys"));
        streamBatches(run, m, journeyRecordSample(), (batch, good) -> {
            StreamsEventResponse response = handler.handleRequest(STREAM_SERIALIZER.fromJson(Json.write(batch)), null);
            List<String> lost = new ArrayList<>();
            for (ObjectNode record : good) {
                String id = record.at("/dynamodb/NewImage/id/S").asText();
                // a good image at hello (RUN) sends and moves on to the pause
                Optional<JourneyInstance> instance = services.journeyInstances().find(id);
                if (instance.isEmpty() || !instance.get().step().equals("pause") || !instance.get().sends().containsKey("hello")) {
                    lost.add(id + " " + instance.map(i -> i.step() + "/" + i.phase()).orElse("missing"));
                }
            }
            return new Outcome(response.getBatchItemFailures().size(), lost);
        }, (key, image) -> {
            image.removeAll();
            image.setAll(journeyImage(enterFuzzJourney("ju-" + key)));
        });
    }

    @Test
    void advance_journeys_dead_letters_a_record_no_instance_has_whole() throws Exception {
        JourneyCatalog catalog = fuzzJourney();
        AdvanceJourneysHandler handler = new AdvanceJourneysHandler(services.journeyStream(catalog, scheduler), catalog::refresh,
                services.streamBatch("advance-journeys"));
        ObjectNode batch = Json.object();
        ObjectNode record = batch.putArray("Records").addObject();
        record.put("eventID", "not-an-instance");
        ObjectNode image = record.putObject("dynamodb").put("SequenceNumber", "7").putObject("NewImage");
        image.set("id", s("ji-bogus"));
        image.set("phase", s("RUN"));
        image.set("doc", Json.object().set("M", Json.object().set("id", s("ji-bogus"))));

        StreamsEventResponse response = handler.handleRequest(STREAM_SERIALIZER.fromJson(Json.write(batch)), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        var letters = services.dynamo().scan(b -> b.tableName(services.tables().deadLetters())).items();
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).toString()).contains("advance-journeys").contains("ji-bogus");
    }

    @Test
    void advance_journeys_reports_a_defect_of_ours_as_transient_and_runs_the_record_once_it_is_fixed() throws Exception {
        JourneyCatalog catalog = fuzzJourney();
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean(true);
        JourneyLookup defective = new JourneyLookup() {
            @Override
            public List<JourneyDefinition> enteredBy(String eventName) {
                return catalog.enteredBy(eventName);
            }

            @Override
            public Optional<JourneyDefinition> version(String journeyId, int version) {
                if (broken.get()) {
                    throw new IllegalStateException("a defect of ours");
                }
                return catalog.version(journeyId, version);
            }

            @Override
            public boolean deleted(String journeyId) {
                return catalog.deleted(journeyId);
            }

            @Override
            public boolean cares(String eventName) {
                return catalog.cares(eventName);
            }
        };
        AdvanceJourneysHandler handler = new AdvanceJourneysHandler(services.journeyStream(defective, scheduler), catalog::refresh,
                services.streamBatch("advance-journeys"));
        ObjectNode batch = Json.object();
        ObjectNode record = batch.putArray("Records").addObject();
        record.put("eventID", "defect");
        record.putObject("dynamodb").put("SequenceNumber", "8").set("NewImage", journeyImage(enterFuzzJourney("ju-defect")));
        String id = record.at("/dynamodb/NewImage/id/S").asText();

        StreamsEventResponse failed = handler.handleRequest(STREAM_SERIALIZER.fromJson(Json.write(batch)), null);
        assertThat(failed.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier).containsExactly("8");
        assertThat(deadLetterCount()).isZero();
        assertThat(services.journeyInstances().find(id).orElseThrow().step()).isEqualTo("hello");

        broken.set(false);
        assertThat(handler.handleRequest(STREAM_SERIALIZER.fromJson(Json.write(batch)), null).getBatchItemFailures()).isEmpty();
        assertThat(services.journeyInstances().find(id).orElseThrow().step()).isEqualTo("pause");
    }

    @Test
    void schedule_sends_loses_no_record_and_never_throws() throws Exception {
        FuzzRun run = new FuzzRun("schedule-sends", 600);
        Mutator m = new Mutator(run.seed);
        ScheduleSendsHandler handler = new ScheduleSendsHandler(services.slots(scheduler), services.streamBatch("schedule-sends"),
                services.deadLetters(), clock);
        ObjectNode sample = (ObjectNode) Samples.json("ddb-messages-scheduled.json").get("Records").get(0);
        streamBatches(run, m, sample, (batch, good) -> {
            for (JsonNode record : batch.get("Records")) {
                storeImage(services.tables().messages(), record.at("/dynamodb/NewImage"), "id");
            }
            JsonNode response = Json.parse(invokeStream(handler::handleRequest, Json.write(batch).getBytes(StandardCharsets.UTF_8)));
            List<String> lost = new ArrayList<>();
            for (ObjectNode record : good) {
                String id = record.at("/dynamodb/NewImage/id/S").asText();
                if (services.messages().find(id).isEmpty() || scheduler.createCalls.isEmpty()) {
                    lost.add(id);
                }
            }
            return new Outcome(response.path("batchItemFailures").size(), lost);
        }, (i, image) -> {
            image.set("id", s("sched" + i));
            image.set("pendingSort", s("cart_reminder#2026-11-24T08:00:30.000Z#sched" + i));
        });
        // EventBridge Scheduler firing a slot: {"slot":"…"} mutated
        JsonNode slot = Samples.json("scheduler-slot-fired.json");
        for (int i = 0; i < Math.max(100, run.cases / 5); i++) {
            byte[] payload = mutatedPayload(m, slot);
            run.count("schedule-sends slot");
            int before = deadLetterCount();
            try {
                JsonNode out = Json.parse(invokeRetryingStorage(handler::handleRequest, payload));
                if (out.path("deadLettered").asBoolean(false) && deadLetterCount() < before) {
                    run.violation("schedule-sends slot", i, "dead-letter missing", new String(payload, StandardCharsets.UTF_8));
                }
            } catch (Exception | Error e) {
                run.violation("schedule-sends slot", i, "threw", e + " on " + new String(payload, StandardCharsets.UTF_8));
            }
        }
        String summary = run.report();
        assertThat(run.violations()).as(summary).isEmpty();
    }

    // --- process-feedback: SNS events (SES events, inbound SMS) and CloudWatch Logs subscription events

    @Test
    void process_feedback_never_throws_and_accounts_for_every_notification() throws Exception {
        FuzzRun run = new FuzzRun("process-feedback", 1000);
        Mutator m = new Mutator(run.seed);
        ProcessFeedbackHandler handler = new ProcessFeedbackHandler(services.feedback(number -> new PhoneOptIn.Result.OptedIn()),
                services.deadLetters(), clock);
        for (int i = 0; i < run.cases; i++) {
            String sampleName = m.pick(SNS_SAMPLES);
            ObjectNode sample = (ObjectNode) Samples.json(sampleName);
            byte[] payload;
            String target;
            if (m.chance(50)) {
                ObjectNode event = sample.deepCopy();
                ObjectNode sns = (ObjectNode) event.at("/Records/0/Sns");
                String message = sns.get("Message").textValue();
                sns.put("Message", m.chance(60) ? Json.write(m.mutateTree(Json.parse(message))) : m.mutateText(message));
                if (m.chance(10)) {
                    sns.put("MessageId", m.oddString());
                }
                payload = Json.write(event).getBytes(StandardCharsets.UTF_8);
                target = "sns message " + sampleName;
            } else {
                payload = mutatedPayload(m, sample);
                target = "sns event " + sampleName;
            }
            run.count(target);
            feedbackCase(run, handler, target, i, payload);
        }
        // CloudWatch Logs: 100 SMS receipts in one subscription payload, one of them bad
        JsonNode decoded = Samples.json("cwlogs-sms-receipt.decoded.json");
        for (int i = 0; i < Math.max(5, run.cases / 200); i++) {
            ObjectNode doc = (ObjectNode) decoded.deepCopy();
            ArrayNode logEvents = doc.putArray("logEvents");
            JsonNode receipt = decoded.get("logEvents").get(0);
            int bad = m.below(100);
            for (int j = 0; j < 100; j++) {
                ObjectNode event = receipt.deepCopy();
                event.put("id", "cw-" + i + "-" + j);
                storeSentSms("cwm-" + i + "-" + j, "prov-" + i + "-" + j);
                ObjectNode receiptMessage = (ObjectNode) Json.parse(event.get("message").textValue());
                ((ObjectNode) receiptMessage.get("notification")).put("messageId", "prov-" + i + "-" + j);
                event.put("message", Json.write(receiptMessage));
                if (j == bad) {
                    String message = event.get("message").textValue();
                    String mutated;
                    do { // CloudWatch Logs caps a log event at 256 KB: a bigger one cannot arrive
                        mutated = m.chance(50) ? m.mutateText(message) : Json.write(m.mutateTree(Json.parse(message)));
                    } while (mutated.length() > 256 * 1024);
                    event.put("message", mutated);
                }
                logEvents.add(event);
            }
            run.count("cloudwatch-logs batch");
            JsonNode out = feedbackCase(run, handler, "cloudwatch-logs batch", i, Json.write(CloudWatchLogsJson.encode(doc)).getBytes(StandardCharsets.UTF_8));
            int accounted = out == null ? 0 : out.path("applied").asInt() + out.path("duplicates").asInt() + out.path("ignored").asInt()
                    + out.path("deadLettered").asInt();
            if (out != null && accounted != 100) {
                run.violation("cloudwatch-logs batch", i, "not every log event accounted for", String.valueOf(out));
            }
            for (int j = 0; j < 100; j++) {
                MessageStatus status = services.messages().find("cwm-" + i + "-" + j).orElseThrow().status();
                if (j != bad && status != MessageStatus.DELIVERED) {
                    run.violation("cloudwatch-logs batch", i, "good receipt " + j + " not applied (bad one: " + bad + ")", String.valueOf(status));
                }
            }
        }
        // CloudWatch Logs: the envelope itself broken (not base64, not gzip, not JSON inside)
        JsonNode encoded = Samples.json("cwlogs-sms-receipt.json");
        for (int i = 0; i < Math.max(50, run.cases / 10); i++) {
            ObjectNode event = encoded.deepCopy();
            String data = event.at("/awslogs/data").textValue();
            switch (m.below(4)) {
                case 0 -> ((ObjectNode) event.get("awslogs")).put("data", m.mutateText(data));
                case 1 -> ((ObjectNode) event.get("awslogs")).put("data", java.util.Base64.getEncoder().encodeToString(
                        m.mutateText(Json.write(decoded)).getBytes(StandardCharsets.UTF_8)));
                case 2 -> ((ObjectNode) event.get("awslogs")).set("data", m.oddValue());
                default -> ((ObjectNode) event.get("awslogs")).put("data", Json.write(CloudWatchLogsJson.encode(m.mutateTree(decoded)).at("/awslogs/data")).replace("\"", ""));
            }
            run.count("cloudwatch-logs envelope");
            feedbackCase(run, handler, "cloudwatch-logs envelope", i, Json.write(event).getBytes(StandardCharsets.UTF_8));
        }
        String summary = run.report();
        assertThat(run.violations()).as(summary).isEmpty();
    }

    private JsonNode feedbackCase(FuzzRun run, ProcessFeedbackHandler handler, String target, int i, byte[] payload) {
        try {
            JsonNode out = Json.parse(invokeRetryingStorage(handler::handleRequest, payload));
            if (out.path("deadLettered").asInt() > 0 && deadLetterCount() == 0) {
                run.violation(target, i, "dead-lettered but not in the table", out.toString());
            }
            return out;
        } catch (io.nudge.feedback.RetryLater expected) {
            // By design: an SES event whose message is not found by its SES id may be ahead of the index, so Lambda
            // retries it and then hands it to the on-failure destination, which keeps the whole event.
            run.count(target + " retried by design");
            return null;
        } catch (Exception | Error e) {
            run.violation(target, i, "threw", e + " on " + FuzzRun.shorten(new String(payload, StandardCharsets.UTF_8)));
            return null;
        }
    }

    // --- run-campaign: the Scheduler / API / self invocation input

    @Test
    void run_campaign_never_throws_on_a_bad_input() throws Exception {
        FuzzRun run = new FuzzRun("run-campaign", 300);
        Mutator m = new Mutator(run.seed);
        RunCampaignHandler handler = new RunCampaignHandler(services.campaignRun(request -> { }, CampaignRunSettings.of(1)), services.deadLetters(), clock);
        JsonNode seed = json("{'campaignId':'weekly_digest','runId':'2026-11-24T09:00:00Z'}");
        for (int i = 0; i < run.cases; i++) {
            Map<String, Object> input;
            if (m.chance(5)) {
                input = new HashMap<>();
                Map<String, Object> at = input;
                for (int d = 0; d < Mutator.DEEP; d++) {
                    Map<String, Object> next = new HashMap<>();
                    at.put("a", next);
                    at = next;
                }
            } else {
                JsonNode mutated = m.mutateTree(seed);
                input = mutated.isObject() ? Json.MAPPER.convertValue(mutated, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {}) : null;
            }
            run.count("run-campaign");
            try {
                Map<String, Object> out = handler.handleRequest(input, null);
                if (out == null || !(out.containsKey("status") || out.containsKey("deadLettered"))) {
                    run.violation("run-campaign", i, "no outcome", String.valueOf(out));
                }
            } catch (Exception | Error e) {
                run.violation("run-campaign", i, "threw", String.valueOf(e));
            }
        }
        String summary = run.report();
        assertThat(run.violations()).as(summary).isEmpty();
    }

    // --- regression cases: what the fuzzer found, kept as plain tests

    @Test
    void schedule_sends_dead_letters_a_payload_that_is_not_json() throws Exception {
        ScheduleSendsHandler handler = new ScheduleSendsHandler(services.slots(scheduler), services.streamBatch("schedule-sends"),
                services.deadLetters(), clock);

        JsonNode out = Json.parse(invokeStream(handler::handleRequest, "{\"slot\":".getBytes(StandardCharsets.UTF_8)));

        assertThat(out.path("deadLettered").asBoolean()).isTrue();
        assertThat(deadLetterCount()).isEqualTo(1);
    }

    @Test
    void a_payload_bigger_than_a_dynamodb_item_is_dead_lettered_not_retried() throws Exception {
        ProcessFeedbackHandler handler = new ProcessFeedbackHandler(services.feedback(number -> new PhoneOptIn.Result.OptedIn()),
                services.deadLetters(), clock);
        StringBuilder noise = new StringBuilder();
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        while (noise.length() < 900_000) {
            noise.append(Long.toString(random.nextLong(), 36));
        }
        for (String filler : List.of("x".repeat(900_000), noise.toString())) {
            JsonNode out = Json.parse(invokeStream(handler::handleRequest,
                    Json.write(Json.object().put("filler", filler)).getBytes(StandardCharsets.UTF_8)));
            assertThat(out.path("deadLettered").asInt()).isEqualTo(1);
        }
        var items = services.dynamo().scan(b -> b.tableName(services.tables().deadLetters())).items();
        assertThat(items).hasSize(2);
        assertThat(items).anySatisfy(item -> assertThat(item).containsKey("payloadGzip"));
        assertThat(items).anySatisfy(item -> assertThat(item.get("payloadTruncated").bool()).isTrue());
    }

    @Test
    void evaluate_triggers_dead_letters_a_record_with_a_mistyped_attribute_and_processes_the_rest() throws Exception {
        ObjectNode event = (ObjectNode) Samples.json("ddb-events-insert-signed-up.json");
        ArrayNode records = (ArrayNode) event.get("Records");
        ObjectNode bad = records.get(0).deepCopy();
        ((ObjectNode) bad.at("/dynamodb/NewImage")).set("receivedAt", Json.object().put("BOOL", true));
        ((ObjectNode) bad.at("/dynamodb/NewImage")).set("userId", s("u-bad"));
        bad.put("eventID", "bad-record");
        ((ObjectNode) bad.get("dynamodb")).put("SequenceNumber", "1");
        records.insert(0, bad);

        StreamsEventResponse response = new EvaluateTriggersHandler(services).handleRequest(STREAM_SERIALIZER.fromJson(Json.write(event)), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetterCount()).isEqualTo(1);
        assertThat(services.messages().forUser("u-1", 5)).hasSize(1);
    }

    @Test
    void a_corrupt_message_does_not_strand_the_rest_of_its_slot() throws Exception {
        ObjectNode sample = (ObjectNode) Samples.json("ddb-messages-scheduled.json").at("/Records/0/dynamodb/NewImage");
        ObjectNode corrupt = sample.deepCopy();
        corrupt.set("id", s("corrupt"));
        corrupt.set("history", s("not a list"));
        for (int i = 0; i < 20; i++) {
            ObjectNode good = sample.deepCopy();
            good.set("id", s("good" + i));
            storeImage(services.tables().messages(), good, "id");
        }
        storeImage(services.tables().messages(), corrupt, "id");
        ScheduleSendsHandler handler = new ScheduleSendsHandler(services.slots(scheduler), services.streamBatch("schedule-sends"),
                services.deadLetters(), clock);

        JsonNode out = Json.parse(invokeStream(handler::handleRequest, Samples.text("scheduler-slot-fired.json").getBytes(StandardCharsets.UTF_8)));

        assertThat(out.path("released").asInt()).isEqualTo(20);
        for (int i = 0; i < 20; i++) {
            assertThat(services.messages().find("good" + i).orElseThrow().status()).isEqualTo(MessageStatus.READY);
        }
    }

    @Test
    void run_campaign_dead_letters_an_input_nested_ten_thousand_deep() {
        RunCampaignHandler handler = new RunCampaignHandler(services.campaignRun(request -> { }, CampaignRunSettings.of(1)), services.deadLetters(), clock);
        Map<String, Object> input = new HashMap<>();
        Map<String, Object> at = input;
        for (int d = 0; d < Mutator.DEEP; d++) {
            Map<String, Object> next = new HashMap<>();
            at.put("a", next);
            at = next;
        }

        assertThat(handler.handleRequest(input, null)).containsEntry("deadLettered", true);
        assertThat(deadLetterCount()).isEqualTo(1);
    }

    // --- shared machinery

    private record Outcome(int batchItemFailures, List<String> lostGoodRecords) {}

    @FunctionalInterface
    private interface BatchCheck {
        Outcome run(ObjectNode batch, List<ObjectNode> good) throws Exception;
    }

    @FunctionalInterface
    private interface GoodImage {
        void make(String key, ObjectNode image) throws Exception;
    }

    @FunctionalInterface
    private interface StreamInvoke {
        void handle(java.io.InputStream in, java.io.OutputStream out, com.amazonaws.services.lambda.runtime.Context context) throws Exception;
    }

    /**
     * Batches of 1-100 stream records built on {@code sample}: most good (unique keys from {@code goodImage}), some with
     * one attribute mutated. Each batch must report no failure, lose no good record and dead-letter what it did not process.
     */
    private void streamBatches(FuzzRun run, Mutator m, ObjectNode sample, BatchCheck check, GoodImage goodImage) throws Exception {
        String target = run.name;
        int batchNumber = 0;
        long sequence = 1000;
        for (int done = 0; done < run.cases; batchNumber++) {
            int size = m.chance(10) ? 100 : 1 + m.below(8);
            ObjectNode batch = Json.object();
            ArrayNode records = batch.putArray("Records");
            List<ObjectNode> good = new ArrayList<>();
            Set<String> badIds = new HashSet<>();
            for (int j = 0; j < size; j++, done++) {
                ObjectNode record = sample.deepCopy();
                String eventId = "ev-" + batchNumber + "-" + j;
                record.put("eventID", eventId);
                ObjectNode dynamodb = (ObjectNode) record.get("dynamodb");
                dynamodb.put("SequenceNumber", String.valueOf(sequence++));
                ObjectNode image = (ObjectNode) dynamodb.get("NewImage");
                boolean bad = size == 100 ? j == 37 : m.chance(40);
                if (bad) {
                    goodImage.make(batchNumber + "x" + j, image);
                    mutateImage(m, image);
                    badIds.add(eventId);
                } else {
                    goodImage.make(batchNumber + "x" + j, image);
                    good.add(record);
                }
                records.add(record);
                run.count(target + (bad ? " bad record" : " good record"));
            }
            try {
                Outcome outcome = check.run(batch, good);
                // As Lambda does: a reported failure is retried. DynamoDB Local answers an occasional
                // InternalServerError on an overloaded machine; a bad record reported as transient fails every time.
                for (int retry = 0; retry < 3 && outcome.batchItemFailures() > 0; retry++) {
                    outcome = check.run(batch, good);
                }
                if (outcome.batchItemFailures() > 0) {
                    run.violation(target, batchNumber, "reported a transient failure for bad input", Json.write(badRecords(batch, badIds)));
                }
                if (!outcome.lostGoodRecords().isEmpty()) {
                    run.violation(target, batchNumber, "good records lost", outcome.lostGoodRecords() + " with bad " + Json.write(badRecords(batch, badIds)));
                }
            } catch (Exception | Error e) {
                run.violation(target, batchNumber, "threw", e + " with bad " + Json.write(badRecords(batch, badIds)));
            }
        }
        String summary = run.report();
        assertThat(run.total()).isGreaterThanOrEqualTo(run.cases);
        assertThat(run.violations()).as(summary).isEmpty();
    }

    private static List<JsonNode> badRecords(ObjectNode batch, Set<String> badIds) {
        List<JsonNode> bad = new ArrayList<>();
        batch.get("Records").forEach(r -> {
            if (badIds.contains(r.path("eventID").asText())) {
                bad.add(r.at("/dynamodb/NewImage"));
            }
        });
        return bad;
    }

    /** One attribute of a DynamoDB image (anywhere in it) replaced, removed or added, as a buggy writer would. */
    static void mutateImage(Mutator m, ObjectNode image) {
        List<ObjectNode> maps = new ArrayList<>();
        collectMaps(image, maps);
        ObjectNode map = m.pick(maps);
        List<String> names = new ArrayList<>();
        map.fieldNames().forEachRemaining(names::add);
        String name = names.isEmpty() || m.chance(10) ? m.pick(List.of("unknownAttribute", "", "x".repeat(300))) : m.pick(names);
        switch (m.below(8)) {
            case 0 -> map.remove(name);
            case 1 -> map.set(name, Json.object().put("N", m.pick(List.of("abc", "1e400", "", "-", "NaN", "99999999999999999999999999999999999999999"))));
            case 2 -> map.set(name, Json.object().put("BOOL", true));
            case 3 -> map.set(name, Json.object().put("NULL", true));
            case 4 -> map.set(name, Json.object().set("M", Json.object()));
            case 5 -> map.set(name, Json.object().set("L", Json.MAPPER.createArrayNode().add(Json.object().put("S", "x"))));
            case 6 -> map.set(name, Json.object().set("SS", Json.MAPPER.createArrayNode().add("a")));
            default -> map.set(name, Json.object().put("S", m.oddString()));
        }
    }

    private static void collectMaps(ObjectNode image, List<ObjectNode> into) {
        into.add(image);
        image.properties().forEach(e -> {
            JsonNode nested = e.getValue().get("M");
            if (nested instanceof ObjectNode map) {
                collectMaps(map, into);
            }
        });
    }

    /** A payload in one of the ways it can arrive broken: a tree mutation, broken text, or bytes that are not UTF-8. */
    private static byte[] mutatedPayload(Mutator m, JsonNode sample) {
        return switch (m.below(3)) {
            case 0 -> Json.write(m.mutateTree(sample)).getBytes(StandardCharsets.UTF_8);
            case 1 -> m.mutateText(Json.write(sample)).getBytes(StandardCharsets.UTF_8);
            default -> m.invalidUtf8(Json.write(sample));
        };
    }

    /** Writes a stream image to its table as the record says it is, when it has a usable key. */
    private void storeImage(String table, JsonNode image, String key) {
        JsonNode id = image.path(key).path("S");
        if (!id.isTextual() || id.asText().isEmpty() || id.asText().length() > 1000) {
            return;
        }
        try {
            var lambdaImage = STREAM_SERIALIZER.fromJson(Json.write(Json.object().set("Records", Json.MAPPER.createArrayNode()
                    .add(Json.object().set("dynamodb", Json.object().set("NewImage", image)))))).getRecords().get(0).getDynamodb().getNewImage();
            Map<String, AttributeValue> item = StreamImages.toSdk(lambdaImage);
            services.dynamo().putItem(b -> b.tableName(table).item(item));
        } catch (RuntimeException refused) {
            // DynamoDB refuses some shapes (an empty set, a bad number): then the table does not hold it, as in real life
        }
    }

    /** A SENT SMS whose SNS message id the receipts name, as deliver leaves it. */
    private void storeSentSms(String id, String providerId) {
        java.time.Instant at = clock.instant().minusSeconds(5);
        Message message = new Message(id, "ada", "welcome", "e-" + id, io.nudge.model.Channel.SMS, io.nudge.model.Priority.MARKETING,
                "welcome", MessageStatus.SENT, Optional.empty(), Json.object(), Optional.empty(), Optional.empty(), Optional.of(providerId),
                Optional.of(at), Optional.empty(), at, List.of(new io.nudge.model.HistoryEntry(MessageStatus.SENT, null, at)));
        services.dynamo().putItem(b -> b.tableName(services.tables().messages()).item(services.messages().toItem(message)));
    }

    /** A journey for the advance-journeys cases: a send, then a long pause, then the end. */
    private JourneyCatalog fuzzJourney() {
        services.journeys().put("fuzz_journey", json("{'name':'Fuzz','entry':{'event':'fuzz_entered'},'start':'hello','steps':{"
                + "'hello':{'type':'send','channel':'email','template':'cart_reminder','priority':'transactional','next':'pause'},"
                + "'pause':{'type':'delay','duration':'PT1H','next':'end'},'end':{'type':'exit'}}}"));
        return new JourneyCatalog(services.definitions());
    }

    /** A new instance of the fuzz journey for this user, at its first step: the table's item, as its stream image. */
    private Map<String, AttributeValue> enterFuzzJourney(String userId) {
        new UserService(services.users(), clock).upsert(userId, json("{'email':'" + userId + "@example.com'}"));
        java.time.Instant now = clock.instant();
        Event entry = new Event("entry-" + userId, userId, "fuzz_entered", (ObjectNode) json("{'cartId':'c1'}"), now, now);
        JourneyCatalog catalog = new JourneyCatalog(services.definitions());
        catalog.refresh();
        var outcomes = services.journeyEngine(catalog).onEvent(entry,
                services.users().find(userId).orElseThrow());
        String id = ((JourneyEngine.Outcome.Entered) outcomes.get(0)).instanceId();
        return services.dynamo().getItem(b -> b.tableName(services.tables().journeys()).key(Map.of("id", AttributeValue.fromS(id)))
                .consistentRead(true)).item();
    }

    /** An item as a DynamoDB stream image (DynamoDB JSON). */
    private static ObjectNode journeyImage(Map<String, AttributeValue> item) {
        ObjectNode image = Json.object();
        item.forEach((name, value) -> image.set(name, attributeJson(value)));
        return image;
    }

    private static ObjectNode attributeJson(AttributeValue value) {
        return switch (value.type()) {
            case S -> Json.object().put("S", value.s());
            case N -> Json.object().put("N", value.n());
            case BOOL -> Json.object().put("BOOL", value.bool());
            case NUL -> Json.object().put("NULL", true);
            case M -> Json.object().set("M", journeyImage(value.m()));
            case L -> {
                ArrayNode list = Json.MAPPER.createArrayNode();
                value.l().forEach(v -> list.add(attributeJson(v)));
                yield Json.object().set("L", list);
            }
            default -> throw new IllegalArgumentException("no such attribute in an instance: " + value.type());
        };
    }

    /** A stream record (INSERT) whose image the good-image maker fills with a real instance. */
    private static ObjectNode journeyRecordSample() {
        ObjectNode record = Json.object().put("eventID", "sample").put("eventName", "INSERT").put("eventSource", "aws:dynamodb");
        record.putObject("dynamodb").put("SequenceNumber", "1").put("StreamViewType", "NEW_IMAGE")
                .putObject("NewImage").set("id", s("placeholder"));
        return record;
    }

    private int deadLetterCount() {
        return services.dynamo().scan(b -> b.tableName(services.tables().deadLetters()).select("COUNT")).count();
    }

    /**
     * As Lambda does for an asynchronous invocation: a throw is retried. Only a storage failure is retried here
     * (DynamoDB Local on an overloaded machine); a bad payload that throws does so every time.
     */
    private static String invokeRetryingStorage(StreamInvoke handler, byte[] payload) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return invokeStream(handler, payload);
            } catch (software.amazon.awssdk.core.exception.SdkException storage) {
                if (attempt >= 3 || storage instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                        && aws.statusCode() < 500) {
                    throw storage;
                }
            }
        }
    }

    private static String invokeStream(StreamInvoke handler, byte[] payload) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handle(new ByteArrayInputStream(payload), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static ObjectNode s(String value) {
        return Json.object().put("S", value);
    }

    private static JsonNode json(String singleQuoted) {
        try {
            return Json.parse(singleQuoted.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
