package io.nudge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nudge.json.Json;
import io.nudge.testing.Samples;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay switch: every stream batch, Scheduler invocation, campaign start and SNS notification handed over twice
 * (batches reversed first) must leave exactly what a single delivery leaves — the same messages with the same statuses
 * and histories, the same stats, one outbox write per sent message.
 */
class ReplayIT {
    private static final String KEY = "replay-admin-key";
    private static final List<String> USERS = List.of("ada", "bob", "cy");
    /** A journey's users (outside the campaign's segment): jo does the awaited thing, kim does not. */
    private static final List<String> JOURNEY_USERS = List.of("jo", "kim");

    @TempDir
    Path once;
    @TempDir
    Path twice;

    @Test
    void replayed_deliveries_leave_the_same_outcome_as_single_ones() throws Exception {
        Outcome single = scenario(once, false);
        Outcome replayed = scenario(twice, true);

        assertThat(single.messages()).hasSize(10);
        assertThat(single.messages().values()).containsExactlyInAnyOrder("BOUNCED [READY, SENDING, SENT, BOUNCED]",
                "SENT [SCHEDULED, READY, SENDING, SENT]", "SENT [READY, SENDING, SENT]", "SENT [READY, SENDING, SENT]",
                "SENT [READY, SENDING, SENT]",
                // cy's webhook
                "SENT [READY, SENDING, SENT]",
                // the journey's: hello and thanks for jo, hello and nudge for kim
                "SENT [READY, SENDING, SENT]", "SENT [READY, SENDING, SENT]", "SENT [READY, SENDING, SENT]", "SENT [READY, SENDING, SENT]");
        assertThat(replayed.messages()).isEqualTo(single.messages());
        assertThat(single.journeys()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "jo", List.of("COMPLETED [hello:next, pause:next, done:received, thanks:next, end:exit]"),
                "kim", List.of("COMPLETED [hello:next, pause:next, done:timeout, nudge:next, end:exit]")));
        assertThat(replayed.journeys()).isEqualTo(single.journeys());
        assertThat(replayed.stats()).isEqualTo(single.stats());
        assertThat(replayed.suppressions()).isEqualTo(single.suppressions());
        assertThat(single.outboxWrites()).hasSize(9).allSatisfy((file, writes) -> assertThat(writes).isEqualTo(1));
        assertThat(replayed.outboxWrites()).isEqualTo(single.outboxWrites());
        assertThat(single.webhookPosts()).isEqualTo(List.of("cy"));
        assertThat(replayed.webhookPosts()).as("a replayed READY record posts nothing twice").isEqualTo(single.webhookPosts());
        // the stream out: every Outbound record handed over twice too; the same events, by id (duplicates allowed)
        assertThat(single.streamOut()).filteredOn(e -> e.startsWith("message.sent ")).as("every message was sent once").hasSize(10);
        assertThat(single.streamOut()).filteredOn(e -> e.startsWith("message.bounced ")).hasSize(1);
        assertThat(single.streamOut()).filteredOn(e -> e.startsWith("journey.entered ")).hasSize(2);
        assertThat(single.streamOut()).filteredOn(e -> e.startsWith("journey.exited ")).hasSize(2);
        assertThat(replayed.streamOut()).isEqualTo(single.streamOut());
    }

    /** Distinct events of {@code type} the receiver got at /events. */
    private static long posted(io.nudge.testing.WebhookReceiver hooks, String type) {
        return hooks.all().stream().filter(r -> r.path().equals("/events") && type.equals(r.header("Nudge-Event-Type")))
                .map(r -> r.header("Idempotency-Key")).distinct().count();
    }

    /**
     * What the scenario leaves: message id → "STATUS [history statuses]", stats, suppressions, outbox writes per file,
     * the webhook channel's posts, and the stream out's events as "type id".
     */
    record Outcome(Map<String, String> messages, Map<String, JsonNode> stats, JsonNode suppressions, Map<String, Integer> outboxWrites,
            Map<String, List<String>> journeys, List<String> webhookPosts, java.util.SortedSet<String> streamOut) {}

    private Outcome scenario(Path data, boolean replay) throws Exception {
        io.nudge.testing.WebhookReceiver hooks = new io.nudge.testing.WebhookReceiver(io.nudge.testing.WebhookReceiver.Answer.of(200, "ok"));
        LocalOptions options = ItClient.options(data).apiKey(KEY).replay(replay)
                .webhooks(io.nudge.channel.webhook.WebhookDestinations.allowing(List.of("127.0.0.1"))).build();
        Path outbox = Files.createDirectories(data.resolve("outbox"));
        Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();
        Thread watcher = watch(outbox, writes);
        try (LocalRunner runner = LocalRunner.start(options)) {
            ItClient api = new ItClient(runner.port(), KEY);
            api.call("PUT", "/v1/templates/mail", "{'channel':'email','subject':'Hi','text':'Hello {{ event.name }}'}");
            api.call("PUT", "/v1/templates/news", "{'channel':'email','subject':'News','text':'The news'}");
            api.call("PUT", "/v1/triggers/now", "{'event':'r_now','channel':'email','template':'mail','priority':'transactional'}");
            api.call("PUT", "/v1/triggers/later", "{'event':'r_later','channel':'email','template':'mail','priority':'transactional','delay':'PT15S'}");
            api.callRaw("PUT", "/v1/templates/hook", Json.object().put("channel", "webhook").put("url", hooks.url("/hook"))
                    .put("body", "{{ user.userId }}").toString());
            api.call("PUT", "/v1/triggers/hook", "{'event':'r_hook','channel':'webhook','template':'hook'}");
            api.call("PUT", "/v1/webhooks/out", "{'url':'" + hooks.url("/events") + "','events':['message.sent','message.bounced',"
                    + "'journey.entered','journey.exited']}");
            api.call("PUT", "/v1/segments/all", "{'all':[{'path':'user.attributes.replay','op':'eq','value':true}]}");
            api.call("PUT", "/v1/campaigns/camp", "{'segment':'all','channel':'email','priority':'transactional',"
                    + "'variants':[{'id':'A','template':'news','weight':100}],'holdout':0,'enabled':true}");
            for (String template : List.of("j_hello", "j_thanks", "j_nudge")) {
                api.call("PUT", "/v1/templates/" + template, "{'channel':'email','subject':'" + template + "','text':'" + template + "'}");
            }
            api.call("PUT", "/v1/journeys/flow", "{'name':'Flow','entry':{'event':'r_flow'},'start':'hello','steps':{"
                    + "'hello':{'type':'send','channel':'email','template':'j_hello','priority':'transactional','next':'pause'},"
                    + "'pause':{'type':'delay','duration':'PT1S','next':'done'},"
                    + "'done':{'type':'wait_for','event':'r_done','timeout':'PT2S','next':'thanks','timeoutNext':'nudge'},"
                    + "'thanks':{'type':'send','channel':'email','template':'j_thanks','priority':'transactional','next':'end'},"
                    + "'nudge':{'type':'send','channel':'email','template':'j_nudge','priority':'transactional','next':'end'},"
                    + "'end':{'type':'exit'}}}");
            for (String user : USERS) {
                api.call("PUT", "/v1/users/" + user, "{'email':'" + user + "@replay.test','attributes':{'replay':true}}");
            }
            for (String user : JOURNEY_USERS) {
                api.call("PUT", "/v1/users/" + user, "{'email':'" + user + "@replay.test'}");
            }
            api.call("POST", "/v1/events", "{'events':[{'id':'e-now','userId':'ada','name':'r_now'},{'id':'e-later','userId':'bob','name':'r_later'},"
                    + "{'id':'e-flow-jo','userId':'jo','name':'r_flow'},{'id':'e-flow-kim','userId':'kim','name':'r_flow'},"
                    + "{'id':'e-hook','userId':'cy','name':'r_hook'}]}");
            // jo answers once the journey waits for it (its stream records replayed or not)
            ItClient.eventually("jo waiting at done", () -> runner.services().journeyInstances().forUser("jo", 5).stream()
                    .filter(i -> i.step().equals("done") && i.waitingFor().isPresent()).findFirst().map(i -> true));
            api.call("POST", "/v1/events", "{'id':'e-done-jo','userId':'jo','name':'r_done'}");

            JsonNode sent = until(api, "ada", m -> m.path("status").asText().equals("SENT")).get(0);
            ObjectNode bounce = ((ObjectNode) Samples.json("sns-ses-bounce-permanent.json").at("/Records/0/Sns")).deepCopy();
            bounce.put("Message", bounce.get("Message").textValue().replace(Samples.MESSAGE_ID, sent.path("id").asText())
                    .replace(Samples.SES_MESSAGE_ID, sent.path("providerMessageId").asText()));
            api.callRaw("POST", "/local/sns", bounce.toString());
            until(api, "ada", m -> m.path("status").asText().equals("BOUNCED"));
            api.call("POST", "/v1/campaigns/camp/run", "{'runId':'r-1'}");
            until(api, "bob", m -> m.path("status").asText().equals("SENT"), 2);
            until(api, "cy", m -> m.path("status").asText().equals("SENT"), 2); // the campaign's email and the webhook
            until(api, "ada", m -> m.path("status").asText().equals("SENT"));
            for (String user : JOURNEY_USERS) {
                until(api, user, m -> m.path("status").asText().equals("SENT"), 2);
                ItClient.eventually(user + "'s instance ended", () -> runner.services().journeyInstances().forUser(user, 5).stream()
                        .filter(i -> !i.active()).findFirst().map(i -> true));
            }
            Thread.sleep(1_500); // anything a replay would still do lands now
            // the stream out's last events (journey exits) are posted within a second of the change
            ItClient.eventually("the stream out's events posted", () -> posted(hooks, "journey.exited") >= 2 && posted(hooks, "message.sent") >= 10
                    ? Optional.of(true) : Optional.empty());

            Map<String, String> messages = new TreeMap<>();
            for (String user : java.util.stream.Stream.concat(USERS.stream(), JOURNEY_USERS.stream()).toList()) {
                for (JsonNode m : api.call("GET", "/v1/users/" + user + "/messages", null).path("messages")) {
                    List<String> history = new ArrayList<>();
                    m.path("history").forEach(h -> history.add(h.path("status").asText()));
                    messages.put(m.path("id").asText(), m.path("status").asText() + " " + history);
                }
            }
            String today = LocalDate.now(ZoneOffset.UTC).toString();
            Map<String, JsonNode> stats = new TreeMap<>();
            for (String trigger : List.of("now", "later")) {
                stats.put(trigger, api.call("GET", "/v1/stats/triggers/" + trigger + "?from=" + today + "&to=" + today, null).path("totals"));
            }
            JsonNode campaign = api.call("GET", "/v1/stats/campaigns/camp", null);
            stats.put("camp", campaign);
            JsonNode suppressions = api.call("GET", "/v1/suppressions?channel=email", null);
            Map<String, Integer> outboxWrites = new TreeMap<>();
            writes.forEach((file, n) -> outboxWrites.put(file, n.get()));
            // an instance's status and path (each step and the edge it left by); instance ids are derived, as message ids
            Map<String, List<String>> journeys = new TreeMap<>();
            for (String user : JOURNEY_USERS) {
                List<String> instances = new ArrayList<>();
                for (var instance : runner.services().journeyInstances().forUser(user, 10)) {
                    List<String> path = new ArrayList<>();
                    instance.path().forEach(p -> path.add(p.step() + p.left().map(l -> ":" + l).orElse("")));
                    instances.add(instance.status() + " " + path);
                }
                journeys.put(user, instances);
            }
            // file names are message ids: the same in both runs
            // an event's type and id: ids are derived from what caused them, the same in both runs
            java.util.SortedSet<String> streamOut = new java.util.TreeSet<>();
            hooks.all().stream().filter(r -> r.path().equals("/events"))
                    .forEach(r -> streamOut.add(r.header("Nudge-Event-Type") + " " + r.header("Idempotency-Key")));
            return new Outcome(messages, stats, withoutTimes(suppressions), outboxWrites, journeys,
                    hooks.all().stream().filter(r -> r.path().equals("/hook")).map(io.nudge.testing.WebhookReceiver.Received::body).toList(),
                    streamOut);
        } finally {
            watcher.interrupt();
            hooks.close();
        }
    }

    private static JsonNode withoutTimes(JsonNode suppressions) {
        JsonNode copy = suppressions.deepCopy();
        copy.findParents("at").forEach(p -> ((ObjectNode) p).remove("at"));
        copy.findParents("createdAt").forEach(p -> ((ObjectNode) p).remove("createdAt"));
        copy.findParents("updatedAt").forEach(p -> ((ObjectNode) p).remove("updatedAt"));
        return copy;
    }

    private static Thread watch(Path outbox, Map<String, AtomicInteger> writes) throws Exception {
        WatchService watch = FileSystems.getDefault().newWatchService();
        outbox.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
        return Thread.ofPlatform().daemon().start(() -> {
            try (watch) {
                while (true) {
                    WatchKey key = watch.take();
                    for (WatchEvent<?> event : key.pollEvents()) {
                        String name = String.valueOf(event.context());
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW || !name.startsWith(".")) {
                            writes.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                    key.reset();
                }
            } catch (Exception stopped) {
                // done
            }
        });
    }

    /** The user's messages that match, once there are {@code count} of them (asynchronous work, with a deadline). */
    private static List<JsonNode> until(ItClient api, String user, Predicate<JsonNode> wanted, int count) {
        return ItClient.eventually(() -> user + ": no " + count + " matching messages in time: " + api.messages(user),
                Duration.ofSeconds(ItTime.DEADLINE_SECONDS), () -> {
                    List<JsonNode> found = new ArrayList<>();
                    api.messages(user).forEach(m -> {
                        if (wanted.test(m)) {
                            found.add(m);
                        }
                    });
                    return found.size() >= count ? Optional.of(found) : Optional.empty();
                });
    }

    private static List<JsonNode> until(ItClient api, String user, Predicate<JsonNode> wanted) {
        return until(api, user, wanted, 1);
    }
}
