package io.nudge.bench.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.aws.AwsClients;
import io.nudge.bench.LocalDynamoServer;
import io.nudge.config.Tables;
import io.nudge.evaluate.EvaluationContext;
import io.nudge.ids.Ids;
import io.nudge.json.Json;
import io.nudge.model.Channel;
import io.nudge.model.Consent;
import io.nudge.model.ConsentStatus;
import io.nudge.model.Event;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.model.UserProfile;
import io.nudge.stats.Counter;
import io.nudge.stats.StatsStore;
import io.nudge.stats.Subject;
import io.nudge.store.EventStore;
import io.nudge.store.MessageStore;
import io.nudge.store.TableDefinitions;
import io.nudge.store.UserStore;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Fills a local runner's data folder ({@code <data>/dynamodb}, the tables {@code Tables.withPrefix("nudge-")}) with
 * users, events, messages and their Stats counters, written straight to DynamoDB Local with the stores' own item
 * mapping (no HTTP, no evaluation, no delivery), so the console can be timed over a realistic amount of data.
 *
 * <p>The seeded items are history, not new work: the streams are off while seeding, and each of the runner's stream
 * pollers then gets a checkpoint at the start of the re-enabled stream, so the runner does not evaluate or deliver what
 * was written here.
 */
final class ConsoleSeed {
    static final String TABLE_PREFIX = "nudge-";
    private static final int BATCH = 25;
    private static final int WRITERS = 4;
    private static final int DAYS = 30;
    private static final String CAMPAIGN = "weekly_digest";

    /** One source of messages: an example trigger or the example campaign, with its share of the messages. */
    record Source(String id, boolean campaign, String event, Channel channel, Priority priority, String template, Duration delay,
            double share) {}

    static final List<Source> SOURCES = List.of(
            new Source("welcome", false, "signed_up", Channel.EMAIL, Priority.TRANSACTIONAL, "welcome_email", Duration.ZERO, 0.15),
            new Source("abandoned_cart", false, "cart_abandoned", Channel.EMAIL, Priority.MARKETING, "cart_reminder", Duration.ofHours(1), 0.20),
            new Source("day1_tips", false, "first_session", Channel.EMAIL, Priority.MARKETING, "day1_tips", Duration.ofDays(1), 0.10),
            new Source("order_shipped", false, "order_shipped", Channel.SMS, Priority.TRANSACTIONAL, "order_shipped_sms", Duration.ZERO, 0.15),
            new Source("win_back", false, "session_started", Channel.EMAIL, Priority.MARKETING, "we_miss_you", Duration.ofDays(14), 0.10),
            new Source(CAMPAIGN, true, null, Channel.EMAIL, Priority.MARKETING, null, Duration.ZERO, 0.30));

    /** What was written, how long it took, and ids the timing runs open. */
    record Seeded(int users, int messages, int events, int statsUpdates, double seconds, Map<String, Integer> statuses,
            List<String> userIds, List<String> messageIds, Map<String, Integer> bySource) {
        double itemsPerSecond() {
            return (users + messages + events) / seconds;
        }
    }

    private static final String CHECKPOINTS = TABLE_PREFIX + "LocalCheckpoints";

    private ConsoleSeed() {}

    static Seeded seed(Path root, Path dataDir, int userCount, int messageCount) throws Exception {
        long started = System.nanoTime();
        Tables tables = Tables.withPrefix(TABLE_PREFIX);
        try (LocalDynamoServer server = LocalDynamoServer.start(root, Optional.of(dataDir.resolve("dynamodb")));
                DynamoDbClient dynamo = AwsClients.dynamoDbAt(server.endpoint(), Map.of());
                DynamoDbStreamsClient streams = AwsClients.dynamoDbStreamsAt(server.endpoint())) {
            TableDefinitions.createMissing(dynamo, tables);
            // DynamoDB Local's expiry sweep scans every TTL table under its one database lock: with tens of thousands of
            // events it starves the writes (10 events/s). Off while seeding; the runner turns it on again when it starts.
            for (String table : TableDefinitions.TTL_TABLES.apply(tables)) {
                dynamo.updateTimeToLive(b -> b.tableName(table).timeToLiveSpecification(t -> t.enabled(false).attributeName("expiresAt")));
            }
            // The seeded items are history, not new work. Streams off while seeding: DynamoDB Local slows to a few writes
            // a second once a stream holds some ten thousand records. On again after, with one marker record each, and
            // each runner poller's checkpoint at that record: the pollers start there, not at the trim horizon of an
            // empty shard (from where DynamoDB Local gave the runner's Messages pollers nothing).
            Map<String, StreamSpecification> specs = new HashMap<>();
            for (String table : List.of(tables.events(), tables.messages())) {
                specs.put(table, dynamo.describeTable(b -> b.tableName(table)).table().streamSpecification());
                dynamo.updateTable(b -> b.tableName(table).streamSpecification(StreamSpecification.builder().streamEnabled(false).build()));
            }
            Seeded seeded = write(dynamo, tables, userCount, messageCount, started);
            specs.forEach((table, spec) -> dynamo.updateTable(b -> b.tableName(table).streamSpecification(spec)));
            mark(dynamo, tables.events(), "eventId");
            mark(dynamo, tables.messages(), "id");
            skipBacklog(dynamo, streams, tables.events(), List.of("evaluate-triggers"));
            skipBacklog(dynamo, streams, tables.messages(), List.of("deliver", "schedule-sends"));
            return seeded;
        }
    }

    private static Seeded write(DynamoDbClient dynamo, Tables tables, int userCount, int messageCount, long started) throws Exception {
        Random random = new Random(14);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant start = now.minus(Duration.ofDays(DAYS));
        MessageStore messageStore = new MessageStore(dynamo, tables.messages(), Duration.ofSeconds(1));
        EventStore eventStore = new EventStore(dynamo, tables.events(), Duration.ofDays(30));
        List<String> campaignRuns = campaignRuns(start, now);

        List<UserProfile> users = new ArrayList<>();
        for (int i = 0; i < userCount; i++) {
            users.add(user(i, random, start));
        }
        Writer writer = new Writer(dynamo);
        for (UserProfile u : users) {
            writer.put(tables.users(), UserStore.toItem(u, 1));
        }

        // Messages: each a source by its share, a user, a time in the period, a life with a realistic end.
        Map<String, Integer> statuses = new TreeMap<>();
        Map<String, Integer> bySource = new TreeMap<>();
        Map<StatsKey, Map<String, Long>> stats = new HashMap<>();
        Map<String, List<Message>> byUser = new HashMap<>();
        List<String> sampleMessages = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        // written after the events: DynamoDB Local writes events at a few a second into a database that already holds
        // 100,000 messages, and at hundreds a second the other way round
        List<Map<String, AttributeValue>> messageItems = new ArrayList<>(messageCount);
        for (int i = 0; i < messageCount; i++) {
            Source source = pick(random);
            UserProfile user = users.get(random.nextInt(users.size()));
            if (source.channel() == Channel.SMS && user.phone().isEmpty()) {
                source = SOURCES.get(1);
            }
            Instant created = start.plusSeconds((long) (random.nextDouble() * Duration.ofDays(DAYS).toSeconds()));
            String run = source.campaign() ? campaignRuns.get(random.nextInt(campaignRuns.size())) : null;
            if (run != null) {
                created = Instant.parse(run.substring("run-".length()) + ":00Z").plusSeconds(random.nextInt(600));
            }
            Message message = message(i, source, user, created, now, run, random);
            if (!ids.add(message.id())) {
                // the same user drawn twice for one campaign run: one message per run, so this one is a cart reminder
                source = SOURCES.get(1);
                message = message(i, source, user, created, now, null, random);
                ids.add(message.id());
            }
            messageItems.add(messageStore.toItem(message));
            statuses.merge(message.status().name(), 1, Integer::sum);
            bySource.merge(source.id(), 1, Integer::sum);
            count(stats, source, message);
            byUser.computeIfAbsent(user.userId(), k -> new ArrayList<>()).add(message);
            if (source.id().equals("welcome") && message.status() == MessageStatus.DELIVERED && sampleMessages.size() < 40) {
                sampleMessages.add(message.id());
            }
        }

        // ~3 events a user: the events of some of their trigger messages (matched, with the message), and events no
        // trigger listens to or whose condition failed (with the failing condition), so the timeline has both.
        int events = 0;
        for (UserProfile user : users) {
            List<Message> theirs = byUser.getOrDefault(user.userId(), List.of());
            int wanted = 2 + random.nextInt(3);
            for (int e = 0; e < wanted; e++) {
                Event event;
                ArrayNode evaluation = Json.MAPPER.createArrayNode();
                Optional<Message> of = theirs.stream().filter(m -> !m.context().has("campaign")).skip(e).findFirst();
                if (of.isPresent() && e < 2) {
                    Message m = of.get();
                    event = new Event(m.eventId(), user.userId(), m.context().path("event").path("name").asText(),
                            (ObjectNode) m.context().path("event").path("properties"), m.createdAt(), m.createdAt());
                    ObjectNode d = evaluation.addObject().put("triggerId", m.triggerId()).put("matched", true).put("messageId", m.id());
                    m.dueAt().ifPresent(due -> d.put("dueAt", due.toString()));
                } else if (e % 2 == 0) {
                    Instant at = start.plusSeconds((long) (random.nextDouble() * Duration.ofDays(DAYS).toSeconds()));
                    ObjectNode properties = Json.object().put("total", 5 + random.nextInt(15)).put("cartId", "cart-" + random.nextInt(1_000_000));
                    event = new Event("evt-" + user.userId() + "-" + e, user.userId(), "cart_abandoned", properties, at, at);
                    // the shape evaluate-triggers stores (EvaluateService.toJson): the first failing condition, expected and actual
                    ObjectNode failed = evaluation.addObject().put("triggerId", "abandoned_cart").put("matched", false)
                            .put("reason", "condition 0 (event.properties.total) did not hold");
                    failed.putObject("condition").put("index", 0).put("path", "event.properties.total").put("op", "gte")
                            .put("expected", 20).set("actual", properties.path("total"));
                } else {
                    Instant at = start.plusSeconds((long) (random.nextDouble() * Duration.ofDays(DAYS).toSeconds()));
                    event = new Event("evt-" + user.userId() + "-" + e, user.userId(), "page_viewed",
                            Json.object().put("path", "/pricing"), at, at);
                }
                Map<String, AttributeValue> item = new HashMap<>(eventStore.toItem(event));
                item.put("evaluation", io.nudge.store.AttributeValues.fromJson(evaluation));
                writer.put(tables.events(), item);
                events++;
            }
        }
        for (Map<String, AttributeValue> item : messageItems) {
            writer.put(tables.messages(), item);
        }
        writer.finish();

        StatsStore statsStore = new StatsStore(dynamo, tables.stats());
        try (ExecutorService pool = Executors.newFixedThreadPool(WRITERS)) {
            List<Future<?>> done = new ArrayList<>();
            stats.forEach((key, amounts) -> done.add(pool.submit(() -> statsStore.add(key.subject(), key.channel(),
                    key.day().atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(43_200), amounts))));
            for (Future<?> f : done) {
                f.get();
            }
        }
        List<String> userIds = users.stream().map(UserProfile::userId).filter(id -> byUser.getOrDefault(id, List.of()).size() >= 3)
                .limit(40).toList();
        return new Seeded(userCount, messageCount, events, stats.size(), (System.nanoTime() - started) / 1e9, statuses, userIds,
                sampleMessages, bySource);
    }

    private static UserProfile user(int i, Random random, Instant start) {
        String id = String.format("user-%05d", i);
        Instant created = start.minus(Duration.ofDays(random.nextInt(60)));
        Map<Channel, Consent> consent = new EnumMap<>(Channel.class);
        boolean optedOut = random.nextInt(100) < 4;
        consent.put(Channel.EMAIL, new Consent(optedOut ? ConsentStatus.OPTED_OUT : ConsentStatus.OPTED_IN,
                optedOut ? "unsubscribe" : "api", created));
        Optional<String> phone = Optional.empty();
        if (random.nextInt(100) < 40) {
            // a number the API accepts (libphonenumber-valid E.164: a German mobile), as the user page looks it up
            phone = Optional.of(String.format("+49151%08d", 10_000_000 + i));
            consent.put(Channel.SMS, new Consent(ConsentStatus.OPTED_IN, "api", created));
        }
        ObjectNode attributes = Json.object().put("first_name", "User" + i).put("plan", random.nextInt(3) == 0 ? "pro" : "free")
                .put("country", List.of("DE", "US", "FR", "GB").get(random.nextInt(4)));
        return new UserProfile(id, Optional.of(id + "@example.com"), phone,
                Optional.of(random.nextBoolean() ? "Europe/Berlin" : "America/New_York"), Optional.of(random.nextBoolean() ? "de" : "en"),
                attributes, consent, java.util.Map.of(), List.of(), created, created, 1);
    }

    private static Message message(int i, Source source, UserProfile user, Instant created, Instant now, String run, Random random) {
        ObjectNode context;
        String eventId;
        String id;
        String template = source.template();
        if (source.campaign()) {
            String arm = random.nextBoolean() ? "A" : "B";
            template = arm.equals("A") ? "digest_a" : "digest_b";
            context = Json.object();
            context.putObject("campaign").put("id", CAMPAIGN).put("runId", run).put("arm", arm);
            eventId = run;
            id = Ids.derive("campaign", CAMPAIGN, run, user.userId());
        } else {
            ObjectNode properties = switch (source.event()) {
                case "cart_abandoned" -> Json.object().put("total", 20 + random.nextInt(200)).put("cartId", "cart-" + i);
                case "order_shipped" -> Json.object().put("orderId", "order-" + i).put("carrier", "DHL");
                case "signed_up" -> Json.object().put("plan", random.nextInt(3) == 0 ? "pro" : "free");
                default -> Json.object();
            };
            eventId = "evt-m" + i;
            Event event = new Event(eventId, user.userId(), source.event(), properties, created, created);
            context = EvaluationContext.of(event, user);
            id = Ids.derive("message", source.id(), eventId);
        }
        List<HistoryEntry> history = new ArrayList<>();
        Instant due = created.plus(source.delay());
        boolean delayed = !source.delay().isZero();
        if (delayed) {
            history.add(new HistoryEntry(MessageStatus.SCHEDULED, "delay", created));
        }
        int roll = random.nextInt(1000);
        if (delayed && due.isAfter(now)) {
            // still waiting (win_back's 14 days, day1_tips' day): due later, as the runner would have it
            return build(id, source, user, template, MessageStatus.SCHEDULED, Optional.of("delay"), context, eventId, created,
                    Optional.of(due), history, false);
        }
        if (source.id().equals("abandoned_cart") && roll < 120) {
            history.add(new HistoryEntry(MessageStatus.CANCELLED, "cancelled by purchase_completed", created.plusSeconds(600)));
            return build(id, source, user, template, MessageStatus.CANCELLED, Optional.of("cancelled by purchase_completed"), context,
                    eventId, created, Optional.empty(), history, false);
        }
        Instant ready = delayed ? due : created;
        history.add(new HistoryEntry(MessageStatus.READY, null, ready));
        if (roll >= 950) {
            String reason = List.of("frequency_cap", "no_consent", "suppressed").get(roll % 3);
            history.add(new HistoryEntry(MessageStatus.SUPPRESSED, reason, ready.plusMillis(200)));
            return build(id, source, user, template, MessageStatus.SUPPRESSED, Optional.of(reason), context, eventId, created,
                    Optional.empty(), history, false);
        }
        history.add(new HistoryEntry(MessageStatus.SENDING, null, ready.plusMillis(100)));
        if (roll >= 940) {
            history.add(new HistoryEntry(MessageStatus.FAILED, "provider_rejected", ready.plusMillis(400)));
            return build(id, source, user, template, MessageStatus.FAILED, Optional.of("provider_rejected"), context, eventId, created,
                    Optional.empty(), history, false);
        }
        history.add(new HistoryEntry(MessageStatus.SENT, null, ready.plusMillis(300)));
        MessageStatus end = MessageStatus.SENT;
        if (roll < 30 && source.channel() == Channel.EMAIL) {
            end = MessageStatus.BOUNCED;
        } else if (roll < 35 && source.channel() == Channel.EMAIL) {
            end = MessageStatus.COMPLAINED;
        } else if (roll < 700) {
            end = MessageStatus.DELIVERED;
        }
        if (end != MessageStatus.SENT) {
            if (end == MessageStatus.COMPLAINED) {
                history.add(new HistoryEntry(MessageStatus.DELIVERED, null, ready.plusSeconds(5)));
            }
            history.add(new HistoryEntry(end, end == MessageStatus.BOUNCED ? "Permanent/General" : null,
                    ready.plusSeconds(end == MessageStatus.COMPLAINED ? 3600 : 5)));
        }
        return build(id, source, user, template, end, end == MessageStatus.BOUNCED ? Optional.of("Permanent/General") : Optional.empty(),
                context, eventId, created, Optional.empty(), history, true);
    }

    private static Message build(String id, Source source, UserProfile user, String template, MessageStatus status, Optional<String> reason,
            ObjectNode context, String eventId, Instant created, Optional<Instant> dueAt, List<HistoryEntry> history, boolean sent) {
        Optional<String> to = sent ? (source.channel() == Channel.SMS ? user.phone() : user.email()) : Optional.empty();
        Optional<String> subject = sent && source.channel() == Channel.EMAIL ? Optional.of(subjectOf(template, user)) : Optional.empty();
        return new Message(id, user.userId(), source.id(), eventId, source.channel(), source.priority(), template, status, reason, context,
                to, subject, sent ? Optional.of("local-" + id.substring(0, Math.min(16, id.length()))) : Optional.empty(), Optional.empty(),
                dueAt, created, history, sent && source.channel() == Channel.SMS ? Optional.of(1) : Optional.empty());
    }

    private static String subjectOf(String template, UserProfile user) {
        String name = user.attributes().path("first_name").asText("there");
        return switch (template) {
            case "welcome_email" -> "Welcome to Acme, " + name + "!";
            case "cart_reminder" -> name + ", you left something in your cart";
            case "day1_tips" -> "Three tips for your first day, " + name;
            case "we_miss_you" -> "We miss you, " + name;
            case "digest_a" -> "Your week at Acme";
            default -> "This week: what you missed, " + name;
        };
    }

    /** Stats as the pipeline counts them: per subject (a campaign per arm), channel and UTC day of the message. */
    record StatsKey(Subject subject, Channel channel, LocalDate day) {}

    private static void count(Map<StatsKey, Map<String, Long>> stats, Source source, Message message) {
        Subject subject = source.campaign() ? Subject.campaignArm(CAMPAIGN, message.context().path("campaign").path("arm").asText())
                : Subject.trigger(source.id());
        Map<String, Long> c = stats.computeIfAbsent(new StatsKey(subject, message.channel(),
                message.createdAt().atZone(ZoneOffset.UTC).toLocalDate()), k -> new HashMap<>());
        if (source.campaign()) {
            c.merge("assigned", 1L, Long::sum);
        }
        c.merge(Counter.TRIGGERED.wire(), 1L, Long::sum);
        for (HistoryEntry h : message.history()) {
            String counter = switch (h.status()) {
                case SCHEDULED -> Counter.SCHEDULED.wire();
                case CANCELLED -> Counter.CANCELLED.wire();
                case SENT -> Counter.SENT.wire();
                case DELIVERED -> Counter.DELIVERED.wire();
                case BOUNCED -> Counter.BOUNCED.wire();
                case COMPLAINED -> Counter.COMPLAINED.wire();
                case FAILED -> Counter.FAILED.wire();
                case SUPPRESSED -> Counter.suppressed(h.reason());
                default -> null;
            };
            if (counter != null) {
                c.merge(counter, 1L, Long::sum);
            }
        }
        if (message.status() == MessageStatus.DELIVERED && message.channel() == Channel.EMAIL) {
            // engagement counted as the feedback pipeline does; a fixed share of delivered emails (by id, stable)
            int h = Math.floorMod(message.id().hashCode(), 100);
            if (h < 35) {
                c.merge(Counter.OPENED.wire(), 1L, Long::sum);
            }
            if (h < 10) {
                c.merge(Counter.CLICKED.wire(), 1L, Long::sum);
            }
            if (h < 3) {
                c.merge(Counter.CONVERTED.wire(), 1L, Long::sum);
            }
        }
    }

    private static Source pick(Random random) {
        double r = random.nextDouble();
        for (Source s : SOURCES) {
            r -= s.share();
            if (r < 0) {
                return s;
            }
        }
        return SOURCES.get(SOURCES.size() - 1);
    }

    /** The campaign's runs in the period: every Monday 10:00 Berlin time, as its schedule says ("run-<UTC minute>"). */
    private static List<String> campaignRuns(Instant start, Instant now) {
        List<String> runs = new ArrayList<>();
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        LocalDate day = start.atZone(berlin).toLocalDate().with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY));
        for (; ; day = day.plusWeeks(1)) {
            Instant at = day.atTime(10, 0).atZone(berlin).toInstant();
            if (at.isAfter(now)) {
                break;
            }
            runs.add("run-" + at.toString().substring(0, 16));
        }
        if (runs.isEmpty()) {
            runs.add("run-" + start.toString().substring(0, 16));
        }
        return runs;
    }

    /** A put and a delete of a marker item: records on the re-enabled stream for the checkpoints to point at. */
    private static void mark(DynamoDbClient dynamo, String table, String key) {
        Map<String, AttributeValue> marker = Map.of(key, AttributeValue.fromS("bench-seed-marker"));
        dynamo.putItem(b -> b.tableName(table).item(marker));
        dynamo.deleteItem(b -> b.tableName(table).key(marker));
    }

    /**
     * Writes each poller's checkpoint at the last record of every shard of the table's stream, in the local runner's
     * checkpoint table ({@code nudge-LocalCheckpoints}, key {@code <poller>@<table>/<shard>}, see local's StreamPoller),
     * so the runner does not evaluate or deliver the seeded events and messages again.
     */
    private static void skipBacklog(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String table, List<String> pollers) {
        String arn = dynamo.describeTable(b -> b.tableName(table)).table().latestStreamArn();
        try {
            dynamo.createTable(b -> b.tableName(CHECKPOINTS).billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(KeySchemaElement.builder().attributeName("shard").keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("shard").attributeType(ScalarAttributeType.S).build()));
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceInUseException exists) {
            // created for the other table's stream
        }
        for (Shard shard : streams.describeStream(b -> b.streamArn(arn)).streamDescription().shards()) {
            String iterator = streams.getShardIterator(b -> b.streamArn(arn).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            String last = null;
            while (iterator != null) {
                String from = iterator;
                GetRecordsResponse page = streams.getRecords(b -> b.shardIterator(from).limit(1000));
                if (page.records().isEmpty()) {
                    break;
                }
                last = page.records().get(page.records().size() - 1).dynamodb().sequenceNumber();
                iterator = page.nextShardIterator();
            }
            if (last != null) {
                String sequence = last;
                for (String poller : pollers) {
                    dynamo.putItem(b -> b.tableName(CHECKPOINTS).item(Map.of("shard", AttributeValue.fromS(poller + "@" + table + "/" + shard.shardId()),
                            "sequence", AttributeValue.fromS(sequence))));
                }
            }
        }
    }

    /** BatchWriteItem of 25 per table from a few threads, unprocessed items retried. */
    private static final class Writer {
        private final DynamoDbClient dynamo;
        private final ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        private final List<Future<?>> pending = new ArrayList<>();
        private final Map<String, List<WriteRequest>> buffers = new HashMap<>();

        Writer(DynamoDbClient dynamo) {
            this.dynamo = dynamo;
        }

        void put(String table, Map<String, AttributeValue> item) throws Exception {
            List<WriteRequest> buffer = buffers.computeIfAbsent(table, t -> new ArrayList<>());
            buffer.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            if (buffer.size() == BATCH) {
                submit(table, List.copyOf(buffer));
                buffer.clear();
            }
        }

        private void submit(String table, List<WriteRequest> batch) throws Exception {
            if (pending.size() >= WRITERS * 8) {
                pending.remove(0).get();
            }
            pending.add(pool.submit(() -> {
                Map<String, List<WriteRequest>> left = Map.of(table, batch);
                for (int attempt = 0; !left.isEmpty(); attempt++) {
                    if (attempt > 0) {
                        try {
                            Thread.sleep(Math.min(1000, 20L << Math.min(attempt, 6)));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    }
                    final Map<String, List<WriteRequest>> request = left;
                    BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(request));
                    left = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
                }
                return null;
            }));
        }

        void finish() throws Exception {
            for (Map.Entry<String, List<WriteRequest>> e : buffers.entrySet()) {
                if (!e.getValue().isEmpty()) {
                    submit(e.getKey(), List.copyOf(e.getValue()));
                }
            }
            buffers.clear();
            for (Future<?> f : pending) {
                f.get();
            }
            pending.clear();
            pool.shutdown();
        }
    }
}
