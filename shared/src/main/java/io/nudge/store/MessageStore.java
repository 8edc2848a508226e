package io.nudge.store;

import static io.nudge.store.AttributeValues.s;

import io.nudge.messages.MessageSource;
import io.nudge.model.Channel;
import io.nudge.model.HistoryEntry;
import io.nudge.model.Message;
import io.nudge.model.MessageStatus;
import io.nudge.model.Priority;
import io.nudge.model.Times;
import io.nudge.scheduling.Slots;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The Messages table. Every status change is a conditional write from the expected status, so two writers racing
 * on one message (a retry, a sweep, a cancel, a slot release) can never both win.
 *
 * <p>Sparse index attributes follow the status: {@code slotKey} while SCHEDULED (the bySlot index a firing slot
 * reads), {@code pendingUser}/{@code pendingSort} while SCHEDULED, READY or SENDING (the pending index cancels read),
 * {@code inFlight}/{@code inFlightSince} while READY or SENDING (the sweep's index: a claim that died, or a READY
 * message whose stream record never reached deliver). The index keys are set when a message becomes READY and are not
 * touched by the claim, and the index is KEYS_ONLY, so the claim (which stamps the attempt too) writes no index entry.
 */
public final class MessageStore {
    /** READY and SENDING messages carry inFlight = one of these shards, so the sweep's index has no single hot key. */
    public static final int IN_FLIGHT_SHARDS = 4;
    private static final Set<MessageStatus> PENDING = Set.of(MessageStatus.SCHEDULED, MessageStatus.READY);
    /** Kept in the pending index while SENDING too, so a cancel that comes too late finds the message and says so. */
    private static final Set<MessageStatus> PENDING_INDEXED = Set.of(MessageStatus.SCHEDULED, MessageStatus.READY, MessageStatus.SENDING);
    /** In the sweep's inFlight index: due and not yet sent. */
    private static final Set<MessageStatus> IN_FLIGHT_INDEXED = Set.of(MessageStatus.READY, MessageStatus.SENDING);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration slotWidth;

    public MessageStore(DynamoDbClient dynamo, String table, Duration slotWidth) {
        this.dynamo = dynamo;
        this.table = table;
        this.slotWidth = slotWidth;
    }

    public Duration slotWidth() {
        return slotWidth;
    }

    /** @return false when a message with this id exists already (the same trigger and event, evaluated twice) */
    public boolean createIfAbsent(Message message) {
        return createIfAbsent(message, true);
    }

    /**
     * @param cancellable whether anything may look for this message in the pending index while it is READY: its
     *     trigger has cancel rules or replaces on re-entry. A SCHEDULED message is always indexed; a READY one that
     *     nothing cancels is not, which saves the index write when it is created and again when it is sent.
     * @return false when a message with this id exists already (the same trigger and event, evaluated twice)
     */
    public boolean createIfAbsent(Message message, boolean cancellable) {
        Map<String, AttributeValue> item = toItem(message);
        if (!cancellable) {
            leavePendingIndexUnlessScheduled(message, item);
        }
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(id)").build());
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    /**
     * Like {@link #createIfAbsent(Message, boolean)} for a message nothing cancels while READY (campaigns), for a caller
     * that counts what it created: the item carries {@code attempt}
     * (unique per call), so when the SDK retries a put that had in fact succeeded (a timeout) and the retry's condition
     * fails on the item this call wrote, the answer is still true. Another caller's item answers false.
     */
    public boolean createIfAbsent(Message message, String attempt) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(toItem(message));
        item.put("attempt", s(attempt));
        // Campaign messages: no trigger's cancel rule looks for them (1 write unit less per recipient, and a trigger
        // with the campaign's id cannot cancel one by accident).
        leavePendingIndexUnlessScheduled(message, item);
        try {
            dynamo.putItem(PutItemRequest.builder().tableName(table).item(item).conditionExpression("attribute_not_exists(id)")
                    .returnValuesOnConditionCheckFailure(
                            software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure.ALL_OLD).build());
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return exists.hasItem() && exists.item().containsKey("attempt") && attempt.equals(exists.item().get("attempt").s());
        }
    }

    /** A message nothing cancels while READY: no pending-index entry (a SCHEDULED message is always indexed). */
    private static void leavePendingIndexUnlessScheduled(Message message, Map<String, AttributeValue> item) {
        if (message.status() != MessageStatus.SCHEDULED) {
            item.remove("pendingUser");
            item.remove("pendingSort");
        }
    }

    public Optional<Message> find(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(Map.of("id", s(id))).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /**
     * READY → SENDING with attemptAt in one conditional write, just before the provider call (deliver runs its guards
     * and renders first, on the READY message): the claim that makes the send at most once, and the mark that makes a
     * crash after it UNKNOWN, never a resend. One write instead of a claim and a stamp.
     * @return false when someone else claimed it first, or it is no longer READY (cancelled, sent)
     */
    public boolean claimForSend(String id, Instant now, String to, Optional<String> subject, Optional<Integer> smsSegments) {
        Update update = new Update(MessageStatus.SENDING, Optional.empty(), now);
        // inFlight/inFlightSince stay as set when the message became READY: no index write for the claim.
        update.set("claimedAt = :now").set("attemptAt = :now").set("#to = :to").value(":to", s(to)).name("#to", "to");
        subject.ifPresent(v -> update.set("subject = :subject").value(":subject", s(v)));
        smsSegments.ifPresent(v -> update.set("smsSegments = :segments").value(":segments", AttributeValues.n(v)));
        return apply(id, Set.of(MessageStatus.READY), update);
    }

    /**
     * Moves a message from {@code from} to {@code to}, appending to its history.
     * @return false when the message was not in {@code from} any more
     */
    public boolean transition(String id, MessageStatus from, MessageStatus to, Optional<String> reason,
            Optional<String> providerMessageId, Instant now) {
        Update update = new Update(to, reason, now);
        providerMessageId.ifPresent(pid -> update.set("providerMessageId = :pid").value(":pid", s(pid)));
        return apply(id, Set.of(from), update);
    }

    /** Feedback moves a message from any of several statuses (SENT or DELIVERED → BOUNCED, …). */
    public boolean transitionFrom(String id, Set<MessageStatus> from, MessageStatus to, Optional<String> reason, Instant now) {
        return apply(id, from, new Update(to, reason, now));
    }

    /** The message a provider id belongs to (feedback without our tag; SMS receipts), through a keys-only index. */
    public Optional<Message> findByProviderId(String providerMessageId) {
        return dynamo.query(QueryRequest.builder().tableName(table).indexName(TableDefinitions.MESSAGES_BY_PROVIDER_ID)
                        .keyConditionExpression("providerMessageId = :p")
                        .expressionAttributeValues(Map.of(":p", s(providerMessageId))).limit(1).build())
                .items().stream().findFirst().flatMap(key -> find(key.get("id").s()));
    }

    /** SCHEDULED or READY → CANCELLED: loses cleanly (false) once deliver has claimed the message. */
    public boolean cancel(String id, String reason, Instant now) {
        return apply(id, PENDING, new Update(MessageStatus.CANCELLED, Optional.of(reason), now));
    }

    /** SCHEDULED → READY for the slot that holds it; a message moved to another slot meanwhile stays put. */
    public boolean release(String id, String slotKey, Instant now) {
        Update update = new Update(MessageStatus.READY, Optional.of("due"), now);
        update.condition("slotKey = :slotKey").value(":slotKey", s(slotKey));
        return apply(id, Set.of(MessageStatus.SCHEDULED), update);
    }

    /** SCHEDULED → READY whatever its slot (its slot fired before the message was written). */
    public boolean releaseNow(String id, String reason, Instant now) {
        return apply(id, Set.of(MessageStatus.SCHEDULED), new Update(MessageStatus.READY, Optional.of(reason), now));
    }

    /**
     * SENDING → SCHEDULED for {@code dueAt}: a guard deferred it (quiet hours, a rate limit). It goes back into the
     * slot index and the pending index, and schedule-sends makes sure its slot has a schedule.
     */
    public boolean reschedule(Message message, Instant dueAt, String reason, Instant now) {
        return reschedule(message, MessageStatus.SENDING, dueAt, reason, now);
    }

    /** {@code from} → SCHEDULED for {@code dueAt}: READY when a guard defers it before the claim, SENDING after it. */
    public boolean reschedule(Message message, MessageStatus from, Instant dueAt, String reason, Instant now) {
        long slot = Slots.slotOf(dueAt, slotWidth);
        Update update = new Update(MessageStatus.SCHEDULED, Optional.of(reason), now);
        update.set("dueAt = :due").value(":due", s(Times.format(dueAt)))
                .set("slot = :slot").value(":slot", s(Long.toString(slot)))
                .set("slotKey = :slotKey").value(":slotKey", s(Slots.key(slot, Slots.shardOf(message.id()))))
                .set("pendingUser = :pu").value(":pu", s(message.userId()))
                .set("pendingSort = :ps").value(":ps", s(pendingSort(message)));
        update.removeAlso("claimedAt", "attemptAt");
        return apply(message.id(), Set.of(from), update);
    }

    private static String inFlightShard(String id) {
        return Integer.toString(Math.floorMod(id.hashCode(), IN_FLIGHT_SHARDS));
    }

    private static String pendingSort(Message message) {
        return message.triggerId() + "#" + Times.format(message.createdAt()) + "#" + message.id();
    }

    /**
     * Records, without a status change, that something happened to the message (a cancel that came too late).
     * @return false when the message is no longer in {@code status}
     */
    public boolean note(String id, MessageStatus status, String reason, Instant now) {
        Update update = new Update(status, Optional.of(reason), now);
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                    .updateExpression("SET history = list_append(history, :entry)")
                    .conditionExpression("#status = :status")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":entry", update.values.get(":entry"), ":status", s(status.name())))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException moved) {
            // it moved on again; the note would describe a state it is no longer in
            return false;
        }
    }

    /**
     * Hands a READY message to deliver again: a history note and a new {@code inFlightSince}, in one conditional write
     * whose stream record (status READY) deliver picks up. The next re-drive waits a full grace from now.
     * @return false when the message is no longer READY
     */
    public boolean redrive(String id, String reason, Instant now) {
        Update update = new Update(MessageStatus.READY, Optional.of(reason), now);
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                    .updateExpression("SET history = list_append(history, :entry), inFlightSince = :now")
                    .conditionExpression("#status = :status AND attribute_exists(inFlight)")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":entry", update.values.get(":entry"), ":status", s(MessageStatus.READY.name()),
                            ":now", s(Times.format(now))))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    /**
     * Appends a history entry under whatever status the message has now (feedback: an open, a click, a soft bounce,
     * a conversion). Empty when there is no such message.
     */
    public Optional<MessageStatus> noteCurrent(String id, String reason, Instant now) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<Message> current = find(id);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            if (note(id, current.get().status(), reason, now)) {
                return Optional.of(current.get().status());
            }
        }
        throw new IllegalStateException("message kept changing status while a note was added");
    }

    private boolean apply(String id, Set<MessageStatus> from, Update update) {
        try {
            dynamo.updateItem(update.request(id, from).build());
            return true;
        } catch (ConditionalCheckFailedException moved) {
            return false;
        }
    }

    /** A user's messages, newest first (the keys-only byUser index, then the items, read consistently). */
    public List<Message> forUser(String userId, int limit) {
        return fetch(dynamo.query(QueryRequest.builder().tableName(table).indexName(TableDefinitions.MESSAGES_BY_USER)
                        .keyConditionExpression("userId = :u")
                        .expressionAttributeValues(Map.of(":u", s(userId)))
                        .scanIndexForward(false).limit(limit).build())
                .items());
    }

    /** All of a user's messages, oldest first, a page at a time (erasure and export). */
    public void forEachOfUser(String userId, Consumer<Message> action) {
        dynamo.queryPaginator(QueryRequest.builder().tableName(table).indexName(TableDefinitions.MESSAGES_BY_USER)
                        .keyConditionExpression("userId = :u")
                        .expressionAttributeValues(Map.of(":u", s(userId))).build())
                // the index holds keys only: each page's items are read whole (consistently) by fetch
                .forEach(page -> fetch(page.items()).forEach(action));
    }

    /**
     * Erasure: removes the personal fields of a message (address, rendered subject, the rendering context with the
     * profile and event properties) and replaces the reasons that quote {@code personal} text (a provider's words may
     * name the address). Status, history times, ids and counters stay. Conditional on the message existing.
     *
     * @return false when there was nothing left to erase
     */
    public boolean erasePersonal(Message message, java.util.Collection<String> personal, Instant now) {
        boolean hasFields = message.to().isPresent() || message.subject().isPresent() || !message.context().isEmpty();
        java.util.function.UnaryOperator<String> scrub = reason -> reason != null
                && personal.stream().anyMatch(p -> !p.isEmpty() && reason.toLowerCase(java.util.Locale.ROOT)
                        .contains(p.toLowerCase(java.util.Locale.ROOT))) ? "[erased]" : reason;
        List<HistoryEntry> history = message.history().stream()
                .map(h -> new HistoryEntry(h.status(), scrub.apply(h.reason()), h.at())).toList();
        boolean reasons = !history.equals(message.history())
                || message.reason().map(r -> !r.equals(scrub.apply(r))).orElse(false);
        if (!hasFields && !reasons) {
            return false;
        }
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":now", s(Times.format(now)));
        values.put(":history", AttributeValue.fromL(history.stream().map(MessageStore::historyEntry).toList()));
        String update = "SET erasedAt = :now, history = :history";
        if (message.reason().isPresent()) {
            values.put(":reason", s(scrub.apply(message.reason().get())));
            update += ", reason = :reason";
        }
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(message.id())))
                    .updateExpression(update + " REMOVE #to, subject, context")
                    .conditionExpression("attribute_exists(id)")
                    .expressionAttributeNames(Map.of("#to", "to"))
                    .expressionAttributeValues(values).build());
            return true;
        } catch (ConditionalCheckFailedException gone) {
            return false;
        }
    }

    /** A user's messages created at or after {@code since}, newest first, at most {@code limit}. */
    public List<Message> forUserSince(String userId, Instant since, int limit) {
        return fetch(dynamo.query(QueryRequest.builder().tableName(table).indexName(TableDefinitions.MESSAGES_BY_USER)
                        .keyConditionExpression("userId = :u AND createdAt >= :since")
                        .expressionAttributeValues(Map.of(":u", s(userId), ":since", s(Times.format(since))))
                        .scanIndexForward(false).limit(limit).build())
                .items());
    }

    /** A user's SCHEDULED, READY or SENDING messages of one trigger (the pending index holds nothing else). */
    public List<Message> pendingFor(String userId, String triggerId) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        dynamo.queryPaginator(QueryRequest.builder().tableName(table).indexName(TableDefinitions.MESSAGES_PENDING)
                        .keyConditionExpression("pendingUser = :u AND begins_with(pendingSort, :t)")
                        .expressionAttributeValues(Map.of(":u", s(userId), ":t", s(triggerId + "#")))
                        .build())
                .items().forEach(keys::add);
        return fetch(keys);
    }

    /**
     * The messages that keys-only index entries point to, in the entries' order, read consistently (an index is
     * eventually consistent; the item is not). A message deleted meanwhile is left out.
     */
    private List<Message> fetch(List<Map<String, AttributeValue>> indexEntries) {
        if (indexEntries.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, AttributeValue>> byId = new HashMap<>();
        List<String> ids = indexEntries.stream().map(entry -> entry.get("id").s()).distinct().toList();
        for (int from = 0; from < ids.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = ids.subList(from, Math.min(ids.size(), from + 100)).stream()
                    .map(id -> Map.of("id", s(id))).toList();
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt == 10) {
                    throw new IllegalStateException("BatchGetItem kept returning unprocessed keys");
                }
                BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(request).build());
                response.responses().getOrDefault(table, List.of()).forEach(item -> byId.put(item.get("id").s(), item));
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        List<Message> found = new ArrayList<>(ids.size());
        for (String id : ids) {
            Map<String, AttributeValue> item = byId.get(id);
            if (item != null) {
                found.add(fromItem(item));
            }
        }
        return found;
    }

    /**
     * A user's messages newest first (by creation) from the keys-only byUser index, at most {@code limit}, after
     * {@code after} when given; the items are {@link #findAll}'s.
     */
    public List<TimeKey> newestForUser(String userId, Optional<TimeKey> after, int limit) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(TableDefinitions.MESSAGES_BY_USER)
                .keyConditionExpression("userId = :u").expressionAttributeValues(Map.of(":u", s(userId)))
                .scanIndexForward(false).limit(limit);
        after.ifPresent(key -> query.exclusiveStartKey(Map.of("userId", s(userId), "createdAt", s(key.at()), "id", s(key.id()))));
        return dynamo.query(query.build()).items().stream().map(item -> new TimeKey(item.get("createdAt").s(), item.get("id").s())).toList();
    }

    /** The messages with these ids, in this order, read consistently (BatchGetItem); one no longer stored is left out. */
    public List<Message> findAll(List<String> ids) {
        return fetch(ids.stream().map(id -> Map.of("id", s(id))).toList());
    }

    /** Streams the messages waiting in one shard of a slot, a page at a time: a slot may hold very many. */
    public void forEachInSlot(long slot, int shard, Consumer<Message> action) {
        dynamo.queryPaginator(QueryRequest.builder().tableName(table).indexName(TableDefinitions.MESSAGES_BY_SLOT)
                        .keyConditionExpression("slotKey = :k")
                        .expressionAttributeValues(Map.of(":k", s(Slots.key(slot, shard))))
                        .build())
                .items().forEach(item -> {
                    Message message;
                    try {
                        message = fromItem(item);
                    } catch (RuntimeException unreadable) {
                        if (!io.nudge.lambda.PermanentFailure.isPermanent(unreadable)) {
                            throw unreadable;
                        }
                        // A corrupt item must not strand the rest of its slot; it stays in the table as it is.
                        io.nudge.log.Log.of(MessageStore.class).warn("skipped an unreadable message in a slot", "slot", slot,
                                "reason", unreadable.getClass().getSimpleName());
                        return;
                    }
                    action.accept(message);
                });
    }

    /** A READY or SENDING message found by the sweep, with when it became READY and when it was claimed. */
    public record InFlight(Message message, Instant since, Optional<Instant> claimedAt) {}

    /**
     * READY or SENDING messages that became READY before {@code cutoff}, oldest first, at most {@code perShard} from
     * each in-flight shard (a deliver backlog of a million READY messages must not turn one sweep into a million
     * reads). The index holds keys only; each message is read by key (consistently), so what is returned is its
     * current state, and a message that left READY/SENDING meanwhile is left out.
     */
    public List<InFlight> inFlightSince(Instant cutoff, int perShard) {
        List<InFlight> found = new ArrayList<>();
        for (int shard = 0; shard < IN_FLIGHT_SHARDS; shard++) {
            dynamo.queryPaginator(QueryRequest.builder().tableName(table).indexName(TableDefinitions.MESSAGES_IN_FLIGHT)
                            .keyConditionExpression("inFlight = :shard AND inFlightSince < :cutoff")
                            .expressionAttributeValues(Map.of(":shard", s(Integer.toString(shard)), ":cutoff", s(Times.format(cutoff))))
                            .limit(Math.min(perShard, 1_000))
                            .build())
                    .items().stream().limit(perShard).forEach(key -> {
                        Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                                .key(Map.of("id", key.get("id"))).consistentRead(true).build()).item();
                        if (item == null || item.isEmpty() || !item.containsKey("inFlightSince")) {
                            return;
                        }
                        Message message = fromItem(item);
                        if (IN_FLIGHT_INDEXED.contains(message.status())) {
                            found.add(new InFlight(message, Times.parse(item.get("inFlightSince").s()),
                                    UserStore.string(item, "claimedAt").map(Times::parse)));
                        }
                    });
        }
        return found;
    }

    /** Where a search page ended: the last index entry it examined. */
    public record After(String id, Instant createdAt) {
        public After {
            java.util.Objects.requireNonNull(id, "id");
            java.util.Objects.requireNonNull(createdAt, "createdAt");
        }
    }

    /** Up to a page of matching messages, and where to go on from (empty at the end). */
    public record SearchPage(List<Message> messages, Optional<After> next, int examined) {}

    /**
     * A trigger's or campaign's messages created in [{@code from}, {@code to}] (both inclusive), newest first, that
     * {@code filter} keeps: at most {@code limit} of them, examining at most {@code budget} index entries, so a filter
     * that matches little answers a short (even empty) page with a {@code next} rather than reading on and on.
     * The index holds keys only; the items are read with BatchGetItem, consistently.
     */
    public SearchPage bySource(MessageSource source, Instant from, Instant to, Optional<After> after, int limit, int budget,
            java.util.function.Predicate<Message> filter) {
        List<Message> found = new ArrayList<>();
        Optional<After> last = after;
        int examined = 0;
        boolean more = true;
        for (int round = 0; more && found.size() < limit && examined < budget; round++) {
            int wanted = limit - found.size();
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(TableDefinitions.MESSAGES_BY_SOURCE)
                    .keyConditionExpression("#source = :s AND createdAt BETWEEN :from AND :to")
                    .expressionAttributeNames(Map.of("#source", "source"))
                    .expressionAttributeValues(Map.of(":s", s(source.key()), ":from", s(Times.format(from)), ":to", s(Times.format(to))))
                    .scanIndexForward(false)
                    // what the page needs first; once the filter has dropped some, a full BatchGetItem (100) a round
                    .limit(Math.min(budget - examined, round == 0 ? wanted : Math.max(wanted, 100)));
            last.ifPresent(a -> query.exclusiveStartKey(Map.of("id", s(a.id()), "source", s(source.key()),
                    "createdAt", s(Times.format(a.createdAt())))));
            var response = dynamo.query(query.build());
            List<Map<String, AttributeValue>> entries = response.items();
            Map<String, Message> byId = new HashMap<>();
            fetch(entries).forEach(m -> byId.put(m.id(), m));
            int used = 0;
            for (Map<String, AttributeValue> entry : entries) {
                used++;
                examined++;
                last = Optional.of(new After(entry.get("id").s(), Times.parse(entry.get("createdAt").s())));
                Message message = byId.get(entry.get("id").s());
                if (message != null && filter.test(message)) {
                    found.add(message);
                    if (found.size() == limit) {
                        break;
                    }
                }
            }
            more = !entries.isEmpty()
                    && (used < entries.size() || response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty());
        }
        return new SearchPage(found, more ? last : Optional.empty(), examined);
    }

    /** The slot key a SCHEDULED message is stored under. */
    public String slotKeyOf(Message message) {
        return Slots.key(Slots.slotOf(message.dueAt().orElseThrow(), slotWidth), Slots.shardOf(message.id()));
    }

    /** One conditional status change: SET/REMOVE clauses follow from the target status (see the class comment). */
    private final class Update {
        private final List<String> set = new ArrayList<>();
        private final List<String> remove = new ArrayList<>();
        private final List<String> conditions = new ArrayList<>();
        private final Map<String, AttributeValue> values = new HashMap<>();
        private final Map<String, String> names = new HashMap<>(Map.of("#status", "status"));

        Update(MessageStatus to, Optional<String> reason, Instant now) {
            set.add("#status = :status");
            set.add("updatedAt = :now");
            set.add("history = list_append(history, :entry)");
            values.put(":status", s(to.name()));
            values.put(":now", s(Times.format(now)));
            values.put(":entry", AttributeValue.fromL(List.of(historyEntry(new HistoryEntry(to, reason.orElse(null), now)))));
            if (reason.isPresent()) {
                set.add("reason = :reason");
                values.put(":reason", s(reason.get()));
            } else {
                remove.add("reason");
            }
            if (to != MessageStatus.SCHEDULED) {
                remove.add("slotKey");
            }
            if (!PENDING_INDEXED.contains(to)) {
                remove.add("pendingUser");
                remove.add("pendingSort");
            }
            if (!IN_FLIGHT_INDEXED.contains(to)) {
                remove.add("inFlight");
                remove.add("inFlightSince");
            }
            if (to == MessageStatus.READY) {
                // (re-)enters the sweep's index now; the shard follows from the id (see request)
                set.add("inFlight = :inFlightShard");
                set.add("inFlightSince = :now");
                remove.add("claimedAt");
                remove.add("attemptAt");
            }
        }

        Update set(String clause) {
            set.add(clause);
            return this;
        }

        Update removeAlso(String... attributes) {
            for (String attribute : attributes) {
                if (!remove.contains(attribute)) {
                    remove.add(attribute);
                }
            }
            return this;
        }

        Update condition(String clause) {
            conditions.add(clause);
            return this;
        }

        Update value(String name, AttributeValue value) {
            values.put(name, value);
            return this;
        }

        Update name(String placeholder, String attribute) {
            names.put(placeholder, attribute);
            return this;
        }

        UpdateItemRequest.Builder request(String id, Set<MessageStatus> from) {
            if (set.contains("inFlight = :inFlightShard")) {
                values.put(":inFlightShard", s(inFlightShard(id)));
            }
            List<String> expected = new ArrayList<>();
            int i = 0;
            for (MessageStatus status : from) {
                values.put(":from" + i, s(status.name()));
                expected.add(":from" + i++);
            }
            List<String> all = new ArrayList<>(conditions);
            all.add(0, "#status IN (" + String.join(", ", expected) + ")");
            return UpdateItemRequest.builder().tableName(table).key(Map.of("id", s(id)))
                    .updateExpression("SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove)))
                    .conditionExpression(String.join(" AND ", all))
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values);
        }
    }

    private static AttributeValue historyEntry(HistoryEntry entry) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("status", s(entry.status().name()));
        if (entry.reason() != null) {
            m.put("reason", s(entry.reason()));
        }
        m.put("at", s(Times.format(entry.at())));
        return AttributeValue.fromM(m);
    }

    public Map<String, AttributeValue> toItem(Message message) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(message.id()));
        item.put("userId", s(message.userId()));
        item.put("triggerId", s(message.triggerId()));
        item.put("eventId", s(message.eventId()));
        item.put("channel", s(message.channel().wire()));
        item.put("priority", s(message.priority().wire()));
        item.put("templateId", s(message.templateId()));
        item.put("status", s(message.status().name()));
        message.reason().ifPresent(r -> item.put("reason", s(r)));
        item.put("context", AttributeValues.fromJson(message.context()));
        message.to().ifPresent(v -> item.put("to", s(v)));
        message.subject().ifPresent(v -> item.put("subject", s(v)));
        message.providerMessageId().ifPresent(v -> item.put("providerMessageId", s(v)));
        message.attemptAt().ifPresent(v -> item.put("attemptAt", s(Times.format(v))));
        message.dueAt().ifPresent(v -> item.put("dueAt", s(Times.format(v))));
        if (message.status() == MessageStatus.SCHEDULED) {
            long slot = Slots.slotOf(message.dueAt().orElseThrow(() -> new IllegalArgumentException("a SCHEDULED message needs dueAt")), slotWidth);
            item.put("slot", s(Long.toString(slot)));
            item.put("slotKey", s(Slots.key(slot, Slots.shardOf(message.id()))));
        }
        if (IN_FLIGHT_INDEXED.contains(message.status())) {
            item.put("inFlight", s(inFlightShard(message.id())));
            item.put("inFlightSince", s(Times.format(message.createdAt())));
        }
        if (message.pending()) {
            item.put("pendingUser", s(message.userId()));
            item.put("pendingSort", s(pendingSort(message)));
        }
        item.put("createdAt", s(Times.format(message.createdAt())));
        // never updated: the bySource index gets one entry per message, and no status change touches it
        item.put("source", s(MessageSource.of(message).key()));
        item.put("updatedAt", s(Times.format(message.createdAt())));
        item.put("history", AttributeValue.fromL(message.history().stream().map(MessageStore::historyEntry).toList()));
        return item;
    }

    /** Reads a stored item or a stream image; throws {@link io.nudge.lambda.BadRecord} on a shape no message has. */
    public static Message fromItem(Map<String, AttributeValue> item) {
        try {
            List<HistoryEntry> history = new ArrayList<>();
            AttributeValue h = item.get("history");
            if (h != null && h.hasL()) {
                for (AttributeValue entry : h.l()) {
                    Map<String, AttributeValue> m = entry.m();
                    history.add(new HistoryEntry(MessageStatus.valueOf(m.get("status").s()),
                            m.containsKey("reason") ? m.get("reason").s() : null, Times.parse(m.get("at").s())));
                }
            }
            return new Message(required(item, "id"), required(item, "userId"), required(item, "triggerId"),
                    required(item, "eventId"),
                    Channel.fromWire(item.get("channel").s()).orElseThrow(() -> new IllegalArgumentException("unknown channel")),
                    Priority.fromWire(item.get("priority").s()).orElse(Priority.MARKETING),
                    required(item, "templateId"),
                    MessageStatus.valueOf(item.get("status").s()),
                    UserStore.string(item, "reason"),
                    AttributeValues.objectOrEmpty(item.get("context")),
                    UserStore.string(item, "to"),
                    UserStore.string(item, "subject"),
                    UserStore.string(item, "providerMessageId"),
                    UserStore.string(item, "attemptAt").map(Times::parse),
                    UserStore.string(item, "dueAt").map(Times::parse),
                    Times.parse(item.get("createdAt").s()),
                    history,
                    item.containsKey("smsSegments") ? Optional.of(Integer.parseInt(item.get("smsSegments").n())) : Optional.empty());
        } catch (NullPointerException | IllegalArgumentException | java.time.DateTimeException e) {
            throw new io.nudge.lambda.BadRecord("not a message record", e);
        }
    }

    /**
     * Counts one more delivery of a READY message that failed with an internal error (a defect, not the message's
     * fault), so its retries are bounded: the count after this one, or empty when the message is no longer READY.
     */
    public java.util.OptionalInt countInternalError(String id) {
        try {
            Map<String, AttributeValue> after = dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                    .key(Map.of("id", s(id)))
                    .updateExpression("ADD internalErrors :one")
                    .conditionExpression("#status = :ready")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":one", AttributeValues.n(1), ":ready", s(MessageStatus.READY.name())))
                    .returnValues(ReturnValue.UPDATED_NEW).build()).attributes();
            return java.util.OptionalInt.of(Integer.parseInt(after.get("internalErrors").n()));
        } catch (ConditionalCheckFailedException notReady) {
            return java.util.OptionalInt.empty();
        }
    }

    /** A string attribute no message is without; missing or of another type (a number, a NULL) makes a bad record. */
    private static String required(Map<String, AttributeValue> item, String name) {
        return java.util.Objects.requireNonNull(item.get(name).s(), name);
    }
}
